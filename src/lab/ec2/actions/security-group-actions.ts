import type { ActionContext, ActionTable, QueryParams, XmlObject } from '../action.ts';
import { missingParameter } from '../errors.ts';
import type { IpPermissionInput, RuleDirection } from '../model/security-group-rules.ts';
import { authorizeSecurityGroupRules, revokeSecurityGroupRules } from '../model/security-group-rules.ts';
import {
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  getSecurityGroup,
  resolveSecurityGroup,
} from '../model/security-groups.ts';
import type { SecurityGroup } from '../model/state.ts';
import { securityGroupRuleXml, securityGroupXml } from './security-group-xml.ts';
import { pageOf, tagSet, tagsFromSpecifications } from './tag-actions.ts';

/** CreateSecurityGroup: `GroupName`, `GroupDescription`, `VpcId`, `TagSpecification.N`. */
function createSecurityGroupAction({ model, params }: ActionContext): XmlObject {
  const groupName = params.required('GroupName');
  const description = params.required('GroupDescription');
  const vpcId = params.get('VpcId');
  const tags = tagsFromSpecifications(model, params, 'security-group');
  const group = createSecurityGroup(model, { groupName, description, tags, ...(vpcId === undefined ? {} : { vpcId }) });
  return { return: true, groupId: group.groupId, tagSet: tagSet(group.tags) };
}

/** DescribeSecurityGroups: `GroupId.N`, `GroupName.N`, `Filter.N`, `MaxResults` (5..1000), `NextToken`. */
function describeSecurityGroupsAction({ model, params }: ActionContext): XmlObject {
  const groups = describeSecurityGroups(model, {
    groupIds: params.list('GroupId'),
    groupNames: params.list('GroupName'),
    filters: params.filters(),
  });
  const page = pageOf(params, groups);
  return { securityGroupInfo: page.items.map((group) => securityGroupXml(model, group)), nextToken: page.nextToken };
}

/** DeleteSecurityGroup: `GroupId` or `GroupName`. */
function deleteSecurityGroupAction({ model, params }: ActionContext): XmlObject {
  const group = deleteSecurityGroup(model, groupRef(params));
  return { return: true, groupId: group.groupId };
}

function groupRef(params: QueryParams): { groupId?: string; groupName?: string } {
  const groupId = params.get('GroupId');
  const groupName = params.get('GroupName');
  if (groupId === undefined && groupName === undefined) throw missingParameter('GroupId');
  return { ...(groupId === undefined ? {} : { groupId }), ...(groupName === undefined ? {} : { groupName }) };
}

/** `IpPermissions.N...`, plus the legacy flat `IpProtocol`/`FromPort`/`ToPort`/`CidrIp`/`SourceSecurityGroupName`. */
function permissionsOf(params: QueryParams): IpPermissionInput[] {
  const permissions: IpPermissionInput[] = params.structs('IpPermissions').map((permission) => ({
    ipProtocol: permission.required('IpProtocol'),
    fromPort: permission.int('FromPort'),
    toPort: permission.int('ToPort'),
    ipRanges: permission.structs('IpRanges').map((range) => ({ cidrIp: range.required('CidrIp'), description: range.get('Description') })),
    groups: permission.structs('Groups').map((pair) => ({
      groupId: pair.get('GroupId'),
      groupName: pair.get('GroupName'),
      description: pair.get('Description'),
    })),
  }));
  const cidrIp = params.get('CidrIp');
  const sourceGroupName = params.get('SourceSecurityGroupName');
  if (cidrIp !== undefined || sourceGroupName !== undefined || params.get('IpProtocol') !== undefined) {
    permissions.push({
      ipProtocol: sourceGroupName !== undefined && cidrIp === undefined ? (params.get('IpProtocol') ?? '-1') : params.required('IpProtocol'),
      fromPort: params.int('FromPort'),
      toPort: params.int('ToPort'),
      ipRanges: cidrIp === undefined ? [] : [{ cidrIp }],
      groups: sourceGroupName === undefined ? [] : [{ groupName: sourceGroupName }],
    });
  }
  return permissions;
}

function targetGroup(context: ActionContext, direction: RuleDirection): SecurityGroup {
  const { model, params } = context;
  if (direction === 'egress') return getSecurityGroup(model, params.required('GroupId'));
  return resolveSecurityGroup(model, groupRef(params));
}

function authorize(direction: RuleDirection): (context: ActionContext) => XmlObject {
  return (context) => {
    const { model, params } = context;
    const group = targetGroup(context, direction);
    const permissions = permissionsOf(params);
    if (permissions.length === 0) throw missingParameter('IpPermissions');
    const tags = tagsFromSpecifications(model, params, 'security-group-rule');
    const rules = authorizeSecurityGroupRules(model, { groupId: group.groupId, direction, permissions, tags });
    return { return: true, securityGroupRuleSet: rules.map((rule) => securityGroupRuleXml(model, group, rule)) };
  };
}

function revoke(direction: RuleDirection): (context: ActionContext) => XmlObject {
  return (context) => {
    const { model, params } = context;
    const group = targetGroup(context, direction);
    const permissions = permissionsOf(params);
    const ruleIds = params.list('SecurityGroupRuleId');
    if (permissions.length === 0 && ruleIds.length === 0) throw missingParameter('IpPermissions');
    revokeSecurityGroupRules(model, { groupId: group.groupId, direction, permissions, ruleIds });
    return { return: true };
  };
}

/** The security group actions, by name. */
export const SECURITY_GROUP_ACTIONS: ActionTable = {
  CreateSecurityGroup: createSecurityGroupAction,
  DescribeSecurityGroups: describeSecurityGroupsAction,
  DeleteSecurityGroup: deleteSecurityGroupAction,
  AuthorizeSecurityGroupIngress: authorize('ingress'),
  AuthorizeSecurityGroupEgress: authorize('egress'),
  RevokeSecurityGroupIngress: revoke('ingress'),
  RevokeSecurityGroupEgress: revoke('egress'),
};
