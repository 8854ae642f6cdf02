/** Test support: builds pools and replays upstream's worked examples (pods added one at a time). */
import { instanceLimits } from '../limits/instance-limits.ts';
import { ipamdMaxPods } from '../limits/max-pods.ts';
import type { PoolMode } from '../limits/max-pods.ts';
import { applyDecision } from './apply-decision.ts';
import type { PoolCidr, PoolEni, PoolSnapshot } from './pool.ts';
import { cidrSize, isActiveUnit } from './pool-stats.ts';
import { poolTargets } from './targets.ts';
import type { PoolTargets, PoolTargetsInput } from './targets.ts';
import { decidePool } from './warm-pool.ts';

/** Targets for an instance type of the shipped table, with upstream defaults for anything not given. */
export function targetsFor(instanceType: string, overrides: Partial<PoolTargetsInput> = {}): PoolTargets {
  const limits = instanceLimits(instanceType);
  if (limits === undefined) throw new RangeError(`unknown instance type ${instanceType}`);
  const poolMode: PoolMode = overrides.poolMode ?? 'secondary-ip';
  return poolTargets({
    poolMode,
    warmEniTarget: 1,
    warmIpTarget: 0,
    minimumIpTarget: 0,
    warmPrefixTarget: 0,
    maxEni: undefined,
    customNetworking: false,
    podEni: false,
    eniLimit: limits.eniLimit,
    ipv4Limit: limits.ipv4Limit,
    maxPods: ipamdMaxPods({ limits, prefixDelegation: poolMode === 'prefix', customNetworking: overrides.customNetworking ?? false }),
    ...overrides,
  });
}

/** A /32 (or /28 with `isPrefix`) with the given use. */
export function block(name: string, use: Partial<Omit<PoolCidr, 'cidr'>> = {}): PoolCidr {
  return { cidr: name, isPrefix: false, assigned: 0, cooling: 0, ...use };
}

/** An ENI with `cidrs`; device 0 is the primary. */
export function eni(deviceNumber: number, cidrs: readonly PoolCidr[], extra: Partial<PoolEni> = {}): PoolEni {
  return { eniId: `eni-${deviceNumber}`, deviceNumber, isPrimary: deviceNumber === 0, cidrs, ...extra };
}

/** `count` blocks on ENI `device`, the first `assigned` of them in use (prefixes: that many addresses in total). */
export function blocks(device: number, count: number, options: { assigned?: number; cooling?: number; isPrefix?: boolean } = {}): PoolCidr[] {
  const size = options.isPrefix === true ? 16 : 1;
  let assigned = options.assigned ?? 0;
  let cooling = options.cooling ?? 0;
  return Array.from({ length: count }, (_, index) => {
    const inUse = Math.min(assigned, size);
    assigned -= inUse;
    const cool = Math.min(cooling, size - inUse);
    cooling -= cool;
    return block(`${device}.${index}`, { isPrefix: options.isPrefix === true, assigned: inUse, cooling: cool });
  });
}

/** A node as it boots: the primary ENI, no secondary addresses. */
export const FRESH_NODE: PoolSnapshot = { enis: [eni(0, [])] };

/** Runs decide + apply until nothing is left to do; time passes between rounds (new ENIs age). */
export function settle(snapshot: PoolSnapshot, targets: PoolTargets, maxRounds = 100): PoolSnapshot {
  let pool = snapshot;
  for (let round = 0; round < maxRounds; round += 1) {
    const { actions } = decidePool(pool, targets);
    if (actions.length === 0) return pool;
    pool = applyDecision(pool, actions);
    pool = { ...pool, enis: pool.enis.map((e) => ({ ...e, recentlyAttached: false })) };
  }
  throw new Error(`pool did not settle in ${maxRounds} rounds`);
}

/** Assigns one pod address: lowest device number first, then the first block with room (packing). */
export function addPod(snapshot: PoolSnapshot, poolMode: PoolMode): PoolSnapshot {
  const ordered = [...snapshot.enis].sort((a, b) => a.deviceNumber - b.deviceNumber);
  for (const target of ordered) {
    if (target.excludedForPodIps === true) continue;
    const index = target.cidrs.findIndex((c) => isActiveUnit(c, poolMode) && c.assigned + c.cooling < cidrSize(c));
    const found = target.cidrs[index];
    if (found === undefined) continue;
    const cidrs = target.cidrs.map((c, i) => (i === index ? { ...c, assigned: found.assigned + 1 } : c));
    return { ...snapshot, enis: snapshot.enis.map((e) => (e === target ? { ...e, cidrs } : e)) };
  }
  throw new Error('no free address for the pod');
}

/** Boots a node, then adds `pods` pods one at a time, settling the pool after each, as the docs' tables do. */
export function replay(targets: PoolTargets, pods: number): PoolSnapshot {
  let pool = settle(FRESH_NODE, targets);
  for (let pod = 0; pod < pods; pod += 1) pool = settle(addPod(pool, targets.poolMode), targets);
  return pool;
}
