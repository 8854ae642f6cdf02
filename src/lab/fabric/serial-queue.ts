/**
 * Runs async tasks one at a time, in the order they were queued. A failing task does not stop the ones
 * after it (its own promise rejects).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; the promise settles with the task's outcome once it has run. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has finished. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
