import type { ActionContext, ActionTable, QueryParams, XmlObject } from '../action.ts';
import { Ec2ApiError, missingParameter } from '../errors.ts';
import { describeInstances } from '../model/instance-queries.ts';
import { runInstances, terminateInstances } from '../model/instances.ts';
import type { Ec2Model } from '../model/model.ts';
import type { Instance, Tags } from '../model/state.ts';
import { assertTagSpecificationTypes, mergeTags, tagSpecificationsFor } from '../model/tags.ts';
import { instanceStateXml, reservationXml } from './instance-xml.ts';
import { pageOf } from './tag-actions.ts';

/** The resource types RunInstances may tag (volumes are accepted and ignored: the lab has no EBS). */
const RUN_INSTANCES_TAGGABLE = ['instance', 'network-interface', 'volume'];

/** `NetworkInterface.N` of RunInstances: the one at device index 0 (or the first) describes the primary ENI. */
function primaryInterfaceSpec(params: QueryParams): QueryParams | undefined {
  const specs = params.structs('NetworkInterface');
  return specs.find((spec) => spec.int('DeviceIndex') === 0) ?? specs[0];
}

function requiredInt(params: QueryParams, name: string): number {
  const value = params.int(name);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/** `SecurityGroup.N` names resolved to ids in the subnet's VPC. */
function groupIdsByName(model: Ec2Model, subnetId: string, names: readonly string[]): string[] {
  const vpcId = model.state.subnets.get(subnetId)?.vpcId;
  return names.map((name) => {
    const group = [...model.state.securityGroups.values()].find((g) => g.vpcId === vpcId && g.groupName === name);
    if (group === undefined) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${vpcId ?? ''}'`);
    return group.groupId;
  });
}

function tagsFor(params: QueryParams, resourceType: string): Tags {
  const tags: Tags = new Map();
  mergeTags(tags, tagSpecificationsFor(params.tagSpecifications(), resourceType).flatMap((spec) => spec.tags));
  return tags;
}

/**
 * RunInstances: `ImageId`, `InstanceType`, `MinCount`, `MaxCount`, `SubnetId`, `SecurityGroupId.N`,
 * `SecurityGroup.N`, `PrivateIpAddress`, `NetworkInterface.1.{SubnetId, SecurityGroupId.N,
 * PrivateIpAddress, AssociatePublicIpAddress}`, `TagSpecification.N` (instance, network-interface).
 */
function runInstancesAction({ model, params }: ActionContext): XmlObject {
  const imageId = params.required('ImageId');
  const nic = primaryInterfaceSpec(params);
  const subnetId = params.get('SubnetId') ?? nic?.get('SubnetId');
  if (subnetId === undefined || subnetId === '') throw missingParameter('SubnetId');
  const groupIds = [...params.list('SecurityGroupId'), ...(nic?.list('SecurityGroupId') ?? [])];
  groupIds.push(...groupIdsByName(model, subnetId, params.list('SecurityGroup')));
  const privateIpAddress = params.get('PrivateIpAddress') ?? nic?.get('PrivateIpAddress');
  const associatePublicIpAddress = nic?.bool('AssociatePublicIpAddress');
  assertTagSpecificationTypes(params.tagSpecifications(), RUN_INSTANCES_TAGGABLE);
  const clientToken = params.get('ClientToken');
  const reservation = runInstances(model, {
    imageId,
    instanceType: params.get('InstanceType') ?? 'm1.small',
    minCount: requiredInt(params, 'MinCount'),
    maxCount: requiredInt(params, 'MaxCount'),
    subnetId,
    groupIds,
    ...(privateIpAddress === undefined ? {} : { privateIpAddress }),
    ...(associatePublicIpAddress === undefined ? {} : { associatePublicIpAddress }),
    instanceTags: tagsFor(params, 'instance'),
    networkInterfaceTags: tagsFor(params, 'network-interface'),
    ...(clientToken === undefined ? {} : { clientToken }),
  });
  return reservationXml(model, reservation, 'pending');
}

/** DescribeInstances: `InstanceId.N`, `Filter.N`, `MaxResults` (5..1000, not with ids), `NextToken`. */
function describeInstancesAction({ model, params }: ActionContext): XmlObject {
  const instanceIds = params.list('InstanceId');
  if (instanceIds.length > 0 && params.get('MaxResults') !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const page = pageOf(params, describeInstances(model, { instanceIds, filters: params.filters() }));
  const reservations = new Map<string, Instance[]>();
  for (const instance of page.items) {
    const members = reservations.get(instance.reservationId) ?? [];
    members.push(instance);
    reservations.set(instance.reservationId, members);
  }
  return {
    reservationSet: [...reservations].map(([reservationId, instances]) => reservationXml(model, { reservationId, instances })),
    nextToken: page.nextToken,
  };
}

/** TerminateInstances: `InstanceId.N`; answers each instance's previous and current state. */
function terminateInstancesAction({ model, params }: ActionContext): XmlObject {
  const instanceIds = params.list('InstanceId');
  if (instanceIds.length === 0) throw missingParameter('InstanceId');
  return {
    instancesSet: terminateInstances(model, instanceIds).map((change) => ({
      instanceId: change.instanceId,
      currentState: instanceStateXml(change.currentState),
      previousState: instanceStateXml(change.previousState),
    })),
  };
}

/** The instance actions, by name. */
export const INSTANCE_ACTIONS: ActionTable = {
  RunInstances: runInstancesAction,
  DescribeInstances: describeInstancesAction,
  TerminateInstances: terminateInstancesAction,
};
