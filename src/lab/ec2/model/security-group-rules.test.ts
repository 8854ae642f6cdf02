import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Ec2Model } from './model.ts';
import type { ModelEvent } from './model.ts';
import type { IpPermissionInput } from './security-group-rules.ts';
import { authorizeSecurityGroupRules, normalizeProtocol, revokeSecurityGroupRules, tagsOfRule } from './security-group-rules.ts';
import { createSecurityGroup } from './security-groups.ts';
import type { SecurityGroup, SecurityGroupRule } from './state.ts';
import { createVpc } from './vpcs.ts';

function groupInVpc(): { model: Ec2Model; group: SecurityGroup; events: ModelEvent[] } {
  const model = new Ec2Model({ seed: 13 });
  const vpcId = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  const group = createSecurityGroup(model, { groupName: 'web', description: 'd', vpcId });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  return { model, group, events };
}

const ssh: IpPermissionInput = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'admins' }], groups: [] };

test('authorizeSecurityGroupRules() stores one explicit rule per CIDR and per group, each with an sgr id', () => {
  const { model, group, events } = groupInVpc();
  const rules = authorizeSecurityGroupRules(model, {
    groupId: group.groupId,
    direction: 'ingress',
    permissions: [
      { ipProtocol: 'TCP', fromPort: 80, toPort: 81, ipRanges: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '192.168.0.0/16' }], groups: [{ groupId: group.groupId }] },
    ],
    tags: new Map([['Name', 'http']]),
  });
  assert.equal(rules.length, 3);
  assert.deepEqual(
    group.ingress.map((r) => ({ p: r.ipProtocol, f: r.fromPort, t: r.toPort, c: r.cidrIpv4, g: r.referencedGroupId })),
    [
      { p: 'tcp', f: 80, t: 81, c: '0.0.0.0/0', g: undefined },
      { p: 'tcp', f: 80, t: 81, c: '192.168.0.0/16', g: undefined },
      { p: 'tcp', f: 80, t: 81, c: undefined, g: group.groupId },
    ],
  );
  assert.equal(new Set(rules.map((r) => r.ruleId)).size, 3);
  assert.equal(tagsOfRule(rules[0]!).get('Name'), 'http');
  assert.deepEqual(events, [{ type: 'security-group-changed', groupId: group.groupId }]);
});

test('authorizeSecurityGroupRules() rejects a rule the group has with InvalidPermission.Duplicate and adds nothing', () => {
  const { model, group } = groupInVpc();
  authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [ssh] });
  const again = { ...ssh, ipRanges: [{ cidrIp: '172.16.0.0/12' }, { cidrIp: '10.0.0.0/8' }] };
  assert.throws(() => authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [again] }), {
    code: 'InvalidPermission.Duplicate',
    message: 'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists',
  });
  assert.equal(group.ingress.length, 1);
  const allEgress: IpPermissionInput = { ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] };
  assert.throws(() => authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'egress', permissions: [allEgress] }), {
    code: 'InvalidPermission.Duplicate',
  });
});

test('authorizeSecurityGroupRules() validates protocols, ports, CIDRs and referenced groups', () => {
  const { model, group } = groupInVpc();
  const attempt = (permission: IpPermissionInput): SecurityGroupRule[] =>
    authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [permission] });
  assert.throws(() => attempt({ ...ssh, ipProtocol: 'bogus' }), { code: 'InvalidParameterValue' });
  assert.throws(() => attempt({ ...ssh, fromPort: undefined }), { code: 'InvalidParameterValue' });
  assert.throws(() => attempt({ ...ssh, fromPort: 30, toPort: 20 }), { code: 'InvalidParameterValue' });
  assert.throws(() => attempt({ ...ssh, ipRanges: [{ cidrIp: '10.0.0.1/8' }] }), { code: 'InvalidParameterValue' });
  assert.throws(() => attempt({ ...ssh, ipRanges: [], groups: [{ groupId: 'sg-0404' }] }), { code: 'InvalidGroup.NotFound' });
  assert.throws(() => attempt({ ...ssh, ipRanges: [] }), { code: 'MissingParameter' });
  assert.throws(
    () => authorizeSecurityGroupRules(model, { groupId: 'sg-0404', direction: 'ingress', permissions: [ssh] }),
    { code: 'InvalidGroup.NotFound' },
  );
  const icmp = attempt({ ipProtocol: 'icmp', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] });
  assert.equal(icmp[0]?.fromPort, -1);
  const all = attempt({ ipProtocol: 'all', fromPort: 1, toPort: 2, ipRanges: [{ cidrIp: '10.0.0.0/8' }], groups: [] });
  assert.equal(all[0]?.fromPort, undefined);
});

test('normalizeProtocol() stores protocols as AWS does', () => {
  assert.equal(normalizeProtocol('6'), 'tcp');
  assert.equal(normalizeProtocol('UDP'), 'udp');
  assert.equal(normalizeProtocol('1'), 'icmp');
  assert.equal(normalizeProtocol('all'), '-1');
  assert.equal(normalizeProtocol('47'), '47');
  assert.throws(() => normalizeProtocol('256'), { code: 'InvalidParameterValue' });
});

test('revokeSecurityGroupRules() removes matching rules, by content or by id', () => {
  const { model, group } = groupInVpc();
  const [rule] = authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [ssh] });
  revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [{ ...ssh, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }] });
  assert.deepEqual(group.ingress, []);
  const [again] = authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [ssh] });
  assert.notEqual(again?.ruleId, rule?.ruleId);
  revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [], ruleIds: [again!.ruleId] });
  assert.deepEqual(group.ingress, []);
  revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'egress', permissions: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }] });
  assert.deepEqual(group.egress, []);
});

test('revokeSecurityGroupRules() rejects a rule the group lacks with InvalidPermission.NotFound and removes nothing', () => {
  const { model, group } = groupInVpc();
  authorizeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [ssh] });
  const mixed = { ...ssh, ipRanges: [{ cidrIp: '10.0.0.0/8' }, { cidrIp: '11.0.0.0/8' }] };
  assert.throws(() => revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [mixed] }), {
    code: 'InvalidPermission.NotFound',
  });
  assert.equal(group.ingress.length, 1);
  assert.throws(() => revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'egress', permissions: [ssh] }), {
    code: 'InvalidPermission.NotFound',
  });
  assert.throws(() => revokeSecurityGroupRules(model, { groupId: group.groupId, direction: 'ingress', permissions: [], ruleIds: ['sgr-0404'] }), {
    code: 'InvalidSecurityGroupRuleId.NotFound',
  });
});
