import { applyDecision } from './apply-decision.ts';
import { chooseEniToRelease } from './eni-release.ts';
import { decideShrink } from './excess.ts';
import type { PoolAction, PoolDecision, PoolSnapshot } from './pool.ts';
import { poolStats } from './pool-stats.ts';
import { decideGrowth } from './shortage.ts';
import type { PoolTargets } from './targets.ts';

/** Per-round conditions the caller tracks. */
export interface DecidePoolOptions {
  /** False within `SHRINK_INTERVAL_MS` of the last shrink (upstream `shouldSkipDataStorePoolDecrease`). */
  readonly shrinkAllowed?: boolean;
}

/**
 * One round of upstream's `updateIPPoolIfRequired` for one datastore, as a pure function: if the pool is too
 * low, grow it (one assign or attach); else if too high, shrink it; then, in either case, maybe release one
 * ENI. The caller executes the actions in order and skips growth and ENI release while the node is
 * terminating, cordoned (unless AWS_MANAGE_ENIS_NON_SCHEDULABLE), or within 120 s of a subnet-full error.
 */
export function decidePool(snapshot: PoolSnapshot, targets: PoolTargets, options: DecidePoolOptions = {}): PoolDecision {
  const stats = poolStats(snapshot, targets.poolMode);
  const growth = decideGrowth(snapshot, stats, targets);
  const actions: PoolAction[] = [];
  let tooHigh = false;
  if (growth.tooLow) {
    if (growth.action !== undefined) actions.push(growth.action);
  } else {
    const shrink = decideShrink(snapshot, stats, targets);
    tooHigh = shrink.tooHigh;
    if (options.shrinkAllowed ?? true) actions.push(...shrink.actions);
  }
  // Upstream looks for a deletable ENI in the datastore as the grow or shrink above left it.
  const eni = chooseEniToRelease(stats, applyDecision(snapshot, actions), targets);
  if (eni !== undefined) actions.push({ kind: 'release-eni', eniId: eni.eniId });
  return { stats, tooLow: growth.tooLow, tooHigh, actions, growBlockedBy: growth.blockedBy };
}
