import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Ec2Model } from './model.ts';
import type { NetworkInterface, Subnet } from './state.ts';
import { associateRouteTable, createRouteTable } from './route-tables.ts';
import { createSubnet, deleteSubnet, describeSubnets, modifySubnetAttribute } from './subnets.ts';
import { associateVpcCidrBlock, createVpc } from './vpcs.ts';

function modelWithVpc(): { model: Ec2Model; vpcId: string } {
  const model = new Ec2Model({ seed: 3 });
  return { model, vpcId: createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId };
}

function addEni(model: Ec2Model, subnet: Subnet, addresses: string[], prefixes: string[] = []): NetworkInterface {
  const eni: NetworkInterface = {
    networkInterfaceId: model.newId('eni'),
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    macAddress: model.newMacAddress(),
    description: '',
    privateIps: addresses.map((address, index) => ({ address, primary: index === 0 })),
    ipv4Prefixes: prefixes,
    groupIds: [],
    sourceDestCheck: true,
    interfaceType: 'interface',
    tags: new Map(),
  };
  model.state.networkInterfaces.set(eni.networkInterfaceId, eni);
  return eni;
}

test('createSubnet() places a block of the VPC in the requested zone', () => {
  const { model, vpcId } = modelWithVpc();
  const byName = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-west-2b' });
  assert.match(byName.subnetId, /^subnet-0[0-9a-f]{16}$/);
  assert.equal(byName.availabilityZone, 'us-west-2b');
  assert.equal(byName.availabilityZoneId, 'usw2-az2');
  assert.equal(byName.mapPublicIpOnLaunch, false);
  const byId = createSubnet(model, { vpcId, cidrBlock: '10.0.2.0/24', availabilityZoneId: 'usw2-az3' });
  assert.equal(byId.availabilityZone, 'us-west-2c');
});

test('createSubnet() without a zone spreads subnets over the zones', () => {
  const { model, vpcId } = modelWithVpc();
  const zones = [0, 1, 2, 3, 4].map((i) => createSubnet(model, { vpcId, cidrBlock: `10.0.${i}.0/24` }).availabilityZone);
  assert.deepEqual(zones, ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d', 'us-west-2a']);
});

test('createSubnet() rejects blocks outside the VPC or of a bad size with InvalidSubnet.Range', () => {
  const { model, vpcId } = modelWithVpc();
  for (const cidr of ['10.1.0.0/24', '10.0.0.0/15', '10.0.0.0/29', '192.168.0.0/24']) {
    assert.throws(() => createSubnet(model, { vpcId, cidrBlock: cidr }), { code: 'InvalidSubnet.Range', message: `The CIDR '${cidr}' is invalid.` });
  }
  assert.throws(() => createSubnet(model, { vpcId, cidrBlock: '10.0.0.1/24' }), { code: 'InvalidParameterValue' });
  assert.equal(model.state.subnets.size, 0);
});

test('createSubnet() rejects a block that overlaps another subnet with InvalidSubnet.Conflict', () => {
  const { model, vpcId } = modelWithVpc();
  createSubnet(model, { vpcId, cidrBlock: '10.0.0.0/20' });
  assert.throws(() => createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24' }), {
    code: 'InvalidSubnet.Conflict',
    message: "The CIDR '10.0.1.0/24' conflicts with another subnet",
  });
});

test('createSubnet() accepts blocks of a secondary VPC CIDR', () => {
  const { model, vpcId } = modelWithVpc();
  associateVpcCidrBlock(model, { vpcId, cidrBlock: '100.64.0.0/16' });
  assert.equal(createSubnet(model, { vpcId, cidrBlock: '100.64.0.0/19' }).cidrBlock, '100.64.0.0/19');
});

test('createSubnet() rejects unknown zones and VPCs', () => {
  const { model, vpcId } = modelWithVpc();
  assert.throws(() => createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1a' }), {
    code: 'InvalidParameterValue',
    message: /Value \(us-east-1a\) for parameter availabilityZone is invalid/,
  });
  assert.throws(() => createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24', availabilityZoneId: 'usw2-az9' }), { code: 'InvalidParameterValue' });
  assert.throws(
    () => createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-west-2a', availabilityZoneId: 'usw2-az2' }),
    { code: 'InvalidParameterCombination' },
  );
  assert.throws(() => createSubnet(model, { vpcId: 'vpc-0404', cidrBlock: '10.0.1.0/24' }), { code: 'InvalidVpcID.NotFound' });
});

test('describeSubnets() filters by VPC, zone, CIDR, public-IP mapping, free addresses and tags', () => {
  const { model, vpcId } = modelWithVpc();
  const a = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-west-2a', tags: new Map([['tier', 'public']]) });
  const b = createSubnet(model, { vpcId, cidrBlock: '10.0.2.0/28', availabilityZone: 'us-west-2b' });
  modifySubnetAttribute(model, { subnetId: a.subnetId, mapPublicIpOnLaunch: true });
  const ids = (name: string, values: string[]): string[] => describeSubnets(model, { subnetIds: [], filters: [{ name, values }] }).map((s) => s.subnetId);
  assert.deepEqual(ids('vpc-id', [vpcId]), [a.subnetId, b.subnetId]);
  assert.deepEqual(ids('availability-zone', ['us-west-2b']), [b.subnetId]);
  assert.deepEqual(ids('availability-zone-id', ['usw2-az1']), [a.subnetId]);
  assert.deepEqual(ids('cidr-block', ['10.0.2.0/28']), [b.subnetId]);
  assert.deepEqual(ids('cidr', ['10.0.1.*']), [a.subnetId]);
  assert.deepEqual(ids('map-public-ip-on-launch', ['true']), [a.subnetId]);
  assert.deepEqual(ids('available-ip-address-count', ['11']), [b.subnetId]);
  assert.deepEqual(ids('tag:tier', ['public']), [a.subnetId]);
  assert.deepEqual(ids('default-for-az', ['false']).length, 2);
  assert.throws(() => ids('flavour', ['x']), { code: 'InvalidParameterValue', message: "The filter 'flavour' is invalid" });
  assert.throws(() => describeSubnets(model, { subnetIds: ['subnet-0404'], filters: [] }), {
    code: 'InvalidSubnetID.NotFound',
    message: "The subnet ID 'subnet-0404' does not exist",
  });
});

test('describeSubnets() sees the available-address count fall as ENIs take addresses', () => {
  const { model, vpcId } = modelWithVpc();
  const subnet = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24' });
  const before = describeSubnets(model, { subnetIds: [subnet.subnetId], filters: [{ name: 'available-ip-address-count', values: ['251'] }] });
  assert.equal(before.length, 1);
  addEni(model, subnet, ['10.0.1.10', '10.0.1.11'], ['10.0.1.32/28']);
  const after = describeSubnets(model, { subnetIds: [subnet.subnetId], filters: [{ name: 'available-ip-address-count', values: ['233'] }] });
  assert.equal(after.length, 1);
});

test('deleteSubnet() refuses a subnet with ENIs and drops the route table association of an empty one', () => {
  const { model, vpcId } = modelWithVpc();
  const subnet = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24' });
  const eni = addEni(model, subnet, ['10.0.1.10']);
  assert.throws(() => deleteSubnet(model, subnet.subnetId), { code: 'DependencyViolation' });
  model.state.networkInterfaces.delete(eni.networkInterfaceId);
  const table = createRouteTable(model, { vpcId });
  associateRouteTable(model, { routeTableId: table.routeTableId, subnetId: subnet.subnetId });
  deleteSubnet(model, subnet.subnetId);
  assert.equal(model.state.subnets.size, 0);
  assert.deepEqual(table.associations, []);
  assert.throws(() => modifySubnetAttribute(model, { subnetId: subnet.subnetId, mapPublicIpOnLaunch: true }), { code: 'InvalidSubnetID.NotFound' });
});
