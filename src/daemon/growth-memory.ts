/**
 * Why the pool last failed to grow, so that an ADD on an empty pool can give the precise reason, and the
 * 120 s back-off after a subnet ran out of addresses (upstream `insufficientCidrErrorCooldown`).
 */
import { Ec2Error } from '../core/aws/ec2-error.ts';

/** After `InsufficientFreeAddressesInSubnet` / `InsufficientCidrBlocks`, no growth for this long. */
export const SUBNET_BACKOFF_MS = 120_000;

/** The failure reasons an ADD can report for a pool that could not grow. */
export type GrowthFailureReason = 'subnet-full' | 'no-contiguous-28' | 'eni-limit' | 'throttled' | 'other';

/** One failed growth attempt. */
export interface GrowthFailure {
  readonly reason: GrowthFailureReason;
  /** The subnet that was full (subnet-full, no-contiguous-28). */
  readonly subnetId: string | undefined;
  readonly message: string;
  readonly atMs: number;
}

/** The reason for an EC2 error kind. */
export function growthFailureReason(error: unknown): GrowthFailureReason {
  if (!(error instanceof Ec2Error)) return 'other';
  switch (error.kind) {
    case 'subnet-full':
      return 'subnet-full';
    case 'no-cidr':
      return 'no-contiguous-28';
    case 'eni-limit':
    case 'ip-limit':
      return 'eni-limit';
    case 'throttled':
      return 'throttled';
    default:
      return 'other';
  }
}

/** The last growth failure since the last success, and the subnet back-off. */
export class GrowthMemory {
  #last: GrowthFailure | undefined;
  #backoff: GrowthFailure | undefined;
  #backoffUntilMs = Number.NEGATIVE_INFINITY;

  /** Records a failed attempt; subnet exhaustion starts the back-off. */
  recordFailure(error: unknown, subnetId: string | undefined, nowMs: number): GrowthFailure {
    const reason = growthFailureReason(error);
    const failure: GrowthFailure = { reason, subnetId, message: error instanceof Error ? error.message : String(error), atMs: nowMs };
    this.#last = failure;
    if (reason === 'subnet-full' || reason === 'no-contiguous-28') {
      this.#backoff = failure;
      this.#backoffUntilMs = nowMs + SUBNET_BACKOFF_MS;
    }
    return failure;
  }

  /** A growth succeeded: the last failure no longer explains an empty pool. */
  recordSuccess(): void {
    this.#last = undefined;
  }

  /** The subnet failure that blocks growth now, if the back-off is running. */
  backoff(nowMs: number): GrowthFailure | undefined {
    return nowMs < this.#backoffUntilMs ? this.#backoff : undefined;
  }

  /** The last failure since the last success. */
  lastFailure(): GrowthFailure | undefined {
    return this.#last;
  }
}
