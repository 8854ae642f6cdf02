import { Ec2ApiError } from '../errors.ts';
import type { InstanceTypeSpec } from './instance-types.ts';
import { instanceTypeSpec, MAX_ADDRESSES_PER_ENI } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { Instance, NetworkInterface, Subnet } from './state.ts';
import { resourceNotFound } from './tags.ts';

/** The ENI with this id; `InvalidNetworkInterfaceID.NotFound` otherwise. */
export function findNetworkInterface(model: Ec2Model, networkInterfaceId: string): NetworkInterface {
  const eni = model.state.networkInterfaces.get(networkInterfaceId);
  if (eni === undefined) throw resourceNotFound('network-interface', networkInterfaceId);
  return eni;
}

/** The instance with this id (terminated ones included); `InvalidInstanceID.NotFound` otherwise. */
export function findInstance(model: Ec2Model, instanceId: string): Instance {
  const instance = model.state.instances.get(instanceId);
  if (instance === undefined) throw resourceNotFound('instance', instanceId);
  return instance;
}

/** The subnet with this id; `InvalidSubnetID.NotFound` otherwise. */
export function findSubnet(model: Ec2Model, subnetId: string): Subnet {
  const subnet = model.state.subnets.get(subnetId);
  if (subnet === undefined) throw resourceNotFound('subnet', subnetId);
  return subnet;
}

/** The subnet an existing ENI lives in (the model never deletes a subnet that has ENIs). */
export function subnetOfEni(model: Ec2Model, eni: NetworkInterface): Subnet {
  const subnet = model.state.subnets.get(eni.subnetId);
  if (subnet === undefined) throw new Ec2ApiError('InternalError', `Network interface ${eni.networkInterfaceId} has no subnet`, 500);
  return subnet;
}

/** `in-use` while attached (or attaching/detaching), else `available`, as DescribeNetworkInterfaces says. */
export function eniStatus(eni: NetworkInterface): 'available' | 'in-use' {
  return eni.attachment === undefined ? 'available' : 'in-use';
}

/** What counts against the per-ENI limit: every private IP (primary included) and each /28 prefix as one. */
export function addressCount(eni: NetworkInterface): number {
  return eni.privateIps.length + eni.ipv4Prefixes.length;
}

/** The instance the ENI is attached to, if any. */
export function attachedInstance(model: Ec2Model, eni: NetworkInterface): Instance | undefined {
  return eni.attachment === undefined ? undefined : model.state.instances.get(eni.attachment.instanceId);
}

/** The type of the instance the ENI is attached to, if any. */
export function attachedInstanceType(model: Ec2Model, eni: NetworkInterface): InstanceTypeSpec | undefined {
  const instance = attachedInstance(model, eni);
  return instance === undefined ? undefined : instanceTypeSpec(instance.instanceType);
}

/** The most addresses (IPs plus prefixes) the ENI may hold: its instance type's IPv4Limit, or the largest of any type. */
export function eniAddressLimit(model: Ec2Model, eni: NetworkInterface): number {
  return attachedInstanceType(model, eni)?.ipv4Limit ?? MAX_ADDRESSES_PER_ENI;
}

/** ENIs attached (in any attachment state) to the instance, in model order. */
export function enisOfInstance(model: Ec2Model, instanceId: string): NetworkInterface[] {
  return [...model.state.networkInterfaces.values()].filter((eni) => eni.attachment?.instanceId === instanceId);
}

/** The public IPv4 address mapped to the ENI's primary address: that of the live instance it is primary of. */
export function publicIpOf(model: Ec2Model, eni: NetworkInterface): string | undefined {
  const instance = attachedInstance(model, eni);
  if (instance === undefined || instance.primaryNetworkInterfaceId !== eni.networkInterfaceId) return undefined;
  return instance.state === 'terminated' ? undefined : instance.publicIp;
}

/** The primary private IPv4 address of the ENI. */
export function primaryAddressOf(eni: NetworkInterface): string {
  return eni.privateIps.find((ip) => ip.primary)?.address ?? eni.privateIps[0]?.address ?? '';
}

/** `ip-10-0-1-5.us-west-2.compute.internal` (`ec2.internal` in us-east-1), as EC2 names private addresses. */
export function privateDnsName(model: Ec2Model, address: string): string {
  const host = `ip-${address.replaceAll('.', '-')}`;
  return model.region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${model.region}.compute.internal`;
}
