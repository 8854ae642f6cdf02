import { IPS_PER_PREFIX } from '../limits/max-pods.ts';
import type { PoolMode } from '../limits/max-pods.ts';
import type { PoolCidr, PoolSnapshot, PoolStats } from './pool.ts';

/** Addresses in a block: 16 for a /28 prefix, 1 for a secondary /32. */
export function cidrSize(cidr: PoolCidr): number {
  return cidr.isPrefix ? IPS_PER_PREFIX : 1;
}

/** True when the block is of the unit the pool mode hands out (prefixes in prefix mode, /32s otherwise). */
export function isActiveUnit(cidr: PoolCidr, poolMode: PoolMode): boolean {
  return cidr.isPrefix === (poolMode === 'prefix');
}

/**
 * Counts the pool as upstream's `GetIPStats` and `GetFreePrefixes` do: address totals over blocks of the active
 * unit on ENIs not excluded for pod IPs; prefix totals over every ENI (upstream does not skip excluded ones).
 */
export function poolStats(snapshot: PoolSnapshot, poolMode: PoolMode): PoolStats {
  let totalIps = 0;
  let assignedIps = 0;
  let coolingIps = 0;
  let totalPrefixes = 0;
  let freePrefixes = 0;
  for (const eni of snapshot.enis) {
    for (const cidr of eni.cidrs) {
      if (cidr.isPrefix) {
        totalPrefixes += 1;
        if (cidr.assigned === 0) freePrefixes += 1;
      }
      if (eni.excludedForPodIps === true || !isActiveUnit(cidr, poolMode)) continue;
      totalIps += cidrSize(cidr);
      assignedIps += cidr.assigned;
      coolingIps += cidr.cooling;
    }
  }
  return { totalIps, assignedIps, coolingIps, availableIps: totalIps - assignedIps, totalPrefixes, freePrefixes };
}
