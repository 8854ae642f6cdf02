/**
 * The daemon's background loop, as upstream's `StartNodeIPPoolManager`: a pool round every 2.5-5 s
 * (jittered), a reconcile every 60 s, and the leaked-ENI cleanup first after a random 0-300 s and then
 * hourly. A failing task is logged and the loop goes on; `stop()` ends it between tasks.
 */
import { errorText } from './daemon-runtime.ts';
import type { DaemonRuntime } from './daemon-runtime.ts';
import { LEAKED_ENI_CLEANUP_INTERVAL_MS, LEAKED_ENI_FIRST_DELAY_MAX_MS } from './leaked-eni-cleanup.ts';

/** Shortest pause between pool rounds (upstream `ipPoolMonitorInterval` / 2); up to twice this with jitter. */
export const POOL_INTERVAL_MS = 2_500;
/** Interval of the reconcile (upstream `nodeIPPoolReconcileInterval`). */
export const RECONCILE_INTERVAL_MS = 60_000;

/** What the loop runs. */
export interface PoolLoopTasks {
  readonly runPool: () => Promise<unknown>;
  readonly reconcile: () => Promise<unknown>;
  /** Undefined when the cleanup is disabled. */
  readonly cleanupLeakedEnis: (() => Promise<unknown>) | undefined;
}

/** A start/stop loop over the tasks. */
export class PoolLoop {
  readonly #runtime: DaemonRuntime;
  readonly #tasks: PoolLoopTasks;
  #controller: AbortController | undefined;
  #done: Promise<void> | undefined;

  constructor(runtime: DaemonRuntime, tasks: PoolLoopTasks) {
    this.#runtime = runtime;
    this.#tasks = tasks;
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.#controller !== undefined;
  }

  /** Starts the loop (no-op when running). */
  start(): void {
    if (this.#controller !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#done = this.#loop(controller.signal);
  }

  /** Stops the loop and waits for the task in progress to end. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    this.#controller = undefined;
    await this.#done;
    this.#done = undefined;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { clock, random } = this.#runtime;
    let nextReconcileAt = clock.now() + RECONCILE_INTERVAL_MS;
    let nextCleanupAt = clock.now() + Math.floor(random() * LEAKED_ENI_FIRST_DELAY_MAX_MS);
    while (!signal.aborted) {
      await this.#pause(POOL_INTERVAL_MS + Math.floor(random() * POOL_INTERVAL_MS), signal);
      if (signal.aborted) break;
      await this.#safely('pool round', this.#tasks.runPool);
      if (!signal.aborted && clock.now() >= nextReconcileAt) {
        await this.#safely('reconcile', this.#tasks.reconcile);
        nextReconcileAt = clock.now() + RECONCILE_INTERVAL_MS;
      }
      const cleanup = this.#tasks.cleanupLeakedEnis;
      if (!signal.aborted && cleanup !== undefined && clock.now() >= nextCleanupAt) {
        await this.#safely('leaked-ENI cleanup', cleanup);
        nextCleanupAt = clock.now() + LEAKED_ENI_CLEANUP_INTERVAL_MS;
      }
    }
  }

  async #safely(name: string, task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.#runtime.logger.error(`The ${name} failed`, { error: errorText(error) });
    }
  }

  /** Sleeps, ending early when the loop is stopped (even if the injected sleep ignores the signal). */
  async #pause(ms: number, signal: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.#runtime.sleep(ms, signal).catch(() => undefined), aborted]);
  }
}
