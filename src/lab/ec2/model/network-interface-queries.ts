import type { Filter } from '../action.ts';
import { eniStatus, publicIpOf } from './eni-lookup.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import type { NetworkInterface } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';

/**
 * DescribeNetworkInterfaces: the ENIs with the given ids (every id must exist; the first unknown one is
 * reported alone, in the message ipamd parses) or all of them, filtered, in creation order.
 */
export function describeNetworkInterfaces(
  model: Ec2Model,
  request: { networkInterfaceIds: readonly string[]; filters: readonly Filter[] },
): NetworkInterface[] {
  const missing = request.networkInterfaceIds.find((id) => !model.state.networkInterfaces.has(id));
  if (missing !== undefined) throw resourceNotFound('network-interface', missing);
  const wanted = new Set(request.networkInterfaceIds);
  return [...model.state.networkInterfaces.values()].filter(
    (eni) =>
      (wanted.size === 0 || wanted.has(eni.networkInterfaceId)) &&
      matchesFilters(eni, request.filters, (resource, name) => eniFilterValues(model, resource, name), unknownFilter),
  );
}

/** Values of one DescribeNetworkInterfaces filter for an ENI; undefined for a filter name EC2 does not know. */
function eniFilterValues(model: Ec2Model, eni: NetworkInterface, name: string): readonly string[] | undefined {
  const attachment = eni.attachment;
  const addresses = eni.privateIps.map((ip) => ip.address);
  const publicIp = publicIpOf(model, eni);
  const values: Readonly<Record<string, () => readonly string[]>> = {
    'network-interface-id': () => [eni.networkInterfaceId],
    'vpc-id': () => [eni.vpcId],
    'subnet-id': () => [eni.subnetId],
    'availability-zone': () => [eni.availabilityZone],
    status: () => [eniStatus(eni)],
    description: () => [eni.description],
    'mac-address': () => [eni.macAddress],
    'interface-type': () => [eni.interfaceType],
    'group-id': () => eni.groupIds,
    'group-name': () => eni.groupIds.map((id) => model.state.securityGroups.get(id)?.groupName ?? ''),
    'private-ip-address': () => addresses,
    'addresses.private-ip-address': () => addresses,
    'addresses.primary': () => eni.privateIps.map((ip) => String(ip.primary)),
    'ipv4-prefix': () => eni.ipv4Prefixes,
    'owner-id': () => [model.accountId],
    'requester-managed': () => ['false'],
    'source-dest-check': () => [String(eni.sourceDestCheck)],
    'association.public-ip': () => (publicIp === undefined ? [] : [publicIp]),
    'attachment.instance-id': () => (attachment === undefined ? [] : [attachment.instanceId]),
    'attachment.instance-owner-id': () => (attachment === undefined ? [] : [model.accountId]),
    'attachment.attachment-id': () => (attachment === undefined ? [] : [attachment.attachmentId]),
    'attachment.device-index': () => (attachment === undefined ? [] : [String(attachment.deviceIndex)]),
    'attachment.network-card-index': () => (attachment === undefined ? [] : [String(attachment.networkCardIndex)]),
    'attachment.status': () => (attachment === undefined ? [] : [attachment.status]),
    'attachment.delete-on-termination': () => (attachment === undefined ? [] : [String(attachment.deleteOnTermination)]),
  };
  const getter = Object.hasOwn(values, name) ? values[name] : undefined;
  return getter === undefined ? tagFilterValues(eni.tags, name) : getter();
}
