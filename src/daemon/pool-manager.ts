/**
 * The pool manager: one round of upstream's `updateIPPoolIfRequired`. The decision is pure
 * (`decidePool` on a datastore snapshot); this carries it out through EC2. Releases leave the datastore
 * first (inside the mutation queue, so no ADD can take a released address), then EC2; growth goes to EC2
 * first, then into the datastore. Rounds run one at a time on the node's lane.
 */
import { Ec2Error } from '../core/aws/ec2-error.ts';
import { DatastoreError } from '../core/datastore/index.ts';
import { decidePool, SHRINK_INTERVAL_MS } from '../core/warm-pool/index.ts';
import type { AssignToEniAction, AttachEniAction, CidrUnit, PoolAction, PoolDecision } from '../core/warm-pool/index.ts';
import { errorText, notify } from './daemon-runtime.ts';
import type { DaemonRuntime, EniFacts, NodeState } from './daemon-runtime.ts';
import { addBlocks, unassignBlocks } from './eni-blocks.ts';
import { allocateEni } from './eni-allocator.ts';
import { freeEni } from './free-eni.ts';
import type { GrowthFailure } from './growth-memory.ts';
import { applyNodeRules } from './host-network.ts';

/** What one round did. */
export interface PoolRunResult {
  /** False when the round was skipped (stopping, or provisioning disabled). */
  readonly ran: boolean;
  readonly decision: PoolDecision | undefined;
  /** Blocks added to the pool. */
  readonly added: number;
  /** Why growth failed, or is backing off. */
  readonly failure: GrowthFailure | undefined;
}

type GrowAction = AssignToEniAction | AttachEniAction;

/** The datastore side of a round, decided and applied in one step of the mutation queue. */
interface Plan {
  readonly decision: PoolDecision;
  readonly grow: GrowAction | undefined;
  readonly released: { eniId: string; blocks: string[] }[];
  readonly freedEni: EniFacts | undefined;
}

const SKIPPED: PoolRunResult = { ran: false, decision: undefined, added: 0, failure: undefined };

function toBlocks(assigned: { addresses: readonly string[]; prefixes: readonly string[] }): string[] {
  return [...assigned.addresses.map((address) => `${address}/32`), ...assigned.prefixes];
}

/** Runs pool rounds for one node. */
export class PoolManager {
  readonly #runtime: DaemonRuntime;
  readonly #state: NodeState;
  readonly #reconcileNow: () => Promise<unknown>;
  #lastShrinkAtMs = Number.NEGATIVE_INFINITY;
  #queued: Promise<PoolRunResult> | undefined;

  /** `reconcileNow` re-reads EC2's truth after a limit error (called inside the lane). */
  constructor(runtime: DaemonRuntime, state: NodeState, reconcileNow: () => Promise<unknown>) {
    this.#runtime = runtime;
    this.#state = state;
    this.#reconcileNow = reconcileNow;
  }

  /** Queues one round on the lane. */
  runOnce(): Promise<PoolRunResult> {
    return this.#state.lane.run(() => this.#run());
  }

  /** Like `runOnce`, but joins a round that is queued and not started yet (ADDs on an empty pool share one). */
  requestRun(): Promise<PoolRunResult> {
    if (this.#queued !== undefined) return this.#queued;
    const run = this.#state.lane.run(() => {
      this.#queued = undefined;
      return this.#run();
    });
    this.#queued = run;
    return run;
  }

  async #run(): Promise<PoolRunResult> {
    const { config, clock } = this.#runtime;
    if (this.#state.terminating || config.provisioningDisabled) return SKIPPED;
    const now = clock.now();
    const plan = await this.#state.queue.run(() => this.#plan(now));
    const { added, failure } = plan.grow === undefined ? { added: 0, failure: undefined } : await this.#growOrBackOff(plan.grow, now);
    for (const { eniId, blocks } of plan.released) {
      const ok = await unassignBlocks(this.#runtime, this.#state, eniId, blocks);
      this.#notifyAction('release-cidrs', ok);
    }
    if (plan.freedEni !== undefined) await this.#free(plan.freedEni);
    return { ran: true, decision: plan.decision, added, failure };
  }

  #plan(now: number): Plan {
    const { targets } = this.#state.facts;
    const decision = decidePool(this.#state.snapshot(now), targets, { shrinkAllowed: now - this.#lastShrinkAtMs >= SHRINK_INTERVAL_MS });
    let grow: GrowAction | undefined;
    const released: { eniId: string; blocks: string[] }[] = [];
    let freedEni: EniFacts | undefined;
    for (const action of decision.actions) {
      if (action.kind === 'assign-to-eni' || action.kind === 'attach-eni') grow = action;
      else if (action.kind === 'release-cidrs') {
        this.#lastShrinkAtMs = now;
        const blocks = action.cidrs.filter((cidr) => this.#removeBlock(action.eniId, cidr));
        if (blocks.length > 0) released.push({ eniId: action.eniId, blocks });
      } else freedEni = this.#removeEni(action.eniId);
    }
    return { decision, grow, released, freedEni };
  }

  /** Removes an unused block from the datastore; false when a pod took it meanwhile. */
  #removeBlock(eniId: string, cidr: string): boolean {
    try {
      this.#state.datastore.removeCidr(eniId, cidr);
      return true;
    } catch (error) {
      if (error instanceof DatastoreError) return false;
      throw error;
    }
  }

  #removeEni(eniId: string): EniFacts | undefined {
    const eni = this.#state.enis.get(eniId);
    if (eni === undefined) return undefined;
    try {
      this.#state.datastore.removeEni(eniId);
    } catch (error) {
      if (error instanceof DatastoreError) return undefined;
      throw error;
    }
    this.#state.enis.delete(eniId);
    return eni;
  }

  async #growOrBackOff(action: GrowAction, startedAtMs: number): Promise<{ added: number; failure: GrowthFailure | undefined }> {
    const backoff = this.#state.growth.backoff(startedAtMs);
    if (backoff !== undefined) {
      this.#runtime.logger.debug('Pool growth backing off after subnet exhaustion', { subnetId: backoff.subnetId, reason: backoff.reason });
      return { added: 0, failure: backoff };
    }
    notify(this.#runtime, (observer) => observer.actionInProgress?.('increaseDatastorePool', true));
    try {
      const added = await this.#grow(action);
      if (added > 0) this.#state.growth.recordSuccess();
      this.#notifyAction(action.kind, true);
      return { added, failure: undefined };
    } catch (error) {
      const subnetId = action.kind === 'assign-to-eni' ? this.#state.enis.get(action.eniId)?.subnetId : this.#state.facts.subnetId;
      const failure = this.#state.growth.recordFailure(error, subnetId, this.#runtime.clock.now());
      this.#runtime.logger.warn('Cannot grow the pool', { action: action.kind, reason: failure.reason, subnetId, error: errorText(error) });
      this.#notifyAction(action.kind, false);
      if (failure.reason === 'eni-limit') await this.#reread();
      return { added: 0, failure };
    } finally {
      notify(this.#runtime, (observer) => observer.actionInProgress?.('increaseDatastorePool', false));
    }
  }

  async #grow(action: GrowAction): Promise<number> {
    if (action.kind === 'attach-eni') return (await allocateEni(this.#runtime, this.#state, action)).length;
    const blocks = await this.#assign(action.eniId, action.unit, action.count);
    const added = await this.#state.queue.run(() => (this.#state.enis.has(action.eniId) ? addBlocks(this.#state, action.eniId, blocks) : []));
    this.#runtime.logger.info('Added addresses to the pool', { eni: action.eniId, blocks: added });
    return added.length;
  }

  /** AssignPrivateIpAddresses; for secondary IPs a failed request (other than the ENI being full) is retried for one. */
  async #assign(eniId: string, unit: CidrUnit, count: number): Promise<string[]> {
    const { ec2 } = this.#runtime;
    if (unit === 'prefix') return toBlocks(await ec2.assignPrivateIps(eniId, { prefixCount: count }));
    try {
      return toBlocks(await ec2.assignPrivateIps(eniId, { count }));
    } catch (error) {
      if (count <= 1 || (error instanceof Ec2Error && error.kind === 'ip-limit')) throw error;
      this.#runtime.logger.info('Cannot assign the addresses asked for; trying one', { eni: eniId, count, error: errorText(error) });
      return toBlocks(await ec2.assignPrivateIps(eniId, { count: 1 }));
    }
  }

  /** After an ENI or address limit error: the datastore missed something, so re-read EC2's truth now. */
  async #reread(): Promise<void> {
    try {
      await this.#reconcileNow();
    } catch (error) {
      this.#runtime.logger.warn('Cannot re-read EC2 after a limit error', { error: errorText(error) });
    }
  }

  async #free(eni: EniFacts): Promise<void> {
    notify(this.#runtime, (observer) => observer.actionInProgress?.('decreaseDatastorePool', true));
    try {
      await freeEni(this.#runtime, eni);
      this.#notifyAction('release-eni', true);
    } catch (error) {
      this.#runtime.logger.warn('Cannot free ENI; the reconciler will take it back', { eni: eni.eniId, error: errorText(error) });
      this.#notifyAction('release-eni', false);
    } finally {
      notify(this.#runtime, (observer) => observer.actionInProgress?.('decreaseDatastorePool', false));
    }
    await applyNodeRules(this.#runtime, this.#state);
  }

  #notifyAction(kind: PoolAction['kind'], ok: boolean): void {
    notify(this.#runtime, (observer) => observer.poolAction?.(kind, ok ? 'ok' : 'failed'));
  }
}
