/**
 * An IMDSv2 session over `fetch`: a session token from `PUT /latest/api/token`, cached until shortly before
 * it expires and fetched again when IMDS answers 401; every read retried on network errors, timeouts and
 * 5xx/429 with backoff and jitter.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Backoff } from '../../core/aws/backoff.ts';
import type { BackoffPolicy } from '../../core/aws/backoff.ts';
import type { Clock } from '../../ports/clock.ts';

/** The link-local address of the instance metadata service. */
export const DEFAULT_IMDS_BASE_URL = 'http://169.254.169.254';
/** The longest token lifetime IMDS grants, in seconds. */
export const MAX_IMDS_TOKEN_TTL_SECONDS = 21_600;
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 2_000, jitter: 'full' };

/** Where IMDS is, token lifetime, timeouts and retries; time, sleep, randomness and fetch for tests. */
export interface ImdsSessionOptions {
  /** Defaults to `DEFAULT_IMDS_BASE_URL`. */
  readonly baseUrl?: string;
  /** Requested token lifetime, 1..21600 s; defaults to the maximum. */
  readonly tokenTtlSeconds?: number;
  /** Per-request timeout; defaults to 5 s. */
  readonly requestTimeoutMs?: number;
  /** Attempts per read, the first included; defaults to 10 (ipamd's IMDS client retries 10 times). */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly clock?: Clock;
  /** Waits between attempts; should reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** An IMDS read that failed for good; `status` is undefined when no HTTP answer came. */
export class ImdsError extends Error {
  readonly path: string;
  readonly status: number | undefined;

  constructor(options: { path: string; status?: number; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'ImdsError';
    this.path = options.path;
    this.status = options.status;
  }
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ttlSeconds: number | undefined;
}

interface RequestOptions {
  readonly method: string;
  readonly headers: Record<string, string>;
  /** The caller's: aborting it stops the request and its retries. */
  readonly signal?: AbortSignal | undefined;
}

interface Token {
  readonly value: string;
  /** When to stop using it: a little before IMDS forgets it. */
  readonly refreshAtMs: number;
}

/** Reads IMDS paths with an IMDSv2 token. */
export class ImdsSession {
  readonly #baseUrl: string;
  readonly #ttlSeconds: number;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffPolicy;
  readonly #clock: Clock;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;
  #token: Token | undefined;
  #pendingToken: Promise<Token> | undefined;

  /** Throws `RangeError` for a TTL outside 1..21600 or fewer than one attempt. */
  constructor(options: ImdsSessionOptions = {}) {
    this.#ttlSeconds = options.tokenTtlSeconds ?? MAX_IMDS_TOKEN_TTL_SECONDS;
    if (!(Number.isInteger(this.#ttlSeconds) && this.#ttlSeconds >= 1 && this.#ttlSeconds <= MAX_IMDS_TOKEN_TTL_SECONDS)) {
      throw new RangeError(`IMDS token TTL must be 1..${MAX_IMDS_TOKEN_TTL_SECONDS} s, got ${this.#ttlSeconds}`);
    }
    this.#maxAttempts = options.maxAttempts ?? 10;
    if (!(Number.isInteger(this.#maxAttempts) && this.#maxAttempts >= 1)) throw new RangeError(`maxAttempts must be >= 1, got ${this.#maxAttempts}`);
    this.#baseUrl = (options.baseUrl ?? DEFAULT_IMDS_BASE_URL).replace(/\/+$/, '');
    this.#timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#clock = options.clock ?? { now: Date.now };
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#random = options.random ?? Math.random;
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * The text at `/latest/<path>`, or undefined when IMDS answers 404. Throws `ImdsError`, or the abort
   * reason once `signal` aborts (the read then stops retrying).
   */
  async get(path: string, signal?: AbortSignal): Promise<string | undefined> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.#currentToken();
      const answer = await this.#request(path, { method: 'GET', headers: { [TOKEN_HEADER]: token.value }, signal });
      if (answer.status === 200) return answer.body;
      if (answer.status === 404) return undefined;
      if (answer.status === 401 && !refreshed) {
        // IMDS no longer knows the token (expired early, or IMDS restarted): get a new one, once.
        if (this.#token === token) this.#token = undefined;
        continue;
      }
      throw new ImdsError({ path, status: answer.status, message: `IMDS answered ${answer.status} for /latest/${path}` });
    }
  }

  async #currentToken(): Promise<Token> {
    if (this.#token !== undefined && this.#clock.now() < this.#token.refreshAtMs) return this.#token;
    this.#pendingToken ??= this.#fetchToken().finally(() => {
      this.#pendingToken = undefined;
    });
    return this.#pendingToken;
  }

  async #fetchToken(): Promise<Token> {
    const requestedAt = this.#clock.now();
    const answer = await this.#request('api/token', { method: 'PUT', headers: { [TTL_HEADER]: String(this.#ttlSeconds) } });
    if (answer.status !== 200 || answer.body === '') {
      throw new ImdsError({ path: 'api/token', status: answer.status, message: `IMDS refused a session token (HTTP ${answer.status})` });
    }
    const ttlMs = (answer.ttlSeconds ?? this.#ttlSeconds) * 1000;
    const token = { value: answer.body, refreshAtMs: requestedAt + ttlMs - Math.min(60_000, ttlMs / 10) };
    this.#token = token;
    return token;
  }

  /** One request, retried on network errors, timeouts, 429 and 5xx; other statuses are returned. */
  async #request(path: string, init: RequestOptions): Promise<Answer> {
    const backoff = new Backoff(this.#backoff, this.#random);
    for (let attempt = 1; ; attempt++) {
      init.signal?.throwIfAborted();
      const outcome = await this.#once(path, init).then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
      if ('answer' in outcome) {
        if (!isRetryableStatus(outcome.answer.status) || attempt >= this.#maxAttempts) return outcome.answer;
      } else if (attempt >= this.#maxAttempts) {
        const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        throw new ImdsError({ path, message: `IMDS did not answer /latest/${path}: ${reason}`, cause: outcome.error });
      }
      init.signal?.throwIfAborted();
      await this.#sleep(backoff.next(), init.signal);
    }
  }

  async #once(path: string, init: RequestOptions): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = init.signal === undefined ? timeout : AbortSignal.any([timeout, init.signal]);
    const response = await this.#fetch(`${this.#baseUrl}/latest/${path}`, { method: init.method, headers: init.headers, signal });
    const body = await response.text();
    const ttl = Number(response.headers.get(TTL_HEADER) ?? Number.NaN);
    return { status: response.status, body, ttlSeconds: Number.isInteger(ttl) && ttl > 0 ? ttl : undefined };
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
