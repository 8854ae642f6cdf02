import type { PoolCidr, PoolEni, PoolSnapshot, PoolStats, ReleaseCidrsAction } from './pool.ts';
import { targetState } from './target-state.ts';
import type { PoolTargets } from './targets.ts';

/** Whether the pool is too high, and the blocks to release (grouped per ENI, as upstream's `DeallocCidrs`). */
export interface Shrink {
  readonly tooHigh: boolean;
  readonly actions: readonly ReleaseCidrsAction[];
}

/**
 * Blocks upstream's `FindFreeableCidrs` returns (no address assigned, either unit), minus those with an
 * address in cooldown. That is a vpcnet change: upstream frees cooling blocks, and EC2 may hand the same
 * address straight back on the next grow, with no cooldown record left to stop its reuse.
 */
function freeable(cidr: PoolCidr): boolean {
  return cidr.assigned === 0 && cidr.cooling === 0;
}

/** Highest device number first, so the newest ENIs empty first and can then be released. */
function byDeviceNumberDescending(a: PoolEni, b: PoolEni): number {
  return b.deviceNumber - a.deviceNumber;
}

/** How many blocks are over target, or undefined when upstream never reports the pool as too high. */
function blocksOver(stats: PoolStats, targets: PoolTargets): number | undefined {
  const state = targetState(stats, targets);
  // WARM_IP_TARGET / MINIMUM_IP_TARGET set: too high exactly when over them.
  if (state !== undefined) return state.over;
  // Prefix mode (WARM_PREFIX_TARGET is always "defined" there): free prefixes beyond the target.
  if (targets.poolMode === 'prefix') return Math.max(stats.freePrefixes - targets.warmPrefixTarget, 0);
  // Secondary IPs with only WARM_ENI_TARGET: addresses are never returned one by one, only whole ENIs.
  return undefined;
}

/**
 * Upstream `isDatastorePoolTooHigh` then `tryUnassignCidrsFromAll`: release up to `over` unused blocks,
 * ENI by ENI. Releases are never capped by max pods (the limit is enforced on growth only).
 */
export function decideShrink(snapshot: PoolSnapshot, stats: PoolStats, targets: PoolTargets): Shrink {
  const over = blocksOver(stats, targets);
  if (over === undefined || over <= 0) return { tooHigh: false, actions: [] };
  const actions: ReleaseCidrsAction[] = [];
  let remaining = over;
  for (const eni of [...snapshot.enis].sort(byDeviceNumberDescending)) {
    // Free `remaining` blocks, or as many as this ENI has free, then carry on with the next ENI.
    const cidrs = eni.cidrs.filter(freeable).slice(0, remaining).map((cidr) => cidr.cidr);
    if (cidrs.length === 0) continue;
    actions.push({ kind: 'release-cidrs', eniId: eni.eniId, cidrs });
    remaining -= cidrs.length;
    if (remaining <= 0) break;
  }
  return { tooHigh: true, actions };
}
