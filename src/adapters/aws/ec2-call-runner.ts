/**
 * Runs one logical EC2 call: waits for the client-side rate budget, sends, retries throttling, server and
 * network failures with backoff and jitter up to a bound, reports every attempt, and turns failures into
 * `Ec2Error`. The SDK client's own retries must be off (`maxAttempts: 1`), or both layers would retry.
 */
import { Backoff } from '../../core/aws/backoff.ts';
import type { BackoffPolicy } from '../../core/aws/backoff.ts';
import type { RateBudget } from '../../core/aws/rate-budget.ts';
import type { Clock } from '../../ports/clock.ts';
import { awsErrorCodeOf, isRetryableAwsError, isThrottlingCode, malformedReply, toEc2Error } from './aws-errors.ts';

/** How one attempt ended: `ok`, or AWS's error code (`RequestLimitExceeded`, `ECONNRESET`, ...). */
export type Ec2CallOutcome = 'ok' | (string & {});

/** Called after every attempt (retries included), e.g. to count EC2 calls by action and outcome. */
export type Ec2CallObserver = (action: string, outcome: Ec2CallOutcome, ms: number) => void;

/** What the runner waits on, how it retries, and whom it tells about each attempt. */
export interface Ec2CallSettings {
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly budget: RateBudget;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Each attempt is aborted after this long (and counts as a transient failure). */
  readonly attemptTimeoutMs: number;
  readonly onCall?: Ec2CallObserver;
}

/** Sends the request of one attempt; the signal aborts it at the attempt timeout. */
export type Ec2Send<O> = (signal: AbortSignal) => Promise<O>;

/** Runs EC2 calls with the budget, retries and error translation of `settings`. */
export class Ec2CallRunner {
  readonly #settings: Ec2CallSettings;

  /** Throws `RangeError` for fewer than one attempt. */
  constructor(settings: Ec2CallSettings) {
    if (!(Number.isInteger(settings.maxAttempts) && settings.maxAttempts >= 1)) {
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${settings.maxAttempts}`);
    }
    this.#settings = settings;
  }

  /** Sends `action` until it succeeds or fails for good, then maps the reply; throws `Ec2Error`. */
  async call<O, R>(action: string, send: Ec2Send<O>, map: (output: O) => R): Promise<R> {
    const output = await this.#sendWithRetries(action, send);
    try {
      return map(output);
    } catch (error) {
      throw malformedReply(action, error);
    }
  }

  async #sendWithRetries<O>(action: string, send: Ec2Send<O>): Promise<O> {
    const { clock, sleep, budget, maxAttempts } = this.#settings;
    const backoff = new Backoff(this.#settings.backoff, this.#settings.random);
    for (let attempt = 1; ; attempt++) {
      await this.#waitForBudget(action);
      const startedAt = clock.now();
      try {
        const output = await send(AbortSignal.timeout(this.#settings.attemptTimeoutMs));
        this.#settings.onCall?.(action, 'ok', clock.now() - startedAt);
        return output;
      } catch (error) {
        const code = awsErrorCodeOf(error);
        this.#settings.onCall?.(action, code, clock.now() - startedAt);
        if (isThrottlingCode(code)) budget.drain(action, clock.now());
        if (attempt >= maxAttempts || !isRetryableAwsError(error)) throw toEc2Error(action, error);
        await sleep(backoff.next());
      }
    }
  }

  async #waitForBudget(action: string): Promise<void> {
    const { clock, sleep, budget } = this.#settings;
    for (let wait = budget.reserve(action, clock.now()); wait > 0; wait = budget.reserve(action, clock.now())) {
      await sleep(wait);
    }
  }
}
