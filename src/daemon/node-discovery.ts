/**
 * What the node holds, from EC2 (the truth for ENIs and addresses) joined with IMDS (which the host's
 * setup needs: subnet CIDR, MAC, and proof the attachment reached the instance). Upstream's
 * `DescribeAllENIs` plus its managed/unmanaged split.
 */
import type { DaemonConfig } from '../core/config/index.ts';
import type { Ec2Instance, Ec2NetworkInterface } from '../ports/ec2-api.ts';
import type { ImdsInterface } from '../ports/imds.ts';
import type { EniFacts } from './daemon-runtime.ts';
import { ENI_TAG } from './eni-tagging.ts';

/** An ENI found on the node with the blocks EC2 says it holds. */
export interface FoundEni extends EniFacts {
  /** Secondary addresses as `/32` blocks, then `/28` prefixes, as EC2 lists them (never the ENI's primary IP). */
  readonly ec2Blocks: readonly string[];
  /** The same as IMDS lists them. */
  readonly imdsBlocks: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** The node's ENIs, split the way the daemon treats them. */
export interface NodeEnis {
  /** Attached per EC2 and visible in IMDS, to be managed. */
  readonly managed: readonly FoundEni[];
  /** Attached but not managed (no_manage tag, other network cards, EFA-only, foreign with MANAGE_UNTAGGED_ENI=false). */
  readonly unmanagedIds: readonly string[];
  /** Attached per EC2 but not (yet) in IMDS: left for a later reconcile. */
  readonly pendingIds: readonly string[];
}

/** Attachment states in which an ENI counts as the node's. */
const ATTACHED_STATES = new Set(['attaching', 'attached']);

/** The ENI's blocks as EC2 lists them: secondary /32s (not the primary address) then prefixes. */
export function ec2BlocksOf(eni: Ec2NetworkInterface): string[] {
  const secondaries = eni.privateIps.filter((ip) => !ip.primary).map((ip) => `${ip.address}/32`);
  return [...secondaries, ...eni.ipv4Prefixes];
}

/** The ENI's blocks as IMDS lists them: `local-ipv4s` after the first (the primary), then `ipv4-prefix`. */
export function imdsBlocksOf(entry: ImdsInterface): string[] {
  return [...entry.localIpv4s.slice(1).map((address) => `${address}/32`), ...entry.ipv4Prefixes];
}

/** The ENIs EC2 shows attached to the instance. */
export function attachedEnis(instance: Ec2Instance): Ec2NetworkInterface[] {
  return instance.networkInterfaces.filter((eni) =>
    eni.attachment !== undefined && eni.attachment.instanceId === instance.instanceId && ATTACHED_STATES.has(eni.attachment.status));
}

/** Whether the daemon manages an attached ENI (upstream's unmanaged-ENI rules; only network card 0 is used). */
export function isManaged(eni: Ec2NetworkInterface, config: DaemonConfig, primaryEniId: string): boolean {
  if (eni.networkInterfaceId === primaryEniId) return true;
  if ((eni.attachment?.networkCardIndex ?? 0) !== 0) return false;
  if (eni.tags[ENI_TAG.noManage] === 'true') return false;
  if (eni.interfaceType === 'efa-only') return false;
  if (!config.manageUntaggedEnis && eni.tags[ENI_TAG.instanceId] !== eni.attachment?.instanceId) return false;
  return true;
}

function primaryIpOf(eni: Ec2NetworkInterface): string {
  const primary = eni.privateIps.find((ip) => ip.primary) ?? eni.privateIps[0];
  if (primary === undefined) throw new Error(`Cannot use ENI ${eni.networkInterfaceId}: EC2 lists no private address for it`);
  return primary.address;
}

/** Joins one ENI's EC2 and IMDS views. */
export function foundEni(eni: Ec2NetworkInterface, entry: ImdsInterface): FoundEni {
  return {
    eniId: eni.networkInterfaceId,
    mac: entry.mac,
    deviceNumber: eni.attachment?.deviceIndex ?? entry.deviceNumber,
    primaryIp: primaryIpOf(eni),
    subnetId: eni.subnetId,
    subnetCidr: entry.subnetCidr,
    attachmentId: eni.attachment?.attachmentId,
    trunk: eni.interfaceType === 'trunk',
    efa: eni.interfaceType === 'efa',
    ec2Blocks: ec2BlocksOf(eni),
    imdsBlocks: imdsBlocksOf(entry),
    tags: eni.tags,
  };
}

/** Splits the instance's attached ENIs into managed (with both views), unmanaged and not yet in IMDS. */
export function discoverEnis(instance: Ec2Instance, interfaces: readonly ImdsInterface[], config: DaemonConfig, primaryEniId: string): NodeEnis {
  const byId = new Map(interfaces.map((entry) => [entry.interfaceId, entry]));
  const managed: FoundEni[] = [];
  const unmanagedIds: string[] = [];
  const pendingIds: string[] = [];
  for (const eni of attachedEnis(instance)) {
    if (!isManaged(eni, config, primaryEniId)) {
      unmanagedIds.push(eni.networkInterfaceId);
      continue;
    }
    const entry = byId.get(eni.networkInterfaceId);
    if (entry === undefined) pendingIds.push(eni.networkInterfaceId);
    else managed.push(foundEni(eni, entry));
  }
  return { managed, unmanagedIds, pendingIds };
}
