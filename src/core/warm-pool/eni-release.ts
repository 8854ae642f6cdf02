import { IPS_PER_PREFIX } from '../limits/max-pods.ts';
import type { PoolEni, PoolSnapshot, PoolStats } from './pool.ts';
import { cidrSize, isActiveUnit } from './pool-stats.ts';
import type { PoolTargets } from './targets.ts';

function hasPods(eni: PoolEni): boolean {
  return eni.cidrs.some((cidr) => cidr.assigned > 0);
}

/** Upstream `CheckFreeableENIexists`: some ENI is not primary, trunk or EFA, and has no pods (age and cooldown not checked). */
function someEniUnused(snapshot: PoolSnapshot): boolean {
  return snapshot.enis.some((eni) => !eni.isPrimary && eni.isTrunk !== true && eni.isEfa !== true && !hasPods(eni));
}

/** Upstream `shouldRemoveExtraENIs`, with the stats taken before this round's grow or shrink (as upstream). */
function worthLooking(before: PoolStats, after: PoolSnapshot, targets: PoolTargets): boolean {
  // With IP targets (always on cards above 0) getDeletableENI does the real check.
  if (targets.warmIpTargetsDefined) return true;
  // The +1 keeps WARM_ENI_TARGET (prefix mode: WARM_PREFIX_TARGET) ENIs' worth free after removing one.
  const warmTarget = (targets.poolMode === 'prefix' ? targets.warmPrefixTarget : targets.warmEniTarget) + 1;
  if (before.availableIps >= warmTarget * targets.ipsPerEni) return true;
  // Prefix mode: after WARM_PREFIX_TARGET was lowered the pool may hold an unused ENI anyway.
  return targets.poolMode === 'prefix' && someEniUnused(after);
}

/** What the other usable ENIs hold: free and total addresses of the active unit, and unused blocks of any unit. */
function others(snapshot: PoolSnapshot, eni: PoolEni, targets: PoolTargets): { free: number; total: number; unusedBlocks: number } {
  let free = 0;
  let total = 0;
  let unusedBlocks = 0;
  for (const other of snapshot.enis) {
    if (other.eniId === eni.eniId || other.excludedForPodIps === true) continue;
    for (const cidr of other.cidrs) {
      if (cidr.assigned === 0) unusedBlocks += 1;
      if (!isActiveUnit(cidr, targets.poolMode)) continue;
      total += cidrSize(cidr);
      free += cidrSize(cidr) - cidr.assigned;
    }
  }
  return { free, total, unusedBlocks };
}

/** In prefix mode an address target is rounded up to whole prefixes. */
function roundedTarget(target: number, targets: PoolTargets): number {
  return targets.poolMode === 'prefix' ? Math.ceil(target / IPS_PER_PREFIX) * IPS_PER_PREFIX : target;
}

/** Upstream `getDeletableENI`: the conditions in its order. */
function deletable(snapshot: PoolSnapshot, eni: PoolEni, targets: PoolTargets): boolean {
  if (eni.isPrimary || eni.recentlyAttached === true) return false;
  if (eni.cidrs.some((cidr) => cidr.cooling > 0) || hasPods(eni)) return false;
  const rest = others(snapshot, eni, targets);
  // Keep the ENI if the others' free addresses would fall short of WARM_IP_TARGET...
  if (targets.warmIpTarget !== 0 && rest.free < roundedTarget(targets.warmIpTarget, targets)) return false;
  // ...or their total short of MINIMUM_IP_TARGET...
  if (targets.minimumIpTarget !== 0 && rest.total < roundedTarget(targets.minimumIpTarget, targets)) return false;
  // ...or (prefix mode) their unused prefixes short of WARM_PREFIX_TARGET.
  if (targets.poolMode === 'prefix' && targets.warmPrefixTarget !== 0 && rest.unusedBlocks < targets.warmPrefixTarget) return false;
  return eni.isTrunk !== true && eni.isEfa !== true;
}

/**
 * Upstream `shouldRemoveExtraENIs` then `getDeletableENI`: at most one ENI per round, never the primary, never
 * one with pods, addresses in cooldown or younger than a minute, never one the targets still need. `after` is
 * the pool once this round's grow or shrink is applied (upstream checks the datastore after them). Candidates
 * go highest device number first, where upstream takes Go map order.
 */
export function chooseEniToRelease(before: PoolStats, after: PoolSnapshot, targets: PoolTargets): PoolEni | undefined {
  if (!worthLooking(before, after, targets)) return undefined;
  const candidates = [...after.enis].sort((a, b) => b.deviceNumber - a.deviceNumber);
  return candidates.find((eni) => deletable(after, eni, targets));
}
