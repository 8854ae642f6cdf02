/**
 * Types of the warm-pool decision: what the pool looks like now (a snapshot the datastore builds), and what
 * to do next. Everything here is data; the functions live in one module each.
 */

/** An ENI younger than this is never released (upstream `minENILifeTime`). */
export const MIN_ENI_LIFETIME_MS = 60_000;
/** Upstream shrinks at most once per this interval (`decreaseIPPoolInterval`); the caller keeps the clock. */
export const SHRINK_INTERVAL_MS = 30_000;

/** A block on an ENI: one secondary IPv4 address (/32), or a delegated /28 prefix of 16 addresses. */
export type CidrUnit = 'ip' | 'prefix';

/** One secondary /32 or /28 prefix attached to an ENI, with how its addresses are used. */
export interface PoolCidr {
  /** The block (`10.0.1.5/32`, `10.0.2.16/28`); opaque here, it only names what to release. */
  readonly cidr: string;
  readonly isPrefix: boolean;
  /** Addresses of the block assigned to pods. */
  readonly assigned: number;
  /** Unassigned addresses released less than `IP_COOLDOWN_PERIOD` ago. */
  readonly cooling: number;
}

/** One ENI of the datastore (one network card). */
export interface PoolEni {
  readonly eniId: string;
  readonly deviceNumber: number;
  /** The instance's primary ENI (device 0): never released; with custom networking it carries no pod addresses. */
  readonly isPrimary: boolean;
  /** Trunk ENI of security groups for pods: never filled, never released. */
  readonly isTrunk?: boolean;
  /** EFA ENI: never released (upstream still fills it). */
  readonly isEfa?: boolean;
  /** In a subnet tagged `kubernetes.io/role/cni=0`: its addresses are not counted or handed out. */
  readonly excludedForPodIps?: boolean;
  /** Attached less than {@link MIN_ENI_LIFETIME_MS} ago. */
  readonly recentlyAttached?: boolean;
  readonly cidrs: readonly PoolCidr[];
}

/** The pool of one datastore (one network card) at one instant. */
export interface PoolSnapshot {
  readonly enis: readonly PoolEni[];
  /** Attached ENIs this daemon does not manage (tag `node.k8s.amazonaws.com/no_manage`); they use ENI slots. */
  readonly unmanagedEnis?: number;
}

/** Address counts of the pool (upstream `DataStoreStats` plus free prefixes). */
export interface PoolStats {
  /** Addresses in blocks of the active unit (prefixes in prefix mode, /32s otherwise), excluded ENIs skipped. */
  readonly totalIps: number;
  readonly assignedIps: number;
  readonly coolingIps: number;
  /** `totalIps - assignedIps`: addresses in cooldown count as available, as upstream. */
  readonly availableIps: number;
  /** Prefixes attached (every ENI, as upstream's `allocatedPrefix`). */
  readonly totalPrefixes: number;
  /** Prefixes with no assigned address (every ENI, as upstream's `GetFreePrefixes`). */
  readonly freePrefixes: number;
}

/** Assign `count` more secondary IPs or prefixes to an attached ENI (EC2 `AssignPrivateIpAddresses`). */
export interface AssignToEniAction {
  readonly kind: 'assign-to-eni';
  readonly eniId: string;
  readonly count: number;
  readonly unit: CidrUnit;
}

/** Create and attach one ENI carrying `count` secondary IPs or prefixes. */
export interface AttachEniAction {
  readonly kind: 'attach-eni';
  readonly count: number;
  readonly unit: CidrUnit;
}

/** Return unused blocks of one ENI to EC2 (`UnassignPrivateIpAddresses`). */
export interface ReleaseCidrsAction {
  readonly kind: 'release-cidrs';
  readonly eniId: string;
  readonly cidrs: readonly string[];
}

/** Detach and delete one unused ENI. */
export interface ReleaseEniAction {
  readonly kind: 'release-eni';
  readonly eniId: string;
}

/** One step of a decision. */
export type PoolAction = AssignToEniAction | AttachEniAction | ReleaseCidrsAction | ReleaseEniAction;

/** Why a pool that is short of addresses gets none: max pods reached, or no ENI slot left. */
export type GrowBlockedReason = 'max-pods' | 'eni-limit';

/** What to do next with one datastore's pool. */
export interface PoolDecision {
  readonly stats: PoolStats;
  /** Upstream `isDatastorePoolTooLow` (false once `totalIps >= maxPods`). */
  readonly tooLow: boolean;
  /** Upstream `isDatastorePoolTooHigh` (only looked at when not too low). */
  readonly tooHigh: boolean;
  /**
   * In upstream order: one grow action (assign or attach) or the release-cidrs actions of a shrink, then at
   * most one release-eni. Empty when there is nothing to do.
   */
  readonly actions: readonly PoolAction[];
  /** Set when the pool needs addresses but no grow action could be chosen. */
  readonly growBlockedBy: GrowBlockedReason | undefined;
}
