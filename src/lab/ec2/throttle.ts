import { Ec2ApiError } from './errors.ts';

/** EC2's request-rate categories (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). */
export type ThrottleCategory = 'describe' | 'assign' | 'eni' | 'modify-eni' | 'tags' | 'mutating';

/** One token bucket: holds up to `max` requests and regains `refillPerSecond` of them every second. */
export interface BucketSize {
  readonly max: number;
  readonly refillPerSecond: number;
}

/** Bucket sizes like EC2's defaults for one account. */
export const DEFAULT_BUCKET_SIZES: Readonly<Record<ThrottleCategory, BucketSize>> = {
  describe: { max: 100, refillPerSecond: 20 },
  assign: { max: 100, refillPerSecond: 5 },
  eni: { max: 100, refillPerSecond: 5 },
  'modify-eni': { max: 100, refillPerSecond: 5 },
  tags: { max: 100, refillPerSecond: 10 },
  mutating: { max: 50, refillPerSecond: 5 },
};

/** How the emulator throttles; every field is optional. */
export interface ThrottleOptions {
  /** Overrides of some categories' sizes; the rest keep `DEFAULT_BUCKET_SIZES`. */
  readonly buckets?: Partial<Record<ThrottleCategory, BucketSize>>;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  readonly clock?: () => number;
}

const ASSIGN_ACTIONS = new Set([
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'AssignIpv6Addresses',
  'UnassignIpv6Addresses',
]);
const ENI_ACTIONS = new Set(['CreateNetworkInterface', 'DeleteNetworkInterface']);
const TAG_ACTIONS = new Set(['CreateTags', 'DeleteTags']);

/** The throttling category EC2 puts an action in. */
export function categoryOf(action: string): ThrottleCategory {
  if (action.startsWith('Describe')) return 'describe';
  if (ASSIGN_ACTIONS.has(action)) return 'assign';
  if (ENI_ACTIONS.has(action)) return 'eni';
  if (action === 'ModifyNetworkInterfaceAttribute') return 'modify-eni';
  if (TAG_ACTIONS.has(action)) return 'tags';
  return 'mutating';
}

/** Which bucket an action draws from: its category's, except that each `eni` action has its own. */
function bucketKeyOf(action: string): string {
  const category = categoryOf(action);
  return category === 'eni' ? `eni:${action}` : category;
}

interface BucketState {
  tokens: number;
  updatedAt: number;
}

/**
 * The request-rate token buckets of one account. Buckets start full; each request takes one token;
 * a request that finds less than one token fails with `RequestLimitExceeded` and takes nothing.
 */
export class Throttle {
  readonly #sizes: Readonly<Record<ThrottleCategory, BucketSize>>;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, BucketState>();

  constructor(options: ThrottleOptions = {}) {
    this.#sizes = { ...DEFAULT_BUCKET_SIZES, ...options.buckets };
    this.#clock = options.clock ?? Date.now;
  }

  /** Takes one token for `action`, or throws `RequestLimitExceeded` (HTTP 503). */
  take(action: string): void {
    const bucket = this.#refilled(action);
    if (bucket.tokens < 1) throw new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    bucket.tokens -= 1;
  }

  /** Tokens currently available to `action` (fractional while refilling). */
  available(action: string): number {
    return this.#refilled(action).tokens;
  }

  #refilled(action: string): BucketState {
    const size = this.#sizes[categoryOf(action)];
    const key = bucketKeyOf(action);
    const now = this.#clock();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: size.max, updatedAt: now };
      this.#buckets.set(key, bucket);
    }
    const elapsedMs = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(size.max, bucket.tokens + (elapsedMs * size.refillPerSecond) / 1000);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
    return bucket;
  }
}
