import type { XmlObject } from '../action.ts';
import { eniStatus, primaryAddressOf, privateDnsName, publicIpOf } from '../model/eni-lookup.ts';
import type { Ec2Model } from '../model/model.ts';
import type { EniAttachment, NetworkInterface } from '../model/state.ts';
import { tagSet } from './tag-actions.ts';

/** Epoch milliseconds as the ISO 8601 text EC2 uses in XML (`2024-01-02T03:04:05.000Z`). */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** `groupSet` items: `{ groupId, groupName }` for each group id still known to the model. */
export function groupSetXml(model: Ec2Model, groupIds: readonly string[]): XmlObject[] {
  return groupIds.map((groupId) => ({ groupId, groupName: model.state.securityGroups.get(groupId)?.groupName ?? '' }));
}

function associationXml(model: Ec2Model, publicIp: string | undefined): XmlObject | undefined {
  if (publicIp === undefined) return undefined;
  return { publicIp, publicDnsName: '', ipOwnerId: 'amazon' };
}

/** `privateIpAddressesSet` items, the primary first, with the public association on the primary. */
function privateIpSetXml(model: Ec2Model, eni: NetworkInterface): XmlObject[] {
  const publicIp = publicIpOf(model, eni);
  return eni.privateIps.map((ip) => ({
    privateIpAddress: ip.address,
    privateDnsName: privateDnsName(model, ip.address),
    primary: ip.primary,
    association: ip.primary ? associationXml(model, publicIp) : undefined,
  }));
}

function attachmentXml(model: Ec2Model, attachment: EniAttachment, withInstance: boolean): XmlObject {
  return {
    attachmentId: attachment.attachmentId,
    ...(withInstance ? { instanceId: attachment.instanceId, instanceOwnerId: model.accountId } : {}),
    deviceIndex: attachment.deviceIndex,
    networkCardIndex: attachment.networkCardIndex,
    status: attachment.status,
    attachTime: isoTime(attachment.attachTime),
    deleteOnTermination: attachment.deleteOnTermination,
  };
}

/** An ENI as the `networkInterface` / `networkInterfaceSet` item of EC2 replies. */
export function networkInterfaceXml(model: Ec2Model, eni: NetworkInterface): XmlObject {
  const primary = primaryAddressOf(eni);
  return {
    networkInterfaceId: eni.networkInterfaceId,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    availabilityZone: eni.availabilityZone,
    description: eni.description,
    ownerId: model.accountId,
    requesterManaged: false,
    status: eniStatus(eni),
    macAddress: eni.macAddress,
    privateIpAddress: primary,
    privateDnsName: privateDnsName(model, primary),
    sourceDestCheck: eni.sourceDestCheck,
    groupSet: groupSetXml(model, eni.groupIds),
    attachment: eni.attachment === undefined ? undefined : attachmentXml(model, eni.attachment, true),
    association: associationXml(model, publicIpOf(model, eni)),
    tagSet: tagSet(eni.tags),
    privateIpAddressesSet: privateIpSetXml(model, eni),
    ipv4PrefixSet: eni.ipv4Prefixes.map((ipv4Prefix) => ({ ipv4Prefix })),
    ipv6AddressesSet: [],
    interfaceType: eni.interfaceType,
  };
}

/** An attached ENI as the `networkInterfaceSet` item of an instance (DescribeInstances, RunInstances). */
export function instanceNetworkInterfaceXml(model: Ec2Model, eni: NetworkInterface): XmlObject {
  const primary = primaryAddressOf(eni);
  return {
    networkInterfaceId: eni.networkInterfaceId,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    description: eni.description,
    ownerId: model.accountId,
    status: eniStatus(eni),
    macAddress: eni.macAddress,
    privateIpAddress: primary,
    privateDnsName: privateDnsName(model, primary),
    sourceDestCheck: eni.sourceDestCheck,
    groupSet: groupSetXml(model, eni.groupIds),
    attachment: eni.attachment === undefined ? undefined : attachmentXml(model, eni.attachment, false),
    association: associationXml(model, publicIpOf(model, eni)),
    privateIpAddressesSet: privateIpSetXml(model, eni),
    ipv4PrefixSet: eni.ipv4Prefixes.map((ipv4Prefix) => ({ ipv4Prefix })),
    ipv6AddressesSet: [],
    interfaceType: eni.interfaceType,
  };
}
