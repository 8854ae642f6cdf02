/**
 * The instance metadata of one emulated instance, as EC2's IMDS shows it under `/latest/`: a flat map
 * of leaf paths (`meta-data/mac`, `dynamic/instance-identity/document`) to their text.
 */
import type { Ec2Model } from '../ec2/model/model.ts';
import type { Instance, NetworkInterface } from '../ec2/model/state.ts';
import { identityDocument } from './identity-document.ts';

/** Leaf path relative to `/latest/` → the text IMDS returns for it. */
export type MetadataLeaves = Map<string, string>;

const META = 'meta-data/';
const MACS = `${META}network/interfaces/macs/`;

/**
 * The metadata tree of one instance, or an empty map when the instance is unknown or terminated.
 * Pure: reads `model.state` only. ENIs appear once their attachment is `attached` (a hot-plugged
 * ENI is not visible while `attaching`) and stay while `detaching` (the device is still present).
 */
export function instanceMetadata(model: Ec2Model, instanceId: string): MetadataLeaves {
  const leaves: MetadataLeaves = new Map();
  const instance = model.state.instances.get(instanceId);
  if (instance === undefined || instance.state === 'terminated') return leaves;
  const primaryEni = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
  addInstanceLeaves(model, instance, primaryEni, leaves);
  for (const eni of visibleEnis(model, instanceId)) addEniLeaves(model, { instance, eni }, leaves);
  const privateIp = primaryEni === undefined ? undefined : primaryAddress(primaryEni);
  leaves.set('dynamic/instance-identity/document', identityDocument(model, instance, privateIp));
  return leaves;
}

/** The ENIs IMDS lists for the instance, by network card then device index. */
function visibleEnis(model: Ec2Model, instanceId: string): NetworkInterface[] {
  const enis = [...model.state.networkInterfaces.values()].filter((eni) => {
    const attachment = eni.attachment;
    if (attachment?.instanceId !== instanceId) return false;
    return attachment.status === 'attached' || attachment.status === 'detaching';
  });
  return enis.sort((a, b) => attachmentOrder(a) - attachmentOrder(b));
}

function attachmentOrder(eni: NetworkInterface): number {
  return (eni.attachment?.networkCardIndex ?? 0) * 1000 + (eni.attachment?.deviceIndex ?? 0);
}

function addInstanceLeaves(
  model: Ec2Model,
  instance: Instance,
  primaryEni: NetworkInterface | undefined,
  leaves: MetadataLeaves,
): void {
  const subnet = model.state.subnets.get(instance.subnetId);
  leaves.set(`${META}ami-id`, instance.imageId);
  leaves.set(`${META}ami-launch-index`, '0');
  leaves.set(`${META}instance-id`, instance.instanceId);
  leaves.set(`${META}instance-life-cycle`, 'on-demand');
  leaves.set(`${META}instance-type`, instance.instanceType);
  leaves.set(`${META}reservation-id`, instance.reservationId);
  leaves.set(`${META}placement/availability-zone`, instance.availabilityZone);
  if (subnet !== undefined) leaves.set(`${META}placement/availability-zone-id`, subnet.availabilityZoneId);
  leaves.set(`${META}placement/region`, model.region);
  leaves.set(`${META}services/domain`, 'amazonaws.com');
  leaves.set(`${META}services/partition`, 'aws');
  if (instance.publicIp !== undefined) {
    leaves.set(`${META}public-ipv4`, instance.publicIp);
    leaves.set(`${META}public-hostname`, publicHostname(model.region, instance.publicIp));
  }
  if (primaryEni === undefined) return;
  const localIp = primaryAddress(primaryEni);
  leaves.set(`${META}local-ipv4`, localIp);
  leaves.set(`${META}local-hostname`, privateHostname(model.region, localIp));
  leaves.set(`${META}hostname`, privateHostname(model.region, localIp));
  leaves.set(`${META}mac`, primaryEni.macAddress);
  leaves.set(`${META}security-groups`, groupNames(model, primaryEni.groupIds).join('\n'));
}

function addEniLeaves(
  model: Ec2Model,
  target: { instance: Instance; eni: NetworkInterface },
  leaves: MetadataLeaves,
): void {
  const { instance, eni } = target;
  const base = `${MACS}${eni.macAddress}/`;
  const set = (name: string, value: string): void => {
    leaves.set(base + name, value);
  };
  set('device-number', String(eni.attachment?.deviceIndex ?? 0));
  set('interface-id', eni.networkInterfaceId);
  set('local-hostname', privateHostname(model.region, primaryAddress(eni)));
  set('local-ipv4s', primaryFirst(eni).join('\n'));
  set('mac', eni.macAddress);
  // EC2 serves network-card on newer instance types for every ENI; ipamd reads a 404 as card 0.
  set('network-card', String(eni.attachment?.networkCardIndex ?? 0));
  set('owner-id', model.accountId);
  set('security-group-ids', eni.groupIds.join('\n'));
  set('security-groups', groupNames(model, eni.groupIds).join('\n'));
  set('subnet-id', eni.subnetId);
  set('vpc-id', eni.vpcId);
  if (eni.ipv4Prefixes.length > 0) set('ipv4-prefix', eni.ipv4Prefixes.join('\n'));
  const subnet = model.state.subnets.get(eni.subnetId);
  if (subnet !== undefined) set('subnet-ipv4-cidr-block', subnet.cidrBlock);
  addVpcCidrs(model, eni.vpcId, set);
  if (instance.publicIp !== undefined && eni.networkInterfaceId === instance.primaryNetworkInterfaceId) {
    set('public-ipv4s', instance.publicIp);
    set('public-hostname', publicHostname(model.region, instance.publicIp));
    set(`ipv4-associations/${instance.publicIp}`, primaryAddress(eni));
  }
}

function addVpcCidrs(model: Ec2Model, vpcId: string, set: (name: string, value: string) => void): void {
  const vpc = model.state.vpcs.get(vpcId);
  if (vpc === undefined) return;
  const primary = vpc.cidrBlocks[0];
  if (primary !== undefined) set('vpc-ipv4-cidr-block', primary.cidrBlock);
  const associated = vpc.cidrBlocks.filter((block) => block.state === 'associated');
  if (associated.length > 0) set('vpc-ipv4-cidr-blocks', associated.map((block) => block.cidrBlock).join('\n'));
}

/** The ENI's private IPv4 addresses, the primary first. */
function primaryFirst(eni: NetworkInterface): string[] {
  const primary = eni.privateIps.filter((ip) => ip.primary).map((ip) => ip.address);
  const secondary = eni.privateIps.filter((ip) => !ip.primary).map((ip) => ip.address);
  return [...primary, ...secondary];
}

function primaryAddress(eni: NetworkInterface): string {
  return primaryFirst(eni)[0] ?? '';
}

/** Security group names in the order of their ids; ids of deleted groups are skipped. */
function groupNames(model: Ec2Model, groupIds: readonly string[]): string[] {
  const names: string[] = [];
  for (const id of groupIds) {
    const group = model.state.securityGroups.get(id);
    if (group !== undefined) names.push(group.groupName);
  }
  return names;
}

/** `ip-10-0-1-23.us-west-2.compute.internal`; us-east-1 keeps its historical `ec2.internal` domain. */
export function privateHostname(region: string, address: string): string {
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${address.replaceAll('.', '-')}.${domain}`;
}

/** `ec2-198-51-100-7.us-west-2.compute.amazonaws.com`; us-east-1 uses `compute-1.amazonaws.com`. */
export function publicHostname(region: string, address: string): string {
  const domain = region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`;
  return `ec2-${address.replaceAll('.', '-')}.${domain}`;
}
