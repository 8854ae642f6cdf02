import type { PoolEni, PoolSnapshot } from './pool.ts';
import type { PoolTargets } from './targets.ts';

/** Lowest device number first: deterministic where upstream takes Go map order (arbitrary). */
function byDeviceNumber(a: PoolEni, b: PoolEni): number {
  return a.deviceNumber - b.deviceNumber;
}

/**
 * The ENI to put more secondary IPs or prefixes on, as upstream's `GetAllocatableENIs`: not the primary ENI
 * under custom networking, not the trunk, not excluded for pod IPs, and with fewer than `cidrsPerEni` blocks
 * (blocks of either unit count: EC2's limit is shared). Undefined when every ENI is full.
 */
export function chooseEniToFill(snapshot: PoolSnapshot, targets: PoolTargets): PoolEni | undefined {
  const candidates = snapshot.enis.filter((eni) =>
    (targets.primaryEniCarriesPods || !eni.isPrimary) &&
    eni.isTrunk !== true &&
    eni.excludedForPodIps !== true &&
    eni.cidrs.length < targets.cidrsPerEni);
  return candidates.sort(byDeviceNumber)[0];
}
