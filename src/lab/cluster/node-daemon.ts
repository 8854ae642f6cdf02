import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROTOCOL_PATHS } from '../../core/protocol/index.ts';
import type { DaemonState } from './objects.ts';
import { unixRequest } from './unix-http.ts';

/** How to run one node's vpcnet-ipamd. */
export interface NodeDaemonOptions {
  /** The node's network namespace. */
  readonly netns: string;
  /** The daemon's command line, e.g. `[node, src/bin/vpcnet-ipamd.ts]`. */
  readonly command: readonly string[];
  /** Its whole environment (aws-node's env as the DaemonSet would set it). */
  readonly env: Readonly<Record<string, string>>;
  readonly socketPath: string;
  /** Where its stdout and stderr go (its JSON log goes to AWS_VPC_K8S_CNI_LOG_FILE). */
  readonly consoleLog: string;
  /** Told whenever the daemon's state changes (started, ready, exited, restarted). */
  readonly onChange: (state: DaemonState, detail: string) => void;
}

const READY_TIMEOUT_MS = 60_000;
const MAX_BACKOFF_MS = 10_000;

/** True when the daemon on `socketPath` answers its status request with ready. */
export async function daemonReady(socketPath: string): Promise<boolean> {
  try {
    const reply = await unixRequest({ socketPath, method: 'GET', path: PROTOCOL_PATHS.status, timeoutMs: 2_000 });
    return (reply.body as { ready?: unknown } | undefined)?.ready === true;
  } catch {
    return false;
  }
}

/**
 * Runs a node's vpcnet-ipamd inside the node's namespace and keeps it running, as kubelet does for the
 * aws-node pod: when it exits it is started again after a back-off that doubles up to 10 s.
 */
export class NodeDaemon {
  readonly state: DaemonState = { pid: undefined, restarts: 0, phase: 'stopped' };
  readonly #options: NodeDaemonOptions;
  #child: ChildProcess | undefined;
  #stopping = false;
  #backoffMs = 1_000;

  constructor(options: NodeDaemonOptions) {
    this.#options = options;
  }

  /** Starts the daemon and resolves once it reports ready (rejects after 60 s or if it exits first). */
  async start(): Promise<void> {
    this.#stopping = false;
    await this.#spawn();
    await this.#waitReady();
  }

  /** Sends SIGTERM (as kubelet does), waits for the exit, and stops restarting it. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async #spawn(): Promise<void> {
    const [file, ...args] = this.#options.command;
    if (file === undefined) throw new Error('empty daemon command');
    const log = await open(this.#options.consoleLog, 'a');
    try {
      const child = spawn('ip', ['netns', 'exec', this.#options.netns, file, ...args], { stdio: ['ignore', log.fd, log.fd], env: this.#options.env });
      this.#child = child;
      this.#set({ pid: child.pid, phase: 'starting' }, `started vpcnet-ipamd (pid ${child.pid ?? '?'})`);
      child.once('exit', (code, signal) => this.#exited(child, code, signal));
    } finally {
      await log.close();
    }
  }

  async #waitReady(): Promise<void> {
    const child = this.#child;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await daemonReady(this.#options.socketPath))) {
      if (child?.exitCode !== null || child.signalCode !== null) throw new Error(`vpcnet-ipamd exited before it was ready: see ${this.#options.consoleLog}`);
      if (Date.now() > deadline) throw new Error(`vpcnet-ipamd was not ready within ${READY_TIMEOUT_MS / 1000} s: see ${this.#options.consoleLog}`);
      await sleep(100);
    }
    this.#backoffMs = 1_000;
    this.#set({ phase: 'running' }, 'vpcnet-ipamd is ready');
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    const how = signal === null ? `exit code ${code ?? '?'}` : `signal ${signal}`;
    if (this.#stopping) {
      this.#set({ pid: undefined, phase: 'stopped' }, `vpcnet-ipamd stopped (${how})`);
      return;
    }
    this.#set({ pid: undefined, phase: 'restarting' }, `vpcnet-ipamd exited (${how}); restarting in ${this.#backoffMs / 1000} s`);
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    setTimeout(() => void this.#restart(), delay);
  }

  async #restart(): Promise<void> {
    if (this.#stopping) return;
    this.state.restarts += 1;
    try {
      await this.#spawn();
      await this.#waitReady();
    } catch (error) {
      this.#options.onChange(this.state, `vpcnet-ipamd restart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #set(change: Partial<DaemonState>, detail: string): void {
    Object.assign(this.state, change);
    this.#options.onChange(this.state, detail);
  }
}
