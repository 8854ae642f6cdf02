/**
 * Why an ADD found no address, precisely: max pods reached, subnet exhausted (and backing off), ENI limit
 * reached, EC2 throttling, or just an empty pool (growth under way, or addresses cooling down). Computed
 * inside the mutation queue, from the same datastore state the failed assignment saw.
 */
import type { PoolExhaustedError } from '../core/datastore/index.ts';
import type { Failure } from '../core/protocol/index.ts';
import { PROTOCOL_VERSION } from '../core/protocol/index.ts';
import { decideGrowth } from '../core/warm-pool/index.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';

/** What the ADD can do about an empty pool. */
export interface Shortage {
  readonly failure: Failure;
  /** Growth cannot help now (max pods, ENI limit, subnet back-off, provisioning disabled). */
  readonly stuck: boolean;
  /** The pool wants growth (a round would assign or attach). */
  readonly wantsGrowth: boolean;
  /** When the first address in cooldown becomes usable, if any is cooling. */
  readonly coolingEndsAtMs: number | undefined;
}

type Detail = Readonly<Record<string, string | number | boolean>>;

function failure(reason: Failure['reason'], message: string, detail?: Detail): Failure {
  return { version: PROTOCOL_VERSION, reason, message, ...(detail === undefined ? {} : { detail }) };
}

/** The earliest end of a cooldown among unassigned addresses of the active unit. */
function coolingEnd(state: NodeState, nowMs: number): number | undefined {
  const { datastore } = state;
  const prefix = datastore.poolMode === 'prefix';
  let earliest: number | undefined;
  for (const eni of datastore.describe()) {
    if (eni.excludedForPodIps) continue;
    for (const cidr of eni.cidrs) {
      if (cidr.isPrefix !== prefix) continue;
      for (const record of cidr.records) {
        if (record.key !== undefined || record.unassignedAtMs === undefined) continue;
        const ends = record.unassignedAtMs + datastore.ipCooldownMs;
        if (ends > nowMs && (earliest === undefined || ends < earliest)) earliest = ends;
      }
    }
  }
  return earliest;
}

/** Diagnoses an exhausted pool (call inside the mutation queue). */
export function diagnoseShortage(runtime: DaemonRuntime, state: NodeState, exhausted: PoolExhaustedError, nowMs: number): Shortage {
  const { facts } = state;
  const snapshot = state.snapshot(nowMs);
  const growth = decideGrowth(snapshot, exhausted.stats, facts.targets);
  const coolingEndsAtMs = coolingEnd(state, nowMs);
  const wantsGrowth = growth.action !== undefined;
  const stuck = (failure: Failure): Shortage => ({ failure, stuck: true, wantsGrowth, coolingEndsAtMs });
  if (exhausted.stats.totalIps >= facts.maxPods || growth.blockedBy === 'max-pods') {
    const held = exhausted.stats.totalIps;
    return stuck(failure('max-pods', `warm pool empty, max pods ${facts.maxPods} reached on ${facts.instanceType} (${held} addresses held)`, { instanceType: facts.instanceType, maxPods: facts.maxPods }));
  }
  const backoff = state.growth.backoff(nowMs);
  if (backoff !== undefined) {
    const subnetId = backoff.subnetId ?? facts.subnetId;
    return stuck(backoff.reason === 'no-contiguous-28'
      ? failure('no-contiguous-28', `subnet ${subnetId} has no free contiguous /28 block`, { subnetId })
      : failure('subnet-full', `subnet ${subnetId} has no free addresses`, { subnetId }));
  }
  const enis = snapshot.enis.length + (snapshot.unmanagedEnis ?? 0);
  const eniLimit = facts.targets.maxEni;
  const eniLimitFailure = failure('eni-limit', `warm pool empty, ENI limit ${enis} of ${eniLimit} reached on ${facts.instanceType}`, { instanceType: facts.instanceType, enis, eniLimit });
  if (growth.blockedBy === 'eni-limit') return stuck(eniLimitFailure);
  if (runtime.config.provisioningDisabled || state.terminating) {
    return stuck(failure('pool-empty', `warm pool empty and the daemon allocates no addresses (${state.terminating ? 'stopping' : 'provisioning disabled'})`));
  }
  const last = state.growth.lastFailure();
  const other = (reply: Failure): Shortage => ({ failure: reply, stuck: false, wantsGrowth, coolingEndsAtMs });
  if (last?.reason === 'eni-limit') return other(eniLimitFailure);
  if (last?.reason === 'throttled') return other(failure('throttled', 'EC2 throttled the allocation of addresses (RequestLimitExceeded)'));
  const { stats } = exhausted;
  const cooling = stats.coolingIps > 0 ? `, ${stats.coolingIps} in cooldown` : '';
  const lastError = last?.reason === 'other' ? `; the last allocation failed: ${last.message}` : '';
  return other(failure('pool-empty', `warm pool empty (${stats.totalIps - stats.assignedIps} of ${stats.totalIps} addresses free${cooling})${lastError}`));
}
