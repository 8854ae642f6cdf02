/**
 * The plugin's log: one JSON object per line (`level`, `ts`, `caller`, `msg`, then the fields), appended to
 * `pluginLogFile` as upstream's zap logger writes `plugin.log`. Never stdout (it carries the CNI result);
 * '' means stderr. Each line is appended with its own open/append/close, so concurrent plugin processes
 * interleave whole lines and nothing is left open. Logging never throws.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from '../core/config/daemon-config.ts';
import type { LogFields, Logger } from '../ports/logger.ts';

/** Upstream's default `AWS_VPC_K8S_PLUGIN_LOG_FILE`. */
export const DEFAULT_PLUGIN_LOG_FILE = '/var/log/aws-routed-eni/plugin.log';

/** Where and what to log. */
export interface PluginLoggerOptions {
  /** A file path, or '' for stderr. */
  readonly file: string;
  /** The least severe level written. */
  readonly level: LogLevel;
  /** The `caller` of every line, e.g. `vpcnet-cni/ADD`. */
  readonly caller: string;
  /** Clock for `ts` (tests); `new Date()` by default. */
  readonly now?: () => Date;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };
const RESERVED = new Set(['level', 'ts', 'caller', 'msg']);

function plain(value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** A `Logger` writing JSON lines to a file (the directory is created on first use) or to stderr. */
export class PluginFileLogger implements Logger {
  readonly #options: PluginLoggerOptions;
  #directoryReady = false;

  constructor(options: PluginLoggerOptions) {
    this.#options = options;
  }

  /** The file this logger appends to ('' = stderr). */
  get file(): string {
    return this.#options.file;
  }

  debug(message: string, fields?: LogFields): void {
    this.#write('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#write('error', message, fields);
  }

  #write(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (SEVERITY[level] < SEVERITY[this.#options.level]) return;
    const ts = (this.#options.now ?? (() => new Date()))().toISOString();
    const extra = Object.fromEntries(Object.entries(fields).filter(([key]) => !RESERVED.has(key)).map(([key, value]) => [key, plain(value)]));
    const line = `${JSON.stringify({ level, ts, caller: this.#options.caller, msg: message, ...extra })}\n`;
    try {
      this.#append(line);
    } catch {
      // A log that cannot be written must not fail the pod's network setup.
    }
  }

  #append(line: string): void {
    const { file } = this.#options;
    if (file === '') {
      process.stderr.write(line);
      return;
    }
    if (!this.#directoryReady) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
      this.#directoryReady = true;
    }
    appendFileSync(file, line, { mode: 0o644 });
  }
}
