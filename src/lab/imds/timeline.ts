/**
 * IMDS lags behind EC2: a change (an ENI attached, an IP assigned) shows up in the instance's metadata
 * some time after the EC2 API reports it. The timeline records a snapshot of the affected instances'
 * metadata at every model event and answers reads with the snapshot that was current `lagMs` ago.
 */
import type { Ec2Model, ModelEvent } from '../ec2/model/model.ts';
import { instanceMetadata } from './metadata-tree.ts';
import { MetadataView } from './metadata-view.ts';

interface Snapshot {
  readonly takenAt: number;
  readonly view: MetadataView;
}

/** Options of a `MetadataTimeline`. */
export interface MetadataTimelineOptions {
  /** How long a change takes to become visible; 0 = live view. Defaults to the model's latency profile. */
  readonly lagMs?: number;
}

/** Per-instance metadata history, fed by the model's change events. */
export class MetadataTimeline {
  readonly #model: Ec2Model;
  readonly #lagMs: number;
  readonly #history = new Map<string, Snapshot[]>();
  /** ENI → the instance it was last seen attached to, so a detach or delete refreshes that instance. */
  readonly #eniInstance = new Map<string, string>();
  readonly #unsubscribe: () => void;

  constructor(model: Ec2Model, options: MetadataTimelineOptions = {}) {
    this.#model = model;
    this.#lagMs = Math.max(0, options.lagMs ?? model.latency.imdsLagMs);
    if (this.#lagMs === 0) {
      this.#unsubscribe = () => undefined;
      return;
    }
    for (const eni of model.state.networkInterfaces.values()) {
      if (eni.attachment !== undefined) this.#eniInstance.set(eni.networkInterfaceId, eni.attachment.instanceId);
    }
    for (const instanceId of model.state.instances.keys()) this.#record(instanceId);
    this.#unsubscribe = model.subscribe((event) => this.#onEvent(event));
  }

  /** The lag in milliseconds. */
  get lagMs(): number {
    return this.#lagMs;
  }

  /**
   * The instance's metadata as IMDS shows it now: the newest snapshot taken at or before
   * now − lagMs, or the oldest one when none is that old (a booting instance already sees its
   * launch-time metadata).
   */
  read(instanceId: string): MetadataView {
    if (this.#lagMs === 0) return new MetadataView(instanceMetadata(this.#model, instanceId));
    const snapshots = this.#history.get(instanceId);
    if (snapshots === undefined) return this.#firstSight(instanceId);
    const cutoff = this.#model.clock() - this.#lagMs;
    let chosen = snapshots[0];
    for (const snapshot of snapshots) if (snapshot.takenAt <= cutoff) chosen = snapshot;
    return chosen?.view ?? new MetadataView(new Map());
  }

  /** How many snapshots are kept for the instance (for tests of the history bound). */
  snapshotCount(instanceId: string): number {
    return this.#history.get(instanceId)?.length ?? 0;
  }

  /** Stops listening to the model. */
  close(): void {
    this.#unsubscribe();
  }

  #onEvent(event: ModelEvent): void {
    for (const instanceId of this.#affectedInstances(event)) this.#record(instanceId);
  }

  #affectedInstances(event: ModelEvent): Set<string> {
    const affected = new Set<string>();
    switch (event.type) {
      case 'eni-changed':
      case 'eni-deleted': {
        const previous = this.#eniInstance.get(event.networkInterfaceId);
        if (previous !== undefined) affected.add(previous);
        const current = this.#model.state.networkInterfaces.get(event.networkInterfaceId)?.attachment?.instanceId;
        if (current === undefined) this.#eniInstance.delete(event.networkInterfaceId);
        else {
          this.#eniInstance.set(event.networkInterfaceId, current);
          affected.add(current);
        }
        break;
      }
      case 'instance-changed':
        affected.add(event.instanceId);
        break;
      case 'vpc-changed':
      case 'security-group-changed':
        // VPC CIDR blocks and security group names appear in every instance's per-ENI metadata.
        for (const instanceId of this.#model.state.instances.keys()) affected.add(instanceId);
        for (const instanceId of this.#history.keys()) affected.add(instanceId);
        break;
      case 'subnet-changed':
      case 'route-table-changed':
      case 'internet-gateway-changed':
        break;
    }
    return affected;
  }

  /** An instance with no history (never evented, or long gone): its live view, kept when not empty. */
  #firstSight(instanceId: string): MetadataView {
    const view = new MetadataView(instanceMetadata(this.#model, instanceId));
    if (!view.isEmpty) this.#record(instanceId);
    return view;
  }

  /** Snapshots the instance's live metadata now, then drops history no read can reach any more. */
  #record(instanceId: string): void {
    const now = this.#model.clock();
    const view = new MetadataView(instanceMetadata(this.#model, instanceId));
    const snapshots = this.#history.get(instanceId) ?? [];
    const last = snapshots.at(-1);
    if (last === undefined || !last.view.equals(view)) {
      // Several changes at one instant collapse into the last of them.
      if (last !== undefined && last.takenAt === now) snapshots.pop();
      snapshots.push({ takenAt: now, view });
    }
    this.#prune(instanceId, snapshots, now);
  }

  #prune(instanceId: string, snapshots: Snapshot[], now: number): void {
    const cutoff = now - this.#lagMs;
    let firstNeeded = 0;
    for (let i = 0; i < snapshots.length; i++) if ((snapshots[i]?.takenAt ?? Infinity) <= cutoff) firstNeeded = i;
    snapshots.splice(0, firstNeeded);
    const only = snapshots[0];
    if (snapshots.length === 1 && only !== undefined && only.view.isEmpty && only.takenAt <= cutoff) {
      this.#history.delete(instanceId);
      return;
    }
    this.#history.set(instanceId, snapshots);
  }
}
