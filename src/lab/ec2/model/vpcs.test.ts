import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Ec2Model } from './model.ts';
import type { ModelEvent } from './model.ts';
import { createSubnet } from './subnets.ts';
import { associateVpcCidrBlock, createVpc, deleteVpc, describeVpcs, getVpc } from './vpcs.ts';

function modelWithEvents(): { model: Ec2Model; events: ModelEvent[] } {
  const model = new Ec2Model({ seed: 7 });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  return { model, events };
}

test('createVpc() creates the VPC, its main route table and its default security group', () => {
  const { model, events } = modelWithEvents();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16', tags: new Map([['Name', 'lab']]) });
  assert.match(vpc.vpcId, /^vpc-0[0-9a-f]{16}$/);
  assert.equal(vpc.cidrBlocks[0]?.cidrBlock, '10.0.0.0/16');
  assert.match(vpc.cidrBlocks[0]?.associationId ?? '', /^vpc-cidr-assoc-/);
  assert.equal(vpc.tags.get('Name'), 'lab');
  const tables = [...model.state.routeTables.values()].filter((t) => t.vpcId === vpc.vpcId);
  assert.equal(tables.length, 1);
  assert.deepEqual(tables[0]?.routes, [{ destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', origin: 'CreateRouteTable' }]);
  assert.equal(tables[0]?.associations[0]?.main, true);
  const groups = [...model.state.securityGroups.values()].filter((g) => g.vpcId === vpc.vpcId);
  assert.equal(groups.length, 1);
  const group = groups[0]!;
  assert.equal(group.groupName, 'default');
  assert.deepEqual(group.ingress.map((r) => [r.ipProtocol, r.referencedGroupId]), [['-1', group.groupId]]);
  assert.deepEqual(group.egress.map((r) => [r.ipProtocol, r.cidrIpv4]), [['-1', '0.0.0.0/0']]);
  assert.ok(events.some((e) => e.type === 'vpc-changed' && e.vpcId === vpc.vpcId));
  assert.ok(events.some((e) => e.type === 'security-group-changed'));
});

test('createVpc() rejects blocks larger than /16 or smaller than /28 with InvalidVpc.Range', () => {
  const model = new Ec2Model();
  for (const cidr of ['10.0.0.0/8', '10.0.0.0/15', '10.0.0.0/29']) {
    assert.throws(() => createVpc(model, { cidrBlock: cidr }), { code: 'InvalidVpc.Range', message: `The CIDR '${cidr}' is invalid.` });
  }
  assert.throws(() => createVpc(model, { cidrBlock: '10.0.0.1/16' }), { code: 'InvalidParameterValue' });
  assert.throws(() => createVpc(model, { cidrBlock: 'banana' }), { code: 'InvalidParameterValue' });
  assert.equal(model.state.vpcs.size, 0);
  assert.equal(createVpc(model, { cidrBlock: '10.0.0.0/28' }).cidrBlocks[0]?.cidrBlock, '10.0.0.0/28');
});

test('createVpc() gives every VPC the same DHCP options set', () => {
  const model = new Ec2Model();
  const a = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  const b = createVpc(model, { cidrBlock: '10.1.0.0/16' });
  assert.match(a.dhcpOptionsId, /^dopt-/);
  assert.equal(a.dhcpOptionsId, b.dhcpOptionsId);
});

test('associateVpcCidrBlock() adds a secondary block and a local route to every route table', () => {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  const association = associateVpcCidrBlock(model, { vpcId: vpc.vpcId, cidrBlock: '100.64.0.0/16' });
  assert.equal(association.cidrBlock, '100.64.0.0/16');
  assert.equal(association.state, 'associated');
  assert.deepEqual(getVpc(model, vpc.vpcId).cidrBlocks.map((b) => b.cidrBlock), ['10.0.0.0/16', '100.64.0.0/16']);
  for (const table of model.state.routeTables.values()) {
    assert.deepEqual(table.routes.filter((r) => r.gatewayId === 'local').map((r) => r.destinationCidrBlock), ['10.0.0.0/16', '100.64.0.0/16']);
  }
});

test('associateVpcCidrBlock() rejects overlap with InvalidVpc.Range and a sixth block with CidrLimitExceeded', () => {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  assert.throws(() => associateVpcCidrBlock(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.128.0/17' }), { code: 'InvalidVpc.Range' });
  for (let i = 1; i <= 4; i++) associateVpcCidrBlock(model, { vpcId: vpc.vpcId, cidrBlock: `100.${64 + i}.0.0/16` });
  assert.throws(() => associateVpcCidrBlock(model, { vpcId: vpc.vpcId, cidrBlock: '100.80.0.0/16' }), { code: 'CidrLimitExceeded' });
  assert.throws(() => associateVpcCidrBlock(model, { vpcId: 'vpc-0000000000000000', cidrBlock: '100.80.0.0/16' }), {
    code: 'InvalidVpcID.NotFound',
    message: "The vpc ID 'vpc-0000000000000000' does not exist",
  });
});

test('deleteVpc() refuses a VPC with subnets and removes an empty one with its main table and default group', () => {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  const subnet = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.1.0/24' });
  assert.throws(() => deleteVpc(model, vpc.vpcId), { code: 'DependencyViolation' });
  model.state.subnets.delete(subnet.subnetId);
  deleteVpc(model, vpc.vpcId);
  assert.equal(model.state.vpcs.size, 0);
  assert.equal(model.state.routeTables.size, 0);
  assert.equal(model.state.securityGroups.size, 0);
  assert.throws(() => deleteVpc(model, vpc.vpcId), { code: 'InvalidVpcID.NotFound' });
});

test('describeVpcs() selects by id and by filters, and rejects unknown filters and ids', () => {
  const model = new Ec2Model();
  const a = createVpc(model, { cidrBlock: '10.0.0.0/16', tags: new Map([['team', 'net']]) });
  const b = createVpc(model, { cidrBlock: '10.1.0.0/16' });
  associateVpcCidrBlock(model, { vpcId: b.vpcId, cidrBlock: '100.64.0.0/16' });
  const ids = (filters: { name: string; values: string[] }[]): string[] => describeVpcs(model, { vpcIds: [], filters }).map((v) => v.vpcId);
  assert.deepEqual(describeVpcs(model, { vpcIds: [b.vpcId], filters: [] }).map((v) => v.vpcId), [b.vpcId]);
  assert.deepEqual(ids([{ name: 'cidr', values: ['10.0.0.0/16'] }]), [a.vpcId]);
  assert.deepEqual(ids([{ name: 'cidr-block-association.cidr-block', values: ['100.64.0.0/16'] }]), [b.vpcId]);
  assert.deepEqual(ids([{ name: 'tag:team', values: ['net'] }]), [a.vpcId]);
  assert.deepEqual(ids([{ name: 'tag-key', values: ['team'] }]), [a.vpcId]);
  assert.deepEqual(ids([{ name: 'state', values: ['available'] }, { name: 'is-default', values: ['false'] }]), [a.vpcId, b.vpcId]);
  assert.throws(() => ids([{ name: 'colour', values: ['blue'] }]), { code: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
  assert.throws(() => describeVpcs(model, { vpcIds: ['vpc-0123'], filters: [] }), { code: 'InvalidVpcID.NotFound' });
});
