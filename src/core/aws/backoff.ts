/**
 * Exponential backoff with jitter for retrying AWS calls ("Exponential Backoff And Jitter", AWS
 * Architecture Blog): `full` draws each delay from [0, min(cap, base * 2^n)); `decorrelated` draws it from
 * [base, min(cap, previous * 3)). Pure: randomness (a function returning [0, 1)) is passed in.
 */

/** How long to wait between attempts. */
export interface BackoffPolicy {
  /** The first delay's scale, in milliseconds. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly capMs: number;
  readonly jitter: 'full' | 'decorrelated';
}

/** The delay before retry `retry` (0 for the first retry) with full jitter. */
export function fullJitterDelay(policy: BackoffPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}

/** The delay after `previousMs` (use `baseMs` for the first) with decorrelated jitter. */
export function decorrelatedJitterDelay(policy: BackoffPolicy, previousMs: number, random: () => number): number {
  const upper = Math.max(policy.baseMs, previousMs * 3);
  return Math.floor(Math.min(policy.capMs, policy.baseMs + random() * (upper - policy.baseMs)));
}

/** The delays of one retry sequence: call `next()` before each retry. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #retries = 0;
  #previousMs: number;

  /** Throws `RangeError` unless 0 <= baseMs <= capMs. */
  constructor(policy: BackoffPolicy, random: () => number) {
    if (!(policy.baseMs >= 0 && policy.capMs >= policy.baseMs)) {
      throw new RangeError(`backoff needs 0 <= baseMs <= capMs, got ${policy.baseMs} and ${policy.capMs}`);
    }
    this.#policy = policy;
    this.#random = random;
    this.#previousMs = policy.baseMs;
  }

  /** The delay before the next retry, in milliseconds. */
  next(): number {
    const delay =
      this.#policy.jitter === 'full'
        ? fullJitterDelay(this.#policy, this.#retries, this.#random)
        : decorrelatedJitterDelay(this.#policy, this.#previousMs, this.#random);
    this.#retries += 1;
    this.#previousMs = delay;
    return delay;
  }

  /** Starts the sequence over (after a success). */
  reset(): void {
    this.#retries = 0;
    this.#previousMs = this.#policy.baseMs;
  }
}
