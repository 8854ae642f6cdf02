/**
 * The daemon's resolved dependencies (defaults filled in, EC2 observed), and the node state that `init`
 * builds and every part of the daemon shares.
 */
import type { Datastore } from '../core/datastore/index.ts';
import { serializeCheckpoint } from '../core/datastore/index.ts';
import type { InstanceLimits } from '../core/limits/instance-limits.ts';
import type { PoolMode } from '../core/limits/max-pods.ts';
import type { PoolSnapshot, PoolTargets } from '../core/warm-pool/index.ts';
import { GrowthMemory } from './growth-memory.ts';
import type { IpamdDeps, IpamdObserver } from './ipamd-types.ts';
import { MutationQueue } from './mutation-queue.ts';

/**
 * The dependencies every part of the daemon uses: `IpamdDeps` with its defaults filled in. `ec2` is
 * observed: every call reaches `observer.ec2Call`.
 */
export interface DaemonRuntime extends Omit<IpamdDeps, 'random' | 'observer' | 'addWaitMs' | 'imdsWaitMs' | 'maxPods'> {
  readonly random: () => number;
  readonly observer: IpamdObserver;
  readonly addWaitMs: number;
  readonly imdsWaitMs: number;
}

/** Calls an observer callback; an observer's failure never reaches the daemon. */
export function notify(runtime: DaemonRuntime, call: (observer: IpamdObserver) => void): void {
  try {
    call(runtime.observer);
  } catch {
    // Metrics are best effort.
  }
}

/** The text of an error for logs and replies. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the daemon learns about its node once, at init. */
export interface NodeFacts {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly vpcId: string;
  /** The primary ENI's subnet: new ENIs go there. */
  readonly subnetId: string;
  readonly primaryEniId: string;
  readonly primaryMac: string;
  readonly primaryIp: string;
  /** The primary ENI's security groups, sorted: new ENIs get them. */
  readonly securityGroupIds: readonly string[];
  readonly limits: InstanceLimits;
  /** The mode in effect (prefix delegation falls back to secondary IPs on non-Nitro types). */
  readonly poolMode: PoolMode;
  readonly maxPods: number;
  readonly targets: PoolTargets;
}

/** A managed ENI in the datastore, with what host setup and release need. */
export interface EniFacts {
  readonly eniId: string;
  readonly mac: string;
  readonly deviceNumber: number;
  readonly primaryIp: string;
  readonly subnetId: string;
  readonly subnetCidr: string;
  /** Undefined for an ENI EC2 shows without an attachment id (never for attached ENIs). */
  readonly attachmentId: string | undefined;
  readonly trunk: boolean;
  readonly efa: boolean;
}

/** The node's mutable state after init, shared by the service, the pool manager and the reconciler. */
export class NodeState {
  readonly facts: NodeFacts;
  readonly datastore: Datastore;
  /** Managed ENIs in the datastore. */
  readonly enis = new Map<string, EniFacts>();
  /** Attached ENIs the daemon does not manage (tagged no_manage, other network cards, ...): they use ENI slots. */
  readonly unmanagedEniIds = new Set<string>();
  /** Blocks recently released to EC2 (block → until when): never re-added from a stale view. */
  readonly releasing = new Map<string, number>();
  /** Datastore changes and their checkpoint writes, one at a time. */
  readonly queue = new MutationQueue();
  /** Pool runs, reconciles and leaked-ENI cleanups, one at a time. */
  readonly lane = new MutationQueue();
  readonly growth = new GrowthMemory();
  vpcCidrs: readonly string[];
  /** Set by stop(): no more EC2 growth or release. */
  terminating = false;

  constructor(facts: NodeFacts, datastore: Datastore, vpcCidrs: readonly string[]) {
    this.facts = facts;
    this.datastore = datastore;
    this.vpcCidrs = vpcCidrs;
  }

  /** The pool as the warm-pool decision reads it, with the unmanaged ENIs counted. */
  snapshot(nowMs: number): PoolSnapshot {
    return { ...this.datastore.toPoolSnapshot(nowMs), unmanagedEnis: this.unmanagedEniIds.size };
  }

  /** True while `block` was released less than the reconcile cooldown ago. */
  isReleasing(block: string, nowMs: number): boolean {
    const until = this.releasing.get(block);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.releasing.delete(block);
    return false;
  }
}

/** Writes every assignment of the datastore to the checkpoint store (atomically, by the store's contract). */
export async function writeCheckpoint(runtime: DaemonRuntime, state: NodeState): Promise<void> {
  await runtime.checkpointStore.write(serializeCheckpoint(state.datastore));
}
