import type { Filter } from '../action.ts';
import { enisOfInstance, primaryAddressOf, privateDnsName } from './eni-lookup.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import { instanceTypeSpec } from './instance-types.ts';
import { INSTANCE_STATE_CODES } from './instances.ts';
import type { Ec2Model } from './model.ts';
import type { Instance } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';

/**
 * DescribeInstances: the instances with the given ids (every id must exist, terminated ones included)
 * or all of them, filtered, in launch order.
 */
export function describeInstances(model: Ec2Model, request: { instanceIds: readonly string[]; filters: readonly Filter[] }): Instance[] {
  const missing = request.instanceIds.find((id) => !model.state.instances.has(id));
  if (missing !== undefined) throw resourceNotFound('instance', missing);
  const wanted = new Set(request.instanceIds);
  return [...model.state.instances.values()].filter(
    (instance) =>
      (wanted.size === 0 || wanted.has(instance.instanceId)) &&
      matchesFilters(instance, request.filters, (resource, name) => instanceFilterValues(model, resource, name), unknownFilter),
  );
}

/** The primary private address of a live instance (terminated instances have none). */
export function instancePrivateIp(model: Ec2Model, instance: Instance): string | undefined {
  const eni = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
  return eni === undefined || instance.state === 'terminated' ? undefined : primaryAddressOf(eni);
}

/** The public address of a live instance. */
export function instancePublicIp(instance: Instance): string | undefined {
  return instance.state === 'terminated' ? undefined : instance.publicIp;
}

function instanceFilterValues(model: Ec2Model, instance: Instance, name: string): readonly string[] | undefined {
  const privateIp = instancePrivateIp(model, instance);
  const publicIp = instancePublicIp(instance);
  const enis = (): ReturnType<typeof enisOfInstance> => enisOfInstance(model, instance.instanceId);
  const values: Readonly<Record<string, () => readonly string[]>> = {
    'instance-id': () => [instance.instanceId],
    'instance-type': () => [instance.instanceType],
    'instance-state-name': () => [instance.state],
    'instance-state-code': () => [String(INSTANCE_STATE_CODES[instance.state])],
    'image-id': () => [instance.imageId],
    'reservation-id': () => [instance.reservationId],
    'subnet-id': () => [instance.subnetId],
    'vpc-id': () => [instance.vpcId],
    'availability-zone': () => [instance.availabilityZone],
    architecture: () => [instanceTypeSpec(instance.instanceType)?.architecture ?? 'x86_64'],
    'private-ip-address': () => (privateIp === undefined ? [] : [privateIp]),
    'private-dns-name': () => (privateIp === undefined ? [] : [privateDnsName(model, privateIp)]),
    'ip-address': () => (publicIp === undefined ? [] : [publicIp]),
    'network-interface.network-interface-id': () => enis().map((eni) => eni.networkInterfaceId),
    'network-interface.addresses.private-ip-address': () => enis().flatMap((eni) => eni.privateIps.map((ip) => ip.address)),
    'network-interface.subnet-id': () => enis().map((eni) => eni.subnetId),
    'network-interface.attachment.device-index': () => enis().map((eni) => String(eni.attachment?.deviceIndex)),
  };
  const getter = Object.hasOwn(values, name) ? values[name] : undefined;
  return getter === undefined ? tagFilterValues(instance.tags, name) : getter();
}
