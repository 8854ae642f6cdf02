/**
 * The reconcile of upstream's `nodeIPPoolReconcile`, trusting EC2 over IMDS: IMDS is read every time (it
 * is free); EC2 only when IMDS disagrees with the datastore. Then, with EC2 as the truth:
 * - an ENI EC2 no longer shows attached is removed (forced: the pods on it lose their addresses);
 * - a managed ENI EC2 and IMDS both show, unknown to the datastore, is tagged, set up and added;
 * - a block EC2 no longer shows is dropped (never handed out again);
 * - a block is added only once EC2 and IMDS both show it (and it was not just released);
 * - the VPC CIDRs in IMDS changed: SNAT is re-programmed.
 */
import type { Assignment } from '../core/datastore/index.ts';
import type { Ec2Instance } from '../ports/ec2-api.ts';
import type { ImdsInterface } from '../ports/imds.ts';
import { notify, writeCheckpoint } from './daemon-runtime.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';
import { addBlocks, addEniToDatastore, datastoreBlocks, normalBlock } from './eni-blocks.ts';
import { tagMissing } from './eni-tagging.ts';
import { applyNodeRules, setupSecondaryEni, snatSettings } from './host-network.ts';
import type { ReconcileCounts } from './ipamd-types.ts';
import { attachedEnis, ec2BlocksOf, foundEni, imdsBlocksOf, isManaged } from './node-discovery.ts';
import type { FoundEni } from './node-discovery.ts';
import { instanceFromImds, sameMac } from './node-init.ts';

interface Tally {
  enisAdded: number;
  enisRemoved: number;
  cidrsAdded: number;
  cidrsRemoved: number;
  assignmentsLost: number;
  snatReprogrammed: boolean;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}

/** Reconciles one node's datastore with EC2 and IMDS. */
export class Reconciler {
  readonly #runtime: DaemonRuntime;
  readonly #state: NodeState;

  constructor(runtime: DaemonRuntime, state: NodeState) {
    this.#runtime = runtime;
    this.#state = state;
  }

  /** Queues one reconcile on the lane. */
  reconcileOnce(): Promise<ReconcileCounts> {
    return this.#state.lane.run(() => this.reconcileInLane());
  }

  /** One reconcile, for a caller already running on the lane. */
  async reconcileInLane(): Promise<ReconcileCounts> {
    notify(this.#runtime, (observer) => observer.actionInProgress?.('nodeIPPoolReconcile', true));
    try {
      const tally: Tally = { enisAdded: 0, enisRemoved: 0, cidrsAdded: 0, cidrsRemoved: 0, assignmentsLost: 0, snatReprogrammed: false };
      const interfaces = await this.#runtime.imds.interfaces();
      await this.#reconcileVpcCidrs(interfaces, tally);
      if (!this.#imdsMatches(interfaces)) await this.#reconcileEnis(await this.#truth(interfaces), interfaces, tally);
      const counts: ReconcileCounts = { ...tally };
      if (Object.values(counts).some((value) => value !== 0 && value !== false)) {
        this.#runtime.logger.info('Reconciled with EC2', { ...counts });
        notify(this.#runtime, (observer) => observer.reconciled?.(counts));
      }
      return counts;
    } finally {
      notify(this.#runtime, (observer) => observer.actionInProgress?.('nodeIPPoolReconcile', false));
    }
  }

  /** EC2's view of the instance; in IMDS-only mode (no EC2 calls at all) IMDS is all there is. */
  async #truth(interfaces: readonly ImdsInterface[]): Promise<Ec2Instance> {
    const { facts } = this.#state;
    if (!this.#runtime.config.imdsOnly) return this.#runtime.ec2.describeInstance(facts.instanceId);
    const identity = { instanceId: facts.instanceId, instanceType: facts.instanceType, region: facts.region, availabilityZone: facts.availabilityZone, privateIp: facts.primaryIp, primaryMac: facts.primaryMac };
    return instanceFromImds(identity, interfaces);
  }

  /** IMDS lists exactly the datastore's ENIs (plus known unmanaged ones) with exactly its blocks. */
  #imdsMatches(interfaces: readonly ImdsInterface[]): boolean {
    const listed = interfaces.filter((entry) => !this.#state.unmanagedEniIds.has(entry.interfaceId));
    if (listed.length !== this.#state.enis.size) return false;
    return listed.every((entry) => this.#state.enis.has(entry.interfaceId) &&
      sameSet(imdsBlocksOf(entry).map(normalBlock), datastoreBlocks(this.#state, entry.interfaceId)));
  }

  async #reconcileVpcCidrs(interfaces: readonly ImdsInterface[], tally: Tally): Promise<void> {
    const primary = interfaces.find((entry) => sameMac(entry.mac, this.#state.facts.primaryMac));
    if (primary === undefined || primary.vpcCidrs.length === 0 || sameSet(primary.vpcCidrs, this.#state.vpcCidrs)) return;
    this.#runtime.logger.info('VPC CIDRs changed; re-programming SNAT', { before: this.#state.vpcCidrs, after: primary.vpcCidrs });
    await this.#runtime.nodeNetwork.applySnat(snatSettings(this.#runtime, this.#state.facts, primary.vpcCidrs));
    this.#state.vpcCidrs = primary.vpcCidrs;
    tally.snatReprogrammed = true;
  }

  async #reconcileEnis(instance: Ec2Instance, interfaces: readonly ImdsInterface[], tally: Tally): Promise<void> {
    const attached = new Map(attachedEnis(instance).map((eni) => [eni.networkInterfaceId, eni]));
    const imdsById = new Map(interfaces.map((entry) => [entry.interfaceId, entry]));
    for (const eniId of [...this.#state.enis.keys()]) {
      if (!attached.has(eniId)) await this.#removeEni(eniId, tally);
    }
    for (const id of [...this.#state.unmanagedEniIds]) if (!attached.has(id)) this.#state.unmanagedEniIds.delete(id);
    for (const eni of attached.values()) {
      const entry = imdsById.get(eni.networkInterfaceId);
      if (this.#state.enis.has(eni.networkInterfaceId)) {
        await this.#reconcileBlocks(eni.networkInterfaceId, ec2BlocksOf(eni), entry, tally);
      } else if (!isManaged(eni, this.#runtime.config, this.#state.facts.primaryEniId)) {
        this.#state.unmanagedEniIds.add(eni.networkInterfaceId);
      } else if (entry !== undefined) {
        await this.#addEni(foundEni(eni, entry), tally);
      }
    }
  }

  async #removeEni(eniId: string, tally: Tally): Promise<void> {
    const lost = await this.#state.queue.run(async () => {
      const released = this.#state.datastore.removeEni(eniId, { force: true });
      this.#state.enis.delete(eniId);
      if (released.length > 0) await writeCheckpoint(this.#runtime, this.#state);
      return released;
    });
    this.#logLost('ENI vanished from EC2; removed it', { eni: eniId }, lost);
    tally.enisRemoved += 1;
    tally.assignmentsLost += lost.length;
    await applyNodeRules(this.#runtime, this.#state);
  }

  async #addEni(eni: FoundEni, tally: Tally): Promise<void> {
    await tagMissing(this.#runtime, eni, this.#state.facts.instanceId);
    await setupSecondaryEni(this.#runtime, eni);
    const now = this.#runtime.clock.now();
    const blocks = eni.ec2Blocks.filter((block) => eni.imdsBlocks.includes(block) && !this.#state.isReleasing(normalBlock(block), now));
    await this.#state.queue.run(() => addEniToDatastore(this.#state, eni, blocks, now));
    await applyNodeRules(this.#runtime, this.#state);
    this.#runtime.logger.info('Found an ENI attached outside the daemon; added it', { eni: eni.eniId, blocks });
    tally.enisAdded += 1;
    tally.cidrsAdded += blocks.length;
  }

  /** Drops blocks EC2 no longer shows; adds blocks EC2 and IMDS both show. */
  async #reconcileBlocks(eniId: string, ec2Blocks: readonly string[], entry: ImdsInterface | undefined, tally: Tally): Promise<void> {
    const now = this.#runtime.clock.now();
    const inEc2 = new Set(ec2Blocks.map(normalBlock));
    const inImds = new Set((entry === undefined ? [] : imdsBlocksOf(entry)).map(normalBlock));
    const { lost, removed, added } = await this.#state.queue.run(async () => {
      const known = datastoreBlocks(this.#state, eniId);
      const gone = known.filter((block) => !inEc2.has(block));
      const released = gone.flatMap((block) => this.#state.datastore.removeCidr(eniId, block, { force: true }));
      const fresh = [...inEc2].filter((block) => inImds.has(block) && !known.includes(block) && !this.#state.isReleasing(block, now));
      const put = addBlocks(this.#state, eniId, fresh);
      if (released.length > 0) await writeCheckpoint(this.#runtime, this.#state);
      return { lost: released, removed: gone, added: put };
    });
    if (removed.length > 0) this.#logLost('Addresses vanished from EC2; dropped them', { eni: eniId, blocks: removed }, lost);
    if (added.length > 0) this.#runtime.logger.info('Addresses EC2 and IMDS show; added them', { eni: eniId, blocks: added });
    tally.cidrsRemoved += removed.length;
    tally.cidrsAdded += added.length;
    tally.assignmentsLost += lost.length;
  }

  #logLost(message: string, fields: Record<string, unknown>, lost: readonly Assignment[]): void {
    const pods = lost.map((assignment) => ({ ip: assignment.ipv4, pod: `${assignment.pod.namespace}/${assignment.pod.name}`, containerId: assignment.key.containerId }));
    if (pods.length > 0) this.#runtime.logger.warn(`${message}; pods lost their addresses`, { ...fields, lost: pods });
    else this.#runtime.logger.info(message, fields);
  }
}
