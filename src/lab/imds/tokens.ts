/**
 * IMDSv2 session tokens: `PUT /latest/api/token` issues an opaque token valid for the requested TTL,
 * bound to the instance that asked for it; metadata reads present it in `X-aws-ec2-metadata-token`.
 */
import { randomBytes } from 'node:crypto';

/** The TTL limits EC2 enforces on `X-aws-ec2-metadata-token-ttl-seconds`. */
export const MIN_TOKEN_TTL_SECONDS = 1;
export const MAX_TOKEN_TTL_SECONDS = 21_600;

/** The result of checking a presented token. */
export type TokenCheck =
  | { readonly valid: true; readonly remainingSeconds: number }
  | { readonly valid: false; readonly reason: 'unknown' | 'expired' | 'wrong-instance' };

interface IssuedToken {
  readonly instanceId: string;
  readonly expiresAt: number;
}

/**
 * Parses the TTL header value: a decimal integer in 1..21600, else undefined (EC2 answers 400).
 */
export function parseTokenTtl(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,5}$/.test(header.trim())) return undefined;
  const seconds = Number(header.trim());
  return seconds >= MIN_TOKEN_TTL_SECONDS && seconds <= MAX_TOKEN_TTL_SECONDS ? seconds : undefined;
}

/** Issued tokens with their expiry, timed by the given clock (milliseconds since the epoch). */
export class TokenStore {
  readonly #clock: () => number;
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** A new random token for `instanceId`, valid for `ttlSeconds` from now. */
  issue(instanceId: string, ttlSeconds: number): string {
    this.#dropExpired();
    const token = randomBytes(42).toString('base64');
    this.#tokens.set(token, { instanceId, expiresAt: this.#clock() + ttlSeconds * 1000 });
    return token;
  }

  /** Whether `token` may read `instanceId`'s metadata now, and for how many more whole seconds. */
  check(token: string, instanceId: string): TokenCheck {
    const issued = this.#tokens.get(token);
    if (issued === undefined) return { valid: false, reason: 'unknown' };
    const remainingMs = issued.expiresAt - this.#clock();
    if (remainingMs <= 0) return { valid: false, reason: 'expired' };
    if (issued.instanceId !== instanceId) return { valid: false, reason: 'wrong-instance' };
    return { valid: true, remainingSeconds: Math.ceil(remainingMs / 1000) };
  }

  /** How many tokens are held (expired ones are dropped when a new one is issued). */
  get size(): number {
    return this.#tokens.size;
  }

  #dropExpired(): void {
    const now = this.#clock();
    for (const [token, issued] of this.#tokens) if (issued.expiresAt <= now) this.#tokens.delete(token);
  }
}
