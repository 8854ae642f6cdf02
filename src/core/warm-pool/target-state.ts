import { IPS_PER_PREFIX } from '../limits/max-pods.ts';
import type { PoolStats } from './pool.ts';
import type { PoolTargets } from './targets.ts';

/**
 * How far the pool is from WARM_IP_TARGET / MINIMUM_IP_TARGET. Counts are prefixes on network card 0 in prefix
 * mode and addresses otherwise (upstream then uses an address count as a prefix count on other cards; with
 * their fixed targets of 1 that is at most one prefix).
 */
export interface TargetState {
  /** Blocks to add to reach both targets. */
  readonly short: number;
  /** Blocks that could go while keeping both targets. */
  readonly over: number;
}

function divCeil(numerator: number, denominator: number): number {
  return Math.ceil(numerator / denominator);
}

/**
 * Upstream `datastoreTargetState`, line for line: undefined when neither WARM_IP_TARGET nor MINIMUM_IP_TARGET
 * is set (the ENI or prefix targets then apply), else how many blocks the pool is short of or over them.
 */
export function targetState(stats: PoolStats, targets: PoolTargets): TargetState | undefined {
  if (!targets.warmIpTargetsDefined) return undefined;
  const { warmIpTarget, minimumIpTarget } = targets;
  const { availableIps, totalIps, assignedIps, totalPrefixes, freePrefixes } = stats;

  // short > 0 when there are fewer available addresses than WARM_IP_TARGET...
  let short = Math.max(warmIpTarget - availableIps, 0);
  // ...or, beyond that, fewer addresses in total than MINIMUM_IP_TARGET.
  short = Math.max(short, minimumIpTarget - totalIps);
  // over: available addresses beyond WARM_IP_TARGET...
  let over = Math.max(availableIps - warmIpTarget, 0);
  // ...but never so many that the total would drop below MINIMUM_IP_TARGET.
  over = Math.max(Math.min(over, totalIps - minimumIpTarget), 0);

  if (targets.networkCard !== 0 || targets.poolMode !== 'prefix') return { short, over };

  // Prefix mode: addresses come 16 at a time, so round the shortage up to whole prefixes.
  const shortPrefixes = divCeil(short, IPS_PER_PREFIX);
  // `over` counts addresses, but they may be spread over partly used prefixes: what matters is how many
  // prefixes the targets need. WARM_IP_TARGET needs room for the assigned addresses plus the warm ones...
  const prefixesForWarm = divCeil(assignedIps + warmIpTarget, IPS_PER_PREFIX);
  // ...and MINIMUM_IP_TARGET needs its total ("a minimum above N*16 is the same as (N+1)*16").
  const prefixesForMinimum = divCeil(minimumIpTarget, IPS_PER_PREFIX);
  // Only wholly free prefixes can go, and only those beyond what each target needs.
  let overPrefixes = Math.max(Math.min(freePrefixes, totalPrefixes - prefixesForWarm), 0);
  overPrefixes = Math.max(Math.min(overPrefixes, totalPrefixes - prefixesForMinimum), 0);
  return { short: shortPrefixes, over: overPrefixes };
}
