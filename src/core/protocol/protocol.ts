/**
 * The versioned protocol between `vpcnet-cni` (the plugin) and `vpcnet-ipamd` (the daemon): JSON over HTTP
 * on a unix socket. Every failure carries a reason code, so a pod's CNI error can say why, and metrics can
 * count failures by cause.
 */

/** Both sides send this; the daemon refuses any other major version with `version-mismatch`. */
export const PROTOCOL_VERSION = 'vpcnet.ipamd/1';

/** Where the daemon listens by default (next to the Amazon VPC CNI's own ipamd.sock). */
export const DEFAULT_SOCKET_PATH = '/var/run/aws-node/vpcnet-ipamd.sock';

/** HTTP paths of the protocol. */
export const PROTOCOL_PATHS = { add: '/v1/add', del: '/v1/del', status: '/v1/status' } as const;

/** Why a request failed (or `ok`). */
export type ReasonCode =
  | 'ok'
  | 'pool-empty' // no free address now; an allocation is under way or was just tried
  | 'subnet-full' // EC2: InsufficientFreeAddressesInSubnet
  | 'no-contiguous-28' // EC2: InsufficientCidrBlocks (prefix mode)
  | 'eni-limit' // every ENI slot of the instance is used and full
  | 'max-pods' // the node holds as many addresses as it may run pods
  | 'throttled' // EC2: RequestLimitExceeded
  | 'unknown-pod' // DEL of an IPAM key the daemon does not know
  | 'bad-request' // malformed or incomplete request
  | 'version-mismatch'
  | 'daemon-unavailable' // the daemon is starting or stopping
  | 'internal';

/** The IPAM primary key of the CNI spec: (network name, CNI_CONTAINERID, CNI_IFNAME). */
export interface IpamKey {
  readonly networkName: string;
  readonly containerId: string;
  readonly ifName: string;
}

/** Who the address is for (from CNI_ARGS). */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly infraContainerId: string;
  readonly uid: string;
}

export interface AddRequest {
  readonly version: string;
  readonly key: IpamKey;
  readonly pod: PodIdentity;
  readonly netns: string;
}

/** One address handed to a pod and where it lives on the node. */
export interface PodAddress {
  readonly ipv4: string;
  /** Device number of the ENI holding the address (0 = primary ENI). */
  readonly deviceNumber: number;
  /** Route table of that ENI: 254 (main) for device 0, else device number + 1. */
  readonly routeTableId: number;
}

export interface AddOk {
  readonly version: string;
  readonly reason: 'ok';
  readonly addresses: readonly PodAddress[];
  readonly vpcCidrs: readonly string[];
  readonly useExternalSnat: boolean;
}

/**
 * A failure: the code, the condition in words, and the facts behind it. `message` states only the
 * condition, with no pod and no action ("warm pool empty, ENI limit 3 of 3 reached on t3.small"): the
 * plugin adds who and what. `detail` uses the keys `instanceType`, `enis`, `eniLimit`, `subnetId`,
 * `maxPods` where they apply; when `message` is empty the plugin builds the text from them.
 */
export interface Failure {
  readonly version: string;
  readonly reason: Exclude<ReasonCode, 'ok'>;
  readonly message: string;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

export type AddReply = AddOk | Failure;

/** Why the runtime deletes: `PodDeleted`, or `SetupNSFailed` when the plugin rolls an ADD back. */
export type DelCause = 'PodDeleted' | 'SetupNSFailed';

export interface DelRequest {
  readonly version: string;
  readonly key: IpamKey;
  readonly pod: PodIdentity;
  readonly cause: DelCause;
}

export interface DelOk {
  readonly version: string;
  readonly reason: 'ok';
  /** What was released (empty when the key was already gone and the daemon says so with ok). */
  readonly addresses: readonly PodAddress[];
}

export type DelReply = DelOk | Failure;

/** Readiness as the plugin's CNI STATUS reports it. */
export interface StatusReply {
  readonly version: string;
  readonly ready: boolean;
  /** Ready, but existing pods may have lost connectivity (CNI STATUS code 51 rather than 50). */
  readonly degraded?: boolean;
  readonly message: string;
}

/** True when the reply is a failure. */
export function isFailure(reply: AddReply | DelReply): reply is Failure {
  return reply.reason !== 'ok';
}
