/**
 * Translation between the AWS SDK's EC2 shapes and the daemon's (`src/ports/ec2-api.ts`). A reply that
 * lacks an identifier the daemon relies on throws; the call runner reports it as `MalformedReply`.
 */
import type {
  Filter,
  GroupIdentifier,
  Instance,
  InstanceNetworkInterface,
  InstanceTypeInfo,
  NetworkInterface,
  Subnet,
  Tag,
} from '@aws-sdk/client-ec2';
import type { Ec2Instance, Ec2InstanceTypeLimits, Ec2NetworkInterface, Ec2Subnet } from '../../ports/ec2-api.ts';

type Attachment = NonNullable<Ec2NetworkInterface['attachment']>;
type PrivateIp = Ec2NetworkInterface['privateIps'][number];

/** `value`, or an error naming the missing field. */
export function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) throw new Error(`the reply has no ${field}`);
  return value;
}

/** Filters as the SDK takes them, in the order given. */
export function sdkFilters(filters: Readonly<Record<string, readonly string[]>>): Filter[] {
  return Object.entries(filters).map(([name, values]) => ({ Name: name, Values: [...values] }));
}

/** Tags as the SDK takes them. */
export function sdkTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([key, value]) => ({ Key: key, Value: value }));
}

/** A `TagSet` as a record (tags without a key are dropped). */
export function tagsFromSdk(tags: readonly Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  return record;
}

function groupIdsOf(groups: readonly GroupIdentifier[] | undefined): string[] {
  return (groups ?? []).flatMap((group) => (group.GroupId === undefined ? [] : [group.GroupId]));
}

function privateIpsOf(ips: readonly { PrivateIpAddress?: string; Primary?: boolean }[] | undefined): PrivateIp[] {
  const all = (ips ?? []).flatMap((ip) => (ip.PrivateIpAddress === undefined ? [] : [{ address: ip.PrivateIpAddress, primary: ip.Primary === true }]));
  return [...all.filter((ip) => ip.primary), ...all.filter((ip) => !ip.primary)];
}

function prefixesOf(prefixes: readonly { Ipv4Prefix?: string }[] | undefined): string[] {
  return (prefixes ?? []).flatMap((prefix) => (prefix.Ipv4Prefix === undefined ? [] : [prefix.Ipv4Prefix]));
}

function attachmentOf(
  attachment: NetworkInterface['Attachment'] | InstanceNetworkInterface['Attachment'],
  instanceId: string | undefined,
): Attachment | undefined {
  if (attachment?.AttachmentId === undefined) return undefined;
  return {
    attachmentId: attachment.AttachmentId,
    instanceId: ('InstanceId' in attachment ? attachment.InstanceId : undefined) ?? instanceId ?? '',
    deviceIndex: required(attachment.DeviceIndex, 'Attachment.DeviceIndex'),
    networkCardIndex: attachment.NetworkCardIndex ?? 0,
    status: attachment.Status ?? '',
    deleteOnTermination: attachment.DeleteOnTermination === true,
  };
}

/** An ENI of a DescribeNetworkInterfaces or CreateNetworkInterface reply. */
export function networkInterfaceFromSdk(eni: NetworkInterface): Ec2NetworkInterface {
  const attachment = attachmentOf(eni.Attachment, undefined);
  return {
    networkInterfaceId: required(eni.NetworkInterfaceId, 'NetworkInterfaceId'),
    subnetId: eni.SubnetId ?? '',
    vpcId: eni.VpcId ?? '',
    availabilityZone: eni.AvailabilityZone ?? '',
    macAddress: eni.MacAddress ?? '',
    description: eni.Description ?? '',
    status: eni.Status ?? '',
    interfaceType: eni.InterfaceType ?? 'interface',
    privateIps: privateIpsOf(eni.PrivateIpAddresses),
    ipv4Prefixes: prefixesOf(eni.Ipv4Prefixes),
    groupIds: groupIdsOf(eni.Groups),
    tags: tagsFromSdk(eni.TagSet),
    ...(attachment === undefined ? {} : { attachment }),
  };
}

/**
 * An ENI as DescribeInstances lists it under the instance. EC2 gives neither its zone (the instance's is
 * used) nor its tags (empty: use DescribeNetworkInterfaces when tags matter).
 */
function instanceEniFromSdk(eni: InstanceNetworkInterface, instance: { instanceId: string; availabilityZone: string }): Ec2NetworkInterface {
  const attachment = attachmentOf(eni.Attachment, instance.instanceId);
  return {
    networkInterfaceId: required(eni.NetworkInterfaceId, 'NetworkInterfaceId'),
    subnetId: eni.SubnetId ?? '',
    vpcId: eni.VpcId ?? '',
    availabilityZone: instance.availabilityZone,
    macAddress: eni.MacAddress ?? '',
    description: eni.Description ?? '',
    status: eni.Status ?? '',
    interfaceType: eni.InterfaceType ?? 'interface',
    privateIps: privateIpsOf(eni.PrivateIpAddresses),
    ipv4Prefixes: prefixesOf(eni.Ipv4Prefixes),
    groupIds: groupIdsOf(eni.Groups),
    tags: {},
    ...(attachment === undefined ? {} : { attachment }),
  };
}

/** An instance of a DescribeInstances reply, its ENIs by network card then device index. */
export function instanceFromSdk(instance: Instance): Ec2Instance {
  const instanceId = required(instance.InstanceId, 'InstanceId');
  const availabilityZone = instance.Placement?.AvailabilityZone ?? '';
  const enis = (instance.NetworkInterfaces ?? []).map((eni) => instanceEniFromSdk(eni, { instanceId, availabilityZone }));
  const order = (eni: Ec2NetworkInterface): number => (eni.attachment?.networkCardIndex ?? 0) * 1000 + (eni.attachment?.deviceIndex ?? 0);
  return {
    instanceId,
    instanceType: instance.InstanceType ?? '',
    subnetId: instance.SubnetId ?? '',
    vpcId: instance.VpcId ?? '',
    availabilityZone,
    privateIpAddress: instance.PrivateIpAddress ?? '',
    networkInterfaces: enis.sort((a, b) => order(a) - order(b)),
  };
}

/** A subnet of a DescribeSubnets reply. */
export function subnetFromSdk(subnet: Subnet): Ec2Subnet {
  return {
    subnetId: required(subnet.SubnetId, 'SubnetId'),
    vpcId: subnet.VpcId ?? '',
    availabilityZone: subnet.AvailabilityZone ?? '',
    cidrBlock: subnet.CidrBlock ?? '',
    availableIpAddressCount: subnet.AvailableIpAddressCount ?? 0,
    tags: tagsFromSdk(subnet.Tags),
  };
}

/** An instance type's ENI and address limits from a DescribeInstanceTypes reply. */
export function instanceTypeLimitsFromSdk(info: InstanceTypeInfo): Ec2InstanceTypeLimits {
  const network = required(info.NetworkInfo, 'NetworkInfo');
  return {
    instanceType: required(info.InstanceType, 'InstanceType'),
    eniLimit: required(network.MaximumNetworkInterfaces, 'NetworkInfo.MaximumNetworkInterfaces'),
    ipv4Limit: required(network.Ipv4AddressesPerInterface, 'NetworkInfo.Ipv4AddressesPerInterface'),
    hypervisor: info.Hypervisor ?? '',
    bareMetal: info.BareMetal === true,
  };
}
