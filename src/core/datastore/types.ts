/**
 * Record types of the datastore: ENIs, their blocks (secondary /32s or /28 prefixes) and the addresses handed
 * to pods, keyed by the CNI spec's IPAM key. Everything here is read-only data; `Datastore` owns the state.
 */
import type { PoolMode } from '../limits/max-pods.ts';
import type { IpamKey, PodAddress } from '../protocol/protocol.ts';

/**
 * A point in time with nanosecond resolution: upstream checkpoints store unix nanoseconds, which exceed 2^53,
 * so the sub-millisecond part is kept apart to restore and rewrite them exactly.
 */
export interface Instant {
  /** Milliseconds since the epoch (an integer). */
  readonly ms: number;
  /** Nanoseconds past `ms`, 0..999999. */
  readonly subMsNanos: number;
}

/** Who an address is for: upstream's `IPAMMetadata`. */
export interface PodMetadata {
  readonly namespace: string;
  readonly name: string;
  /** Interfaces of the pod (1 for a normal pod; 0 in checkpoints written before the field existed). */
  readonly interfacesCount: number;
}

/** An ENI as the daemon adds it to the datastore. */
export interface EniInit {
  readonly eniId: string;
  /** Device number of the attachment (0 = the instance's primary ENI). */
  readonly deviceNumber: number;
  /** The instance's primary ENI. */
  readonly isPrimary: boolean;
  /** Trunk ENI of security groups for pods: its addresses are never handed out by this datastore's pool logic. */
  readonly isTrunk?: boolean;
  /** EFA ENI: never released. */
  readonly isEfa?: boolean;
  /** In a subnet tagged `kubernetes.io/role/cni=0`: no pod addresses from it, not counted in the stats. */
  readonly excludedForPodIps?: boolean;
  readonly subnetId: string;
  /** The ENI's subnet, e.g. `192.168.32.0/19`. */
  readonly subnetCidr: string;
  /** Host route table of the ENI; default 254 (main) for device 0, else device number + 1. */
  readonly routeTableId?: number;
  /** When the ENI was attached (upstream `createTime`): an ENI younger than a minute is never released. */
  readonly attachedAtMs: number;
}

/** An ENI of the datastore, with every flag resolved. */
export interface DatastoreEni {
  readonly eniId: string;
  readonly deviceNumber: number;
  readonly isPrimary: boolean;
  readonly isTrunk: boolean;
  readonly isEfa: boolean;
  readonly excludedForPodIps: boolean;
  readonly subnetId: string;
  readonly subnetCidr: string;
  readonly routeTableId: number;
  readonly attachedAtMs: number;
}

/**
 * What the datastore remembers about one address. Records exist only for addresses assigned at least once;
 * an unassigned record keeps its release time for the cooldown.
 */
export interface AddressRecord {
  /** Dotted quad. */
  readonly address: string;
  /** Set while the address is assigned. */
  readonly key: IpamKey | undefined;
  /** Set while the address is assigned. */
  readonly pod: PodMetadata | undefined;
  /** When the current (or, once released, the last) assignment started. */
  readonly assignedAt: Instant | undefined;
  /** When the address was last released; undefined while assigned or if never released. */
  readonly unassignedAtMs: number | undefined;
}

/** One block attached to an ENI with its address records (in address order). */
export interface CidrState {
  /** `10.0.1.5/32` or `10.0.2.16/28`. */
  readonly cidr: string;
  readonly isPrefix: boolean;
  readonly records: readonly AddressRecord[];
}

/** An ENI with its blocks (in address order). */
export interface EniState extends DatastoreEni {
  readonly cidrs: readonly CidrState[];
}

/** An address assigned to a pod, where it lives, and whom it is for. Also a `PodAddress` for the plugin. */
export interface Assignment extends PodAddress {
  readonly key: IpamKey;
  readonly pod: PodMetadata;
  readonly eniId: string;
  /** The block holding the address. */
  readonly cidr: string;
  readonly assignedAt: Instant;
}

/** Construction options of a `Datastore`. */
export interface DatastoreOptions {
  /** The unit handed out: /32 secondary IPs, or addresses of /28 prefixes. */
  readonly poolMode: PoolMode;
  /** `IP_COOLDOWN_PERIOD` in ms; default 30 000 (upstream's default). */
  readonly ipCooldownMs?: number;
  /** The network card whose ENIs this datastore holds; default 0. */
  readonly networkCard?: number;
}

/** Options of the removals: `force` drops assigned addresses too (the ENI or block vanished from EC2). */
export interface RemoveOptions {
  readonly force?: boolean;
}

/** Placing a known assignment (a checkpoint entry): the address must lie in a block of the datastore. */
export interface PlaceOptions {
  readonly key: IpamKey;
  readonly pod: PodMetadata;
  readonly ipv4: string;
  readonly assignedAt: Instant;
}

/** What `Datastore.locate` finds. */
export interface AddressLocation {
  readonly eniId: string;
  readonly cidr: string;
  /** Set while the address is assigned. */
  readonly assignment: Assignment | undefined;
}
