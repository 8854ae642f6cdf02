/**
 * A client-side request budget that mirrors EC2's request-rate token buckets, so a node slows itself down
 * before EC2 answers `RequestLimitExceeded`. EC2 evaluates each API individually (one bucket per action,
 * sized by the action's category) and per account: every node of the account draws from the same buckets,
 * so by default a node allows itself only a share (half) of each. Pure: time is passed in.
 */

/** EC2's request-rate categories, as the daemon's actions fall into them. */
export type RateCategory = 'describe' | 'assign' | 'eni' | 'modify-eni' | 'tags' | 'mutating';

/** One token bucket: holds up to `max` requests and regains `refillPerSecond` of them every second. */
export interface BucketSize {
  readonly max: number;
  readonly refillPerSecond: number;
}

/** EC2's default bucket sizes for one account and region (EC2 API throttling page). */
export const EC2_BUCKET_SIZES: Readonly<Record<RateCategory, BucketSize>> = {
  describe: { max: 100, refillPerSecond: 20 },
  assign: { max: 100, refillPerSecond: 5 },
  eni: { max: 100, refillPerSecond: 5 },
  'modify-eni': { max: 100, refillPerSecond: 5 },
  tags: { max: 100, refillPerSecond: 10 },
  mutating: { max: 50, refillPerSecond: 5 },
};

/** The share of each account bucket one node allows itself unless told otherwise. */
export const DEFAULT_BUDGET_SHARE = 0.5;

/** The account's buckets and this node's share of them. */
export interface RateBudgetOptions {
  /** The account's bucket sizes; categories left out keep `EC2_BUCKET_SIZES` (e.g. after a limit increase). */
  readonly accountSizes?: Partial<Record<RateCategory, BucketSize>>;
  /** Fraction (0 < share <= 1) of each account bucket this node uses; default `DEFAULT_BUDGET_SHARE`. */
  readonly share?: number;
}

const ASSIGN_ACTIONS = new Set(['AssignPrivateIpAddresses', 'UnassignPrivateIpAddresses', 'AssignIpv6Addresses', 'UnassignIpv6Addresses']);
const ENI_ACTIONS = new Set(['CreateNetworkInterface', 'DeleteNetworkInterface']);
const TAG_ACTIONS = new Set(['CreateTags', 'DeleteTags']);
const NON_MUTATING_PREFIXES = ['Describe', 'List', 'Get'];

/** The category EC2 sizes an action's bucket by. */
export function rateCategoryOf(action: string): RateCategory {
  if (NON_MUTATING_PREFIXES.some((prefix) => action.startsWith(prefix))) return 'describe';
  if (ASSIGN_ACTIONS.has(action)) return 'assign';
  if (ENI_ACTIONS.has(action)) return 'eni';
  if (action === 'ModifyNetworkInterfaceAttribute') return 'modify-eni';
  if (TAG_ACTIONS.has(action)) return 'tags';
  return 'mutating';
}

/** The bucket a node uses: `share` of the account's, never below one request. */
export function nodeBucketSize(account: BucketSize, share: number): BucketSize {
  return { max: Math.max(1, Math.floor(account.max * share)), refillPerSecond: account.refillPerSecond * share };
}

interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/** Per-action token buckets of one node; buckets start full. */
export class RateBudget {
  readonly #sizes: Readonly<Record<RateCategory, BucketSize>>;
  readonly #buckets = new Map<string, BucketState>();

  /** Throws `RangeError` for a share outside (0, 1] or a bucket that could never grant a request. */
  constructor(options: RateBudgetOptions = {}) {
    const share = options.share ?? DEFAULT_BUDGET_SHARE;
    if (!(share > 0 && share <= 1)) throw new RangeError(`rate budget share must be in (0, 1], got ${share}`);
    const account = { ...EC2_BUCKET_SIZES, ...options.accountSizes };
    const sizes = {} as Record<RateCategory, BucketSize>;
    for (const category of Object.keys(EC2_BUCKET_SIZES) as RateCategory[]) {
      const size = account[category];
      checkBucketSize(category, size);
      sizes[category] = nodeBucketSize(size, share);
    }
    this.#sizes = sizes;
  }

  /** The bucket size this node uses for `action`. */
  sizeOf(action: string): BucketSize {
    return this.#sizes[rateCategoryOf(action)];
  }

  /**
   * Takes a token for `action` and returns 0 when one is available at `nowMs`; otherwise takes nothing and
   * returns how many milliseconds to wait before one will be (then call again).
   */
  reserve(action: string, nowMs: number): number {
    const bucket = this.#refilled(action, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / this.sizeOf(action).refillPerSecond));
  }

  /** Empties `action`'s bucket: EC2 throttled it, so other nodes have used the account's tokens. */
  drain(action: string, nowMs: number): void {
    this.#refilled(action, nowMs).tokens = 0;
  }

  /** Tokens `action` has at `nowMs` (fractional while refilling). */
  available(action: string, nowMs: number): number {
    return this.#refilled(action, nowMs).tokens;
  }

  #refilled(action: string, nowMs: number): BucketState {
    const size = this.sizeOf(action);
    let bucket = this.#buckets.get(action);
    if (bucket === undefined) {
      bucket = { tokens: size.max, updatedAtMs: nowMs };
      this.#buckets.set(action, bucket);
    }
    const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(size.max, bucket.tokens + (elapsedMs * size.refillPerSecond) / 1000);
    bucket.updatedAtMs = Math.max(bucket.updatedAtMs, nowMs);
    return bucket;
  }
}

function checkBucketSize(category: RateCategory, size: BucketSize): void {
  const valid = Number.isFinite(size.max) && size.max >= 1 && Number.isFinite(size.refillPerSecond) && size.refillPerSecond > 0;
  if (!valid) throw new RangeError(`rate budget bucket '${category}' needs max >= 1 and refillPerSecond > 0`);
}
