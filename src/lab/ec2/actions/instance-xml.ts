import type { XmlObject } from '../action.ts';
import { enisOfInstance, privateDnsName } from '../model/eni-lookup.ts';
import { instancePrivateIp, instancePublicIp } from '../model/instance-queries.ts';
import { instanceTypeSpec } from '../model/instance-types.ts';
import { INSTANCE_STATE_CODES } from '../model/instances.ts';
import type { Ec2Model } from '../model/model.ts';
import type { Instance } from '../model/state.ts';
import { groupSetXml, instanceNetworkInterfaceXml, isoTime } from './eni-xml.ts';
import { tagSet } from './tag-actions.ts';

/** `{ code, name }` of an instance state, as in `instanceState`, `currentState`, `previousState`. */
export function instanceStateXml(state: Instance['state']): XmlObject {
  return { code: INSTANCE_STATE_CODES[state], name: state };
}

/** The public DNS name EC2 gives a public IPv4 address. */
function publicDnsName(model: Ec2Model, publicIp: string | undefined): string {
  if (publicIp === undefined) return '';
  const host = `ec2-${publicIp.replaceAll('.', '-')}`;
  return model.region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${model.region}.compute.amazonaws.com`;
}

/** The groups of an instance: those of its primary ENI (empty once terminated). */
export function instanceGroupIds(model: Ec2Model, instance: Instance): readonly string[] {
  return model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId)?.groupIds ?? [];
}

/**
 * An instance as the `instancesSet` item of EC2 replies. `state` overrides the current state (RunInstances
 * always answers `pending`, even when the emulator starts instances at once).
 */
export function instanceXml(model: Ec2Model, instance: Instance, state: Instance['state'] = instance.state): XmlObject {
  const privateIp = instancePrivateIp(model, instance);
  const publicIp = instancePublicIp(instance);
  const primaryEni = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
  const enis = enisOfInstance(model, instance.instanceId).sort(
    (a, b) => (a.attachment?.networkCardIndex ?? 0) - (b.attachment?.networkCardIndex ?? 0) || (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0),
  );
  const live = instance.state !== 'terminated';
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: instanceStateXml(state),
    privateDnsName: privateIp === undefined ? '' : privateDnsName(model, privateIp),
    dnsName: publicDnsName(model, publicIp),
    reason: '',
    amiLaunchIndex: 0,
    productCodes: [],
    instanceType: instance.instanceType,
    launchTime: isoTime(instance.launchTime),
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: live ? instance.subnetId : undefined,
    vpcId: live ? instance.vpcId : undefined,
    privateIpAddress: privateIp,
    ipAddress: publicIp,
    sourceDestCheck: primaryEni?.sourceDestCheck,
    groupSet: groupSetXml(model, instanceGroupIds(model, instance)),
    architecture: instanceTypeSpec(instance.instanceType)?.architecture ?? 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: [],
    virtualizationType: 'hvm',
    clientToken: '',
    tagSet: tagSet(instance.tags),
    hypervisor: 'xen',
    networkInterfaceSet: enis.map((eni) => instanceNetworkInterfaceXml(model, eni)),
    ebsOptimized: false,
    enaSupport: true,
    metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    platformDetails: 'Linux/UNIX',
    privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
  };
}

/** A reservation as RunInstances answers it and as the `reservationSet` item of DescribeInstances. */
export function reservationXml(
  model: Ec2Model,
  reservation: { reservationId: string; instances: readonly Instance[] },
  state?: Instance['state'],
): XmlObject {
  const [first] = reservation.instances;
  return {
    reservationId: reservation.reservationId,
    ownerId: model.accountId,
    groupSet: first === undefined ? [] : groupSetXml(model, instanceGroupIds(model, first)),
    instancesSet: reservation.instances.map((instance) => instanceXml(model, instance, state ?? instance.state)),
  };
}
