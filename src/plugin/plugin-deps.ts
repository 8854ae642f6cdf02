/**
 * What `runCni` needs from the outside world. Only `src/bin/vpcnet-cni.ts` builds the real ones; tests pass
 * fakes or real adapters pointed at their own namespaces and sockets.
 */
import type { LogLevel } from '../core/config/daemon-config.ts';
import type { Env } from '../core/config/env-reader.ts';
import type { AddReply, AddRequest, DelReply, DelRequest, StatusReply } from '../core/protocol/protocol.ts';
import type { CommandRunner } from '../ports/command-runner.ts';
import type { Logger } from '../ports/logger.ts';
import type { SysctlWriter } from './proc-sys.ts';

/**
 * The daemon as the plugin uses it. A reply with a `reason` is the daemon's answer; a rejected promise means
 * the daemon could not be asked (socket missing, refused, timed out, garbled reply).
 */
export interface PluginIpamd {
  add(request: AddRequest): Promise<AddReply>;
  del(request: DelRequest): Promise<DelReply>;
  status(): Promise<StatusReply>;
}

/** One plugin run as the runtime started it. */
export interface CniRun {
  /** The process environment (`CNI_*`). */
  readonly env: Env;
  /** Everything the runtime wrote on stdin. */
  readonly stdin: string;
}

/** What the runtime gets back. */
export interface CniOutcome {
  /** The result, the VERSION reply or the error JSON ('' for a successful DEL, GC or STATUS). */
  readonly stdout: string;
  /** 0 on success, 1 on error. */
  readonly exitCode: number;
}

/** Where the plugin's log goes, known once the network config is read. */
export interface LogTarget {
  /** A file path, or '' for stderr. */
  readonly file: string;
  readonly level: LogLevel;
  /** `vpcnet-cni/<command>`. */
  readonly caller: string;
}

/** Dependencies of one plugin run. */
export interface PluginDeps {
  /** Runs `ip`, `nsenter` and `sysctl` in the host namespace. */
  readonly runner: CommandRunner;
  /** The daemon client for the config's `ipamdSocket`. */
  readonly ipamd: (socketPath: string) => PluginIpamd;
  /** The plugin's log for the config's `pluginLogFile`/`pluginLogLevel`. */
  readonly logger: (target: LogTarget) => Logger;
  /**
   * Sets the host veths' sysctls. The executable writes /proc/sys itself (it runs in the host namespace);
   * without this, `sysctl` runs through `runner` (tests whose runner enters another namespace).
   */
  readonly sysctl?: SysctlWriter;
  /** Random bytes (host veth MACs). */
  readonly random: (size: number) => Uint8Array;
  /** Log file used when the config names none, or cannot be read; the default is upstream's plugin.log. */
  readonly defaultLogFile?: string;
  /** How long DEL waits for the daemon before tearing down from `prevResult` instead (default 5000 ms). */
  readonly delTimeoutMs?: number;
}
