import { formatCidr, parseCidr } from '../../../core/ip/index.ts';
import { Ec2ApiError } from '../errors.ts';
import type { Ec2Model } from './model.ts';
import { findSecurityGroupByName, getSecurityGroup } from './security-groups.ts';
import type { SecurityGroup, SecurityGroupRule, Tags } from './state.ts';

/** Which list of a group a rule belongs to. */
export type RuleDirection = 'ingress' | 'egress';

/** One `IpPermissions.N` of an Authorize/Revoke request, before validation. */
export interface IpPermissionInput {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly ipRanges: readonly { readonly cidrIp: string; readonly description?: string }[];
  readonly groups: readonly { readonly groupId?: string; readonly groupName?: string; readonly description?: string }[];
}

/** What AuthorizeSecurityGroupIngress/Egress take. */
export interface AuthorizeRulesInput {
  readonly groupId: string;
  readonly direction: RuleDirection;
  readonly permissions: readonly IpPermissionInput[];
  /** Tags for every new rule (`TagSpecification` of type `security-group-rule`). */
  readonly tags?: Tags;
}

/** What RevokeSecurityGroupIngress/Egress take: rules by content, or by `sgr-` id. */
export interface RevokeRulesInput {
  readonly groupId: string;
  readonly direction: RuleDirection;
  readonly permissions: readonly IpPermissionInput[];
  readonly ruleIds?: readonly string[];
}

type RuleContent = Omit<SecurityGroupRule, 'ruleId'>;

const ruleTags = new WeakMap<SecurityGroupRule, Tags>();

/** The tags of a security group rule (the state record has no place for them). */
export function tagsOfRule(rule: SecurityGroupRule): Tags {
  let tags = ruleTags.get(rule);
  if (tags === undefined) {
    tags = new Map();
    ruleTags.set(rule, tags);
  }
  return tags;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

/** `tcp`, `udp`, `icmp`, `-1` (all) or another protocol number, as AWS stores it. */
export function normalizeProtocol(text: string): string {
  const lower = text.toLowerCase();
  const named = PROTOCOL_NAMES[lower] ?? lower;
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(named)) return named;
  if (/^\d{1,3}$/.test(named) && Number(named) <= 255) return String(Number(named));
  throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${text}' for IP protocol. Unknown protocol.`);
}

/** The port range AWS keeps: none for all protocols, types/codes for ICMP, 0..65535 for TCP/UDP. */
function portsOf(protocol: string, permission: IpPermissionInput): { fromPort?: number; toPort?: number } {
  const { fromPort, toPort } = permission;
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined) {
      throw new Ec2ApiError('InvalidParameterValue', "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
    }
    if (fromPort < 0 || toPort > 65535 || fromPort > toPort) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid port range: from port ${fromPort}, to port ${toPort}. Ports must be 0-65535 with from <= to.`);
    }
    return { fromPort, toPort };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') return { fromPort: fromPort ?? -1, toPort: toPort ?? -1 };
  return {};
}

/** The rules one permission stands for: one per CIDR range and one per referenced group. */
function expandPermission(model: Ec2Model, group: SecurityGroup, permission: IpPermissionInput): RuleContent[] {
  const ipProtocol = normalizeProtocol(permission.ipProtocol);
  const ports = portsOf(ipProtocol, permission);
  if (permission.ipRanges.length === 0 && permission.groups.length === 0) {
    throw new Ec2ApiError('MissingParameter', 'The request must contain at least one CIDR range (IpRanges) or source group (Groups)');
  }
  const byCidr = permission.ipRanges.map((range) => ({
    ipProtocol,
    ...ports,
    cidrIpv4: ruleCidr(range.cidrIp),
    ...(range.description === undefined ? {} : { description: range.description }),
  }));
  const byGroup = permission.groups.map((pair) => ({
    ipProtocol,
    ...ports,
    referencedGroupId: referencedGroupId(model, group, pair),
    ...(pair.description === undefined ? {} : { description: pair.description }),
  }));
  return [...byCidr, ...byGroup];
}

function ruleCidr(text: string): string {
  try {
    return formatCidr(parseCidr(text));
  } catch {
    throw new Ec2ApiError('InvalidParameterValue', `CIDR block ${text} is malformed`);
  }
}

function referencedGroupId(model: Ec2Model, group: SecurityGroup, pair: IpPermissionInput['groups'][number]): string {
  if (pair.groupId !== undefined) return getSecurityGroup(model, pair.groupId).groupId;
  if (pair.groupName === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter groupId');
  const found = findSecurityGroupByName(model, pair.groupName, group.vpcId);
  if (found === undefined) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${pair.groupName}' does not exist`);
  return found.groupId;
}

/** True when two rules allow the same traffic (descriptions and ids do not count). */
export function sameRule(a: RuleContent, b: RuleContent): boolean {
  return (
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.referencedGroupId === b.referencedGroupId
  );
}

/** AWS's text for a rule in `InvalidPermission.Duplicate`. */
function describeRule(rule: RuleContent): string {
  const peer = rule.cidrIpv4 ?? rule.referencedGroupId ?? '';
  const protocol = rule.ipProtocol === '-1' ? 'ALL' : rule.ipProtocol.toUpperCase();
  return `peer: ${peer}, ${protocol}, from port: ${rule.fromPort ?? -1}, to port: ${rule.toPort ?? -1}, ALLOW`;
}

/**
 * AuthorizeSecurityGroupIngress/Egress: adds one rule per CIDR and per referenced group, each with
 * its own `sgr-` id. A rule the group already has (or the request repeats) is
 * `InvalidPermission.Duplicate`, and then nothing is added.
 */
export function authorizeSecurityGroupRules(model: Ec2Model, input: AuthorizeRulesInput): SecurityGroupRule[] {
  const group = getSecurityGroup(model, input.groupId);
  const rules = group[input.direction];
  const contents = input.permissions.flatMap((permission) => expandPermission(model, group, permission));
  contents.forEach((content, index) => {
    const repeated = contents.slice(0, index).some((earlier) => sameRule(earlier, content));
    if (repeated || rules.some((rule) => sameRule(rule, content))) {
      throw new Ec2ApiError('InvalidPermission.Duplicate', `the specified rule "${describeRule(content)}" already exists`);
    }
  });
  const added = contents.map((content) => ({ ruleId: model.newId('sgr'), ...content }));
  for (const rule of added) {
    if (input.tags !== undefined) for (const [key, value] of input.tags) tagsOfRule(rule).set(key, value);
    rules.push(rule);
  }
  model.emit({ type: 'security-group-changed', groupId: group.groupId });
  return added;
}

/**
 * RevokeSecurityGroupIngress/Egress: removes the matching rules. A rule the group does not have is
 * `InvalidPermission.NotFound`, an unknown rule id `InvalidSecurityGroupRuleId.NotFound`; then
 * nothing is removed.
 */
export function revokeSecurityGroupRules(model: Ec2Model, input: RevokeRulesInput): SecurityGroupRule[] {
  const group = getSecurityGroup(model, input.groupId);
  const rules = group[input.direction];
  const doomed = new Set<SecurityGroupRule>();
  for (const content of input.permissions.flatMap((permission) => expandPermission(model, group, permission))) {
    const rule = rules.find((candidate) => sameRule(candidate, content));
    if (rule === undefined) {
      throw new Ec2ApiError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
    doomed.add(rule);
  }
  for (const ruleId of input.ruleIds ?? []) {
    const rule = rules.find((candidate) => candidate.ruleId === ruleId);
    if (rule === undefined) {
      throw new Ec2ApiError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${ruleId}' does not exist`);
    }
    doomed.add(rule);
  }
  const kept = rules.filter((rule) => !doomed.has(rule));
  rules.splice(0, rules.length, ...kept);
  model.emit({ type: 'security-group-changed', groupId: group.groupId });
  return [...doomed];
}
