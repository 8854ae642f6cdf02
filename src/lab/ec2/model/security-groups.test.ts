import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Ec2Model } from './model.ts';
import type { ModelEvent } from './model.ts';
import { authorizeSecurityGroupRules } from './security-group-rules.ts';
import { createSecurityGroup, deleteSecurityGroup, describeSecurityGroups, findSecurityGroupByName } from './security-groups.ts';
import type { NetworkInterface } from './state.ts';
import { createVpc } from './vpcs.ts';

function modelWithVpc(): { model: Ec2Model; vpcId: string; events: ModelEvent[] } {
  const model = new Ec2Model({ seed: 11 });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  return { model, vpcId: createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId, events };
}

test('createSecurityGroup() makes a group with the default allow-all egress rule and no ingress', () => {
  const { model, vpcId, events } = modelWithVpc();
  const group = createSecurityGroup(model, { groupName: 'web', description: 'web servers', vpcId, tags: new Map([['tier', 'web']]) });
  assert.match(group.groupId, /^sg-0[0-9a-f]{16}$/);
  assert.deepEqual(group.ingress, []);
  assert.equal(group.egress.length, 1);
  assert.match(group.egress[0]?.ruleId ?? '', /^sgr-0[0-9a-f]{16}$/);
  assert.equal(group.egress[0]?.ipProtocol, '-1');
  assert.equal(group.egress[0]?.cidrIpv4, '0.0.0.0/0');
  assert.equal(group.tags.get('tier'), 'web');
  assert.deepEqual(events.at(-1), { type: 'security-group-changed', groupId: group.groupId });
});

test('createSecurityGroup() rejects a name already used in the VPC with InvalidGroup.Duplicate', () => {
  const { model, vpcId } = modelWithVpc();
  createSecurityGroup(model, { groupName: 'web', description: 'd', vpcId });
  assert.throws(() => createSecurityGroup(model, { groupName: 'web', description: 'd', vpcId }), {
    code: 'InvalidGroup.Duplicate',
    message: `The security group 'web' already exists for VPC '${vpcId}'`,
  });
  const other = createVpc(model, { cidrBlock: '10.1.0.0/16' }).vpcId;
  assert.equal(createSecurityGroup(model, { groupName: 'web', description: 'd', vpcId: other }).vpcId, other);
});

test('createSecurityGroup() rejects reserved names, sg-* names, missing and unknown VPCs', () => {
  const { model, vpcId } = modelWithVpc();
  assert.throws(() => createSecurityGroup(model, { groupName: 'default', description: 'd', vpcId }), { code: 'InvalidGroup.Reserved' });
  assert.throws(() => createSecurityGroup(model, { groupName: 'sg-123', description: 'd', vpcId }), { code: 'InvalidParameterValue' });
  assert.throws(() => createSecurityGroup(model, { groupName: 'x', description: 'd' }), { code: 'VPCIdNotSpecified' });
  assert.throws(() => createSecurityGroup(model, { groupName: 'x', description: 'd', vpcId: 'vpc-0404' }), { code: 'InvalidVpcID.NotFound' });
});

test('deleteSecurityGroup() refuses the default group, groups in use and referenced groups', () => {
  const { model, vpcId } = modelWithVpc();
  const defaultGroup = findSecurityGroupByName(model, 'default', vpcId)!;
  assert.throws(() => deleteSecurityGroup(model, { groupId: defaultGroup.groupId }), { code: 'CannotDelete' });
  const web = createSecurityGroup(model, { groupName: 'web', description: 'd', vpcId });
  const db = createSecurityGroup(model, { groupName: 'db', description: 'd', vpcId });
  authorizeSecurityGroupRules(model, {
    groupId: db.groupId,
    direction: 'ingress',
    permissions: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, ipRanges: [], groups: [{ groupId: web.groupId }] }],
  });
  assert.throws(() => deleteSecurityGroup(model, { groupId: web.groupId }), { code: 'DependencyViolation' });
  const eni: NetworkInterface = {
    networkInterfaceId: 'eni-01',
    subnetId: 'subnet-01',
    vpcId,
    availabilityZone: 'us-west-2a',
    macAddress: '02:00:00:00:00:01',
    description: '',
    privateIps: [{ address: '10.0.0.10', primary: true }],
    ipv4Prefixes: [],
    groupIds: [db.groupId],
    sourceDestCheck: true,
    interfaceType: 'interface',
    tags: new Map(),
  };
  model.state.networkInterfaces.set(eni.networkInterfaceId, eni);
  assert.throws(() => deleteSecurityGroup(model, { groupName: 'db' }), { code: 'DependencyViolation' });
  model.state.networkInterfaces.clear();
  deleteSecurityGroup(model, { groupName: 'db' });
  deleteSecurityGroup(model, { groupId: web.groupId });
  assert.throws(() => deleteSecurityGroup(model, { groupId: web.groupId }), {
    code: 'InvalidGroup.NotFound',
    message: `The security group '${web.groupId}' does not exist`,
  });
});

test('describeSecurityGroups() selects by id, name and filters', () => {
  const { model, vpcId } = modelWithVpc();
  const web = createSecurityGroup(model, { groupName: 'web', description: 'web servers', vpcId, tags: new Map([['tier', 'web']]) });
  authorizeSecurityGroupRules(model, {
    groupId: web.groupId,
    direction: 'ingress',
    permissions: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
  });
  const names = (filters: { name: string; values: string[] }[]): string[] =>
    describeSecurityGroups(model, { groupIds: [], groupNames: [], filters }).map((g) => g.groupName);
  assert.deepEqual(names([{ name: 'vpc-id', values: [vpcId] }]), ['default', 'web']);
  assert.deepEqual(names([{ name: 'group-name', values: ['web'] }]), ['web']);
  assert.deepEqual(names([{ name: 'group-id', values: [web.groupId] }]), ['web']);
  assert.deepEqual(names([{ name: 'tag:tier', values: ['web'] }]), ['web']);
  assert.deepEqual(names([{ name: 'ip-permission.from-port', values: ['443'] }]), ['web']);
  assert.deepEqual(names([{ name: 'egress.ip-permission.cidr', values: ['0.0.0.0/0'] }]), ['default', 'web']);
  assert.deepEqual(describeSecurityGroups(model, { groupIds: [], groupNames: ['web'], filters: [] }).map((g) => g.groupId), [web.groupId]);
  assert.throws(() => names([{ name: 'egress.vpc-id', values: [vpcId] }]), { code: 'InvalidParameterValue' });
  assert.throws(() => describeSecurityGroups(model, { groupIds: ['sg-0404'], groupNames: [], filters: [] }), { code: 'InvalidGroup.NotFound' });
  assert.throws(() => describeSecurityGroups(model, { groupIds: [], groupNames: ['nope'], filters: [] }), { code: 'InvalidGroup.NotFound' });
});
