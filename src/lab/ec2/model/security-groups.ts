import type { Filter } from '../action.ts';
import { Ec2ApiError, invalidParameterValue } from '../errors.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import type { SecurityGroup, SecurityGroupRule, Tags } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';

/** The name of the group AWS creates with every VPC. */
export const DEFAULT_GROUP_NAME = 'default';
const MAX_NAME_LENGTH = 255;

/** What CreateSecurityGroup takes. */
export interface CreateSecurityGroupInput {
  readonly groupName: string;
  readonly description: string;
  /** Required here: the emulated account has no default VPC. */
  readonly vpcId?: string;
  readonly tags?: Tags;
}

/** The security group with this id, or `InvalidGroup.NotFound`. */
export function getSecurityGroup(model: Ec2Model, groupId: string): SecurityGroup {
  const group = model.state.securityGroups.get(groupId);
  if (group === undefined) throw resourceNotFound('security-group', groupId);
  return group;
}

/** The group with this name in the VPC (or in any VPC when `vpcId` is undefined), if any. */
export function findSecurityGroupByName(model: Ec2Model, groupName: string, vpcId?: string): SecurityGroup | undefined {
  for (const group of model.state.securityGroups.values()) {
    if (group.groupName === groupName && (vpcId === undefined || group.vpcId === vpcId)) return group;
  }
  return undefined;
}

/** The rule AWS gives every new group: all traffic to anywhere. */
export function allowAllEgressRule(model: Ec2Model): SecurityGroupRule {
  return { ruleId: model.newId('sgr'), ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' };
}

/**
 * The VPC's `default` group, as CreateVpc makes it: all egress, and all ingress from members of the
 * group itself.
 */
export function createDefaultSecurityGroup(model: Ec2Model, vpcId: string): SecurityGroup {
  const groupId = model.newId('sg');
  const group: SecurityGroup = {
    groupId,
    groupName: DEFAULT_GROUP_NAME,
    description: 'default VPC security group',
    vpcId,
    ingress: [{ ruleId: model.newId('sgr'), ipProtocol: '-1', referencedGroupId: groupId }],
    egress: [allowAllEgressRule(model)],
    tags: new Map(),
  };
  model.state.securityGroups.set(groupId, group);
  model.emit({ type: 'security-group-changed', groupId });
  return group;
}

/**
 * CreateSecurityGroup: a name unique in its VPC (`InvalidGroup.Duplicate`), not `default` and not
 * `sg-*`; a new group allows all egress and no ingress.
 */
export function createSecurityGroup(model: Ec2Model, input: CreateSecurityGroupInput): SecurityGroup {
  checkGroupText(input);
  if (input.vpcId === undefined) throw new Ec2ApiError('VPCIdNotSpecified', 'No default VPC for this user');
  const vpcId = input.vpcId;
  if (!model.state.vpcs.has(vpcId)) throw resourceNotFound('vpc', vpcId);
  if (findSecurityGroupByName(model, input.groupName, vpcId) !== undefined) {
    throw new Ec2ApiError('InvalidGroup.Duplicate', `The security group '${input.groupName}' already exists for VPC '${vpcId}'`);
  }
  const group: SecurityGroup = {
    groupId: model.newId('sg'),
    groupName: input.groupName,
    description: input.description,
    vpcId,
    ingress: [],
    egress: [allowAllEgressRule(model)],
    tags: new Map(input.tags),
  };
  model.state.securityGroups.set(group.groupId, group);
  model.emit({ type: 'security-group-changed', groupId: group.groupId });
  return group;
}

function checkGroupText(input: CreateSecurityGroupInput): void {
  if (input.groupName === DEFAULT_GROUP_NAME) {
    throw new Ec2ApiError('InvalidGroup.Reserved', `The security group '${DEFAULT_GROUP_NAME}' is reserved`);
  }
  if (input.groupName.startsWith('sg-')) {
    throw invalidParameterValue('GroupName', input.groupName, 'Group names may not be in the format sg-*.');
  }
  if (input.groupName.length > MAX_NAME_LENGTH) {
    throw invalidParameterValue('GroupName', input.groupName, `It must be at most ${MAX_NAME_LENGTH} characters.`);
  }
  if (input.description.length > MAX_NAME_LENGTH) {
    throw invalidParameterValue('GroupDescription', input.description, `It must be at most ${MAX_NAME_LENGTH} characters.`);
  }
}

/** The group named by id, else by name (in any VPC); `InvalidGroup.NotFound` when there is none. */
export function resolveSecurityGroup(model: Ec2Model, ref: { groupId?: string; groupName?: string }): SecurityGroup {
  if (ref.groupId !== undefined) return getSecurityGroup(model, ref.groupId);
  if (ref.groupName === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter groupName or groupId');
  const group = findSecurityGroupByName(model, ref.groupName);
  if (group === undefined) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${ref.groupName}' does not exist`);
  return group;
}

/**
 * DeleteSecurityGroup: the `default` group is `CannotDelete`; a group still used by a network
 * interface or referenced by another group's rule is `DependencyViolation`.
 */
export function deleteSecurityGroup(model: Ec2Model, ref: { groupId?: string; groupName?: string }): SecurityGroup {
  const group = resolveSecurityGroup(model, ref);
  if (group.groupName === DEFAULT_GROUP_NAME) {
    throw new Ec2ApiError('CannotDelete', `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`);
  }
  const usedByEni = [...model.state.networkInterfaces.values()].some((eni) => eni.groupIds.includes(group.groupId));
  const referenced = [...model.state.securityGroups.values()].some(
    (other) => other.groupId !== group.groupId && [...other.ingress, ...other.egress].some((r) => r.referencedGroupId === group.groupId),
  );
  if (usedByEni || referenced) {
    throw new Ec2ApiError('DependencyViolation', `resource ${group.groupId} has a dependent object`);
  }
  model.state.securityGroups.delete(group.groupId);
  model.emit({ type: 'security-group-changed', groupId: group.groupId });
  return group;
}

/** DescribeSecurityGroups: the groups named by id or name (each must exist), or all, that pass the filters. */
export function describeSecurityGroups(
  model: Ec2Model,
  request: { groupIds: readonly string[]; groupNames: readonly string[]; filters: readonly Filter[] },
): SecurityGroup[] {
  const named = [
    ...request.groupIds.map((groupId) => getSecurityGroup(model, groupId)),
    ...request.groupNames.map((groupName) => resolveSecurityGroup(model, { groupName })),
  ];
  const groups = named.length > 0 ? [...new Set(named)] : [...model.state.securityGroups.values()];
  const valuesOf = (group: SecurityGroup, name: string): readonly string[] | undefined => groupFilterValues(model, group, name);
  return groups.filter((group) => matchesFilters(group, request.filters, valuesOf, unknownFilter));
}

function groupFilterValues(model: Ec2Model, group: SecurityGroup, name: string): readonly string[] | undefined {
  const egress = name.startsWith('egress.');
  const rules = egress ? group.egress : group.ingress;
  switch (egress ? name.slice('egress.'.length) : name) {
    case 'vpc-id':
      return egress ? undefined : [group.vpcId];
    case 'group-id':
      return egress ? undefined : [group.groupId];
    case 'group-name':
      return egress ? undefined : [group.groupName];
    case 'description':
      return egress ? undefined : [group.description];
    case 'owner-id':
      return egress ? undefined : [model.accountId];
    case 'ip-permission.protocol':
      return rules.map((rule) => rule.ipProtocol);
    case 'ip-permission.from-port':
      return rules.flatMap((rule) => (rule.fromPort === undefined ? [] : [String(rule.fromPort)]));
    case 'ip-permission.to-port':
      return rules.flatMap((rule) => (rule.toPort === undefined ? [] : [String(rule.toPort)]));
    case 'ip-permission.cidr':
      return rules.flatMap((rule) => (rule.cidrIpv4 === undefined ? [] : [rule.cidrIpv4]));
    case 'ip-permission.group-id':
      return rules.flatMap((rule) => (rule.referencedGroupId === undefined ? [] : [rule.referencedGroupId]));
    default:
      return egress ? undefined : tagFilterValues(group.tags, name);
  }
}
