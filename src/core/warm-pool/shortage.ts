import { IPS_PER_PREFIX } from '../limits/max-pods.ts';
import { chooseEniToFill } from './eni-choice.ts';
import type { AssignToEniAction, AttachEniAction, CidrUnit, GrowBlockedReason, PoolSnapshot, PoolStats } from './pool.ts';
import { targetState } from './target-state.ts';
import type { TargetState } from './target-state.ts';
import type { PoolTargets } from './targets.ts';

/** Whether the pool is too low and, if so, the one grow action upstream would take (or why none). */
export interface Growth {
  readonly tooLow: boolean;
  readonly action: AssignToEniAction | AttachEniAction | undefined;
  readonly blockedBy: GrowBlockedReason | undefined;
}

function tooLowIgnoringMaxPods(stats: PoolStats, targets: PoolTargets, state: TargetState | undefined): boolean {
  // WARM_IP_TARGET / MINIMUM_IP_TARGET set: low exactly when short of them.
  if (state !== undefined) return state.short > 0;
  // Otherwise keep WARM_ENI_TARGET ENIs' worth of addresses free (prefix mode: WARM_PREFIX_TARGET prefixes'
  // worth of addresses, i.e. free *addresses* are compared, not free prefixes), and never run dry when it is 0.
  const [warmTarget, addressesPerUnit] = targets.poolMode === 'prefix'
    ? [targets.warmPrefixTarget, IPS_PER_PREFIX]
    : [targets.warmEniTarget, targets.ipsPerEni];
  return stats.availableIps < addressesPerUnit * warmTarget || (warmTarget === 0 && stats.availableIps === 0);
}

/** Blocks wanted this round: upstream `tryAssignIPs`' toAllocate, or `getPrefixesNeeded` in prefix mode. */
function blocksWanted(stats: PoolStats, targets: PoolTargets, state: TargetState | undefined): number {
  if (targets.poolMode === 'prefix') {
    // At least one prefix; with IP targets the shortage, else what WARM_PREFIX_TARGET lacks in free prefixes.
    const short = state === undefined ? targets.warmPrefixTarget - stats.freePrefixes : state.short;
    return Math.max(1, short);
  }
  // Secondary IPs: only the shortage with IP targets (to avoid over-allocating and then releasing), else a full ENI.
  return state === undefined ? targets.ipsPerEni : state.short;
}

/**
 * Upstream `hasRoomForEni`: attached ENIs (trunk and EFA included) stay below `maxEni`, less unmanaged ENIs
 * and, while there is no trunk yet, one slot reserved for it. (Upstream subtracts excluded ENIs on both sides.)
 */
function hasRoomForEni(snapshot: PoolSnapshot, targets: PoolTargets): boolean {
  const trunkReserve = targets.reserveTrunkEni && !snapshot.enis.some((eni) => eni.isTrunk === true) ? 1 : 0;
  return snapshot.enis.length < targets.maxEni - (snapshot.unmanagedEnis ?? 0) - trunkReserve;
}

/**
 * Upstream `isDatastorePoolTooLow` then `increaseDatastorePool`: fill the first ENI with room, else attach a
 * new ENI when a slot is free. The request is not capped at max pods: growth only stops once the total has
 * reached it, so the last step may overshoot (as upstream).
 */
export function decideGrowth(snapshot: PoolSnapshot, stats: PoolStats, targets: PoolTargets): Growth {
  const state = targetState(stats, targets);
  if (!tooLowIgnoringMaxPods(stats, targets, state)) return { tooLow: false, action: undefined, blockedBy: undefined };
  if (stats.totalIps >= targets.maxPods) return { tooLow: false, action: undefined, blockedBy: 'max-pods' };
  const unit: CidrUnit = targets.poolMode === 'prefix' ? 'prefix' : 'ip';
  const wanted = blocksWanted(stats, targets, state);
  // Upstream tryAssignIPs returns early when the IP targets are already met (unreachable once low; kept).
  if (wanted <= 0) return { tooLow: true, action: undefined, blockedBy: undefined };
  const eni = chooseEniToFill(snapshot, targets);
  if (eni !== undefined) {
    const count = Math.min(targets.cidrsPerEni - eni.cidrs.length, wanted);
    return { tooLow: true, action: { kind: 'assign-to-eni', eniId: eni.eniId, count, unit }, blockedBy: undefined };
  }
  if (!hasRoomForEni(snapshot, targets)) return { tooLow: true, action: undefined, blockedBy: 'eni-limit' };
  // GetENIResourcesToAllocate: what is wanted, at most a full ENI.
  const count = Math.min(wanted, targets.cidrsPerEni);
  return { tooLow: true, action: { kind: 'attach-eni', count, unit }, blockedBy: undefined };
}
