/** The warm pool: upstream ipamd's grow / shrink / release-ENI decisions as pure functions over a pool snapshot. */
export { applyDecision } from './apply-decision.ts';
export { chooseEniToFill } from './eni-choice.ts';
export { chooseEniToRelease } from './eni-release.ts';
export { decideShrink } from './excess.ts';
export type { Shrink } from './excess.ts';
export { MIN_ENI_LIFETIME_MS, SHRINK_INTERVAL_MS } from './pool.ts';
export type {
  AssignToEniAction,
  AttachEniAction,
  CidrUnit,
  GrowBlockedReason,
  PoolAction,
  PoolCidr,
  PoolDecision,
  PoolEni,
  PoolSnapshot,
  PoolStats,
  ReleaseCidrsAction,
  ReleaseEniAction,
} from './pool.ts';
export { cidrSize, isActiveUnit, poolStats } from './pool-stats.ts';
export { decideGrowth } from './shortage.ts';
export type { Growth } from './shortage.ts';
export { targetState } from './target-state.ts';
export type { TargetState } from './target-state.ts';
export { poolTargets } from './targets.ts';
export type { PoolTargets, PoolTargetsInput } from './targets.ts';
export { decidePool } from './warm-pool.ts';
export type { DecidePoolOptions } from './warm-pool.ts';
