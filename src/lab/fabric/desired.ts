import { formatIpv4, parseCidr } from '../../core/ip/index.ts';
import type { Ec2Model } from '../ec2/model/model.ts';
import { isPublicSubnet } from '../ec2/model/route-tables.ts';
import type { Instance, NetworkInterface, SecurityGroup, Subnet } from '../ec2/model/state.ts';

/** An attached ENI as the fabric plumbs it. */
export interface DesiredEni {
  readonly networkInterfaceId: string;
  readonly instanceId: string;
  readonly vpcId: string;
  readonly deviceIndex: number;
  readonly macAddress: string;
  /** The instance's primary ENI, which the fabric configures as cloud-init would. */
  readonly primary: boolean;
  readonly primaryAddress: string;
  readonly subnetPrefixLength: number;
  /** The subnet's router address, network + 1. */
  readonly gateway: string;
  /** Every private address, the primary first. */
  readonly addresses: readonly string[];
  /** /28 prefixes assigned to the ENI. */
  readonly prefixes: readonly string[];
  readonly sourceDestCheck: boolean;
  readonly groupIds: readonly string[];
}

/** A public address that the internet gateway maps 1:1 to a private one. */
export interface NatMapping {
  readonly publicIp: string;
  readonly privateIp: string;
}

/** What the fabric must look like for the model as it is now. */
export interface DesiredFabric {
  /** Instances that have a namespace: running or shutting down. */
  readonly instanceIds: ReadonlySet<string>;
  /** ENIs whose attachment to one of those instances is `attached`, by id. */
  readonly enis: ReadonlyMap<string, DesiredEni>;
  /** The router address of every subnet. */
  readonly gateways: readonly string[];
  /** Every associated CIDR block of every VPC. */
  readonly vpcCidrs: readonly string[];
  /** Public IPs of instances in subnets routed to an attached internet gateway. */
  readonly nat: readonly NatMapping[];
  /** Security groups by id. */
  readonly securityGroups: ReadonlyMap<string, SecurityGroup>;
  /** For each security group, the private addresses and prefixes of every ENI in it. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
}

/** The router address of a subnet: its network address plus one. */
export function subnetGateway(subnet: Subnet): string {
  return formatIpv4(parseCidr(subnet.cidrBlock).network + 1);
}

function hasNamespace(instance: Instance): boolean {
  return instance.state === 'running' || instance.state === 'shutting-down';
}

function desiredEni(eni: NetworkInterface, instance: Instance, subnet: Subnet): DesiredEni | undefined {
  const attachment = eni.attachment;
  if (attachment?.status !== 'attached' || attachment.instanceId !== instance.instanceId) return undefined;
  const addresses = eni.privateIps.map((ip) => ip.address);
  return {
    networkInterfaceId: eni.networkInterfaceId,
    instanceId: instance.instanceId,
    vpcId: eni.vpcId,
    deviceIndex: attachment.deviceIndex,
    macAddress: eni.macAddress,
    primary: instance.primaryNetworkInterfaceId === eni.networkInterfaceId,
    primaryAddress: eni.privateIps.find((ip) => ip.primary)?.address ?? addresses[0] ?? '',
    subnetPrefixLength: parseCidr(subnet.cidrBlock).prefixLength,
    gateway: subnetGateway(subnet),
    addresses,
    prefixes: [...eni.ipv4Prefixes],
    sourceDestCheck: eni.sourceDestCheck,
    groupIds: [...eni.groupIds],
  };
}

function desiredEnis(model: Ec2Model, instanceIds: ReadonlySet<string>): Map<string, DesiredEni> {
  const enis = new Map<string, DesiredEni>();
  for (const eni of model.state.networkInterfaces.values()) {
    const instanceId = eni.attachment?.instanceId;
    const instance = instanceId === undefined ? undefined : model.state.instances.get(instanceId);
    const subnet = model.state.subnets.get(eni.subnetId);
    if (instance === undefined || subnet === undefined || !instanceIds.has(instance.instanceId)) continue;
    const desired = desiredEni(eni, instance, subnet);
    if (desired !== undefined) enis.set(eni.networkInterfaceId, desired);
  }
  return enis;
}

function natMappings(model: Ec2Model, enis: ReadonlyMap<string, DesiredEni>): NatMapping[] {
  const nat: NatMapping[] = [];
  for (const instance of model.state.instances.values()) {
    const eni = enis.get(instance.primaryNetworkInterfaceId);
    if (instance.publicIp === undefined || eni === undefined) continue;
    const subnetId = model.state.networkInterfaces.get(eni.networkInterfaceId)?.subnetId;
    if (subnetId !== undefined && isPublicSubnet(model, subnetId)) nat.push({ publicIp: instance.publicIp, privateIp: eni.primaryAddress });
  }
  return nat;
}

function groupMembers(model: Ec2Model): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const eni of model.state.networkInterfaces.values()) {
    for (const groupId of eni.groupIds) {
      const list = members.get(groupId) ?? [];
      list.push(...eni.privateIps.map((ip) => ip.address), ...eni.ipv4Prefixes);
      members.set(groupId, list);
    }
  }
  return members;
}

/** Reads the model and says which namespaces, links, routes and rules the fabric must have. */
export function desiredFabric(model: Ec2Model): DesiredFabric {
  const { state } = model;
  const instanceIds = new Set([...state.instances.values()].filter(hasNamespace).map((instance) => instance.instanceId));
  const enis = desiredEnis(model, instanceIds);
  return {
    instanceIds,
    enis,
    gateways: [...new Set([...state.subnets.values()].map(subnetGateway))],
    vpcCidrs: [...state.vpcs.values()].flatMap((vpc) => vpc.cidrBlocks.filter((b) => b.state === 'associated').map((b) => b.cidrBlock)),
    nat: natMappings(model, enis),
    securityGroups: new Map(state.securityGroups),
    groupMembers: groupMembers(model),
  };
}
