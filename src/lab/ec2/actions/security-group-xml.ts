import type { XmlObject } from '../action.ts';
import type { Ec2Model } from '../model/model.ts';
import { tagsOfRule } from '../model/security-group-rules.ts';
import type { SecurityGroup, SecurityGroupRule } from '../model/state.ts';
import { tagSet } from './tag-actions.ts';

/**
 * The model keeps one rule per CIDR or referenced group; EC2 replies group rules that share protocol
 * and ports into one `IpPermission` with `ipRanges` and `groups` lists.
 */
export function ipPermissionsXml(model: Ec2Model, rules: readonly SecurityGroupRule[]): XmlObject[] {
  const permissions = new Map<string, { rules: SecurityGroupRule[]; first: SecurityGroupRule }>();
  for (const rule of rules) {
    const key = `${rule.ipProtocol}/${rule.fromPort ?? ''}/${rule.toPort ?? ''}`;
    const entry = permissions.get(key);
    if (entry === undefined) permissions.set(key, { rules: [rule], first: rule });
    else entry.rules.push(rule);
  }
  return [...permissions.values()].map(({ rules: members, first }) => ({
    ipProtocol: first.ipProtocol,
    fromPort: first.fromPort,
    toPort: first.toPort,
    ipRanges: members.flatMap((rule) => (rule.cidrIpv4 === undefined ? [] : [{ cidrIp: rule.cidrIpv4, description: rule.description }])),
    ipv6Ranges: [],
    prefixListIds: [],
    groups: members.flatMap((rule) =>
      rule.referencedGroupId === undefined
        ? []
        : [{ groupId: rule.referencedGroupId, userId: model.accountId, description: rule.description }],
    ),
  }));
}

/** A security group as the `securityGroupInfo` item of DescribeSecurityGroups. */
export function securityGroupXml(model: Ec2Model, group: SecurityGroup): XmlObject {
  return {
    ownerId: model.accountId,
    groupId: group.groupId,
    groupName: group.groupName,
    groupDescription: group.description,
    vpcId: group.vpcId,
    ipPermissions: ipPermissionsXml(model, group.ingress),
    ipPermissionsEgress: ipPermissionsXml(model, group.egress),
    tagSet: tagSet(group.tags),
  };
}

/** One rule as the `securityGroupRuleSet` item of Authorize replies (ports are -1 for all protocols). */
export function securityGroupRuleXml(model: Ec2Model, group: SecurityGroup, rule: SecurityGroupRule): XmlObject {
  return {
    securityGroupRuleId: rule.ruleId,
    groupId: group.groupId,
    groupOwnerId: model.accountId,
    isEgress: group.egress.includes(rule),
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort ?? -1,
    toPort: rule.toPort ?? -1,
    cidrIpv4: rule.cidrIpv4,
    referencedGroupInfo: rule.referencedGroupId === undefined ? undefined : { groupId: rule.referencedGroupId, userId: model.accountId },
    description: rule.description,
    tagSet: tagSet(tagsOfRule(rule)),
  };
}
