/**
 * Runs tasks one at a time, in the order they were queued: the daemon's datastore changes and their
 * checkpoint writes go through one queue, so a reply never reflects state that is not on disk, and the
 * pool manager, reconciler and leaked-ENI cleanup share another, so they never race each other.
 */
export class MutationQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Runs `task` after every task queued before it; its result or error is the returned promise's. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.#pending += 1;
    const result = this.#tail.then(task);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tail = settled.finally(() => {
      this.#pending -= 1;
    });
    return result;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
