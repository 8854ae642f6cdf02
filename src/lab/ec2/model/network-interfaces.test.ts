import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subnetAvailableCount } from './addresses.ts';
import { eniStatus } from './eni-lookup.ts';
import type { ModelEvent } from './model.ts';
import { modifyNetworkInterfaceAttribute } from './network-interface-attributes.ts';
import { createNetworkInterface, deleteNetworkInterface } from './network-interfaces.ts';
import { addSecurityGroup, addSubnet, addVpc, assertEc2Error, modelWithSubnet } from './test-fixtures.ts';
import { checkInvariants } from './invariants.ts';

test('createNetworkInterface() makes an available ENI with a primary and secondary addresses', () => {
  const { model, subnet, defaultGroup } = modelWithSubnet();
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  const eni = createNetworkInterface(model, {
    subnetId: subnet.subnetId,
    description: 'aws-K8S-i-0123',
    secondaryPrivateIpAddressCount: 4,
    tags: new Map([['node.k8s.amazonaws.com/instance_id', 'i-0123']]),
  });
  assert.match(eni.networkInterfaceId, /^eni-0[0-9a-f]{16}$/);
  assert.match(eni.macAddress, /^02(:[0-9a-f]{2}){5}$/);
  assert.equal(eniStatus(eni), 'available');
  assert.equal(eni.privateIps.length, 5);
  assert.equal(eni.privateIps.filter((ip) => ip.primary).length, 1);
  assert.deepEqual(eni.groupIds, [defaultGroup.groupId]);
  assert.equal(eni.tags.get('node.k8s.amazonaws.com/instance_id'), 'i-0123');
  assert.equal(subnetAvailableCount(model, subnet), 256 - 5 - 5);
  assert.deepEqual(events, [{ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId }]);
  assert.deepEqual(checkInvariants(model), []);
});

test('createNetworkInterface() honours explicit addresses and prefixes', () => {
  const { model, subnet } = modelWithSubnet();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.20', ipv4Prefixes: ['10.0.1.32/28'] });
  assert.deepEqual(eni.privateIps, [{ address: '10.0.1.20', primary: true }]);
  assert.deepEqual(eni.ipv4Prefixes, ['10.0.1.32/28']);
  const withCount = createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4PrefixCount: 2 });
  assert.equal(withCount.ipv4Prefixes.length, 2);
  for (const prefix of withCount.ipv4Prefixes) assert.notEqual(prefix, '10.0.1.32/28');
  assertEc2Error(
    () => createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.40' }),
    'InvalidIPAddress.InUse',
    'Address 10.0.1.40 is in use.',
  );
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.20' }), 'InvalidIPAddress.InUse');
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.2.1' }), 'InvalidParameterValue', /does not fall within/);
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.2' }), 'InvalidParameterValue', /reserved/);
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4Prefixes: ['10.0.1.36/28'] }), 'InvalidParameterValue');
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4Prefixes: ['10.0.1.0/28'] }), 'InvalidParameterValue', /assignable/);
  assertEc2Error(
    () => createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.99', ipv4Prefixes: ['10.0.1.96/28'] }),
    'InvalidIPAddress.InUse',
  );
  assert.deepEqual(checkInvariants(model), []);
});

test('createNetworkInterface() rejects bad arguments without changing the model', () => {
  const { model, subnet, vpc } = modelWithSubnet('10.0.1.0/28');
  const other = addVpc(model, '10.9.0.0/16');
  assertEc2Error(() => createNetworkInterface(model, { subnetId: 'subnet-nope' }), 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-nope' does not exist");
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, groupIds: ['sg-nope'] }), 'InvalidGroup.NotFound');
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, groupIds: [other.defaultGroup.groupId] }), 'InvalidParameterValue', /different networks/);
  assertEc2Error(
    () => createNetworkInterface(model, { subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 1, ipv4PrefixCount: 1 }),
    'InvalidParameterCombination',
  );
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 70 }), 'PrivateIpAddressLimitExceeded');
  // A /28 has 11 assignable addresses: a primary plus 10 secondaries fit, 11 do not.
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 11 }), 'InsufficientFreeAddressesInSubnet');
  // No /28 of a /28 subnet is free of reserved addresses.
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4PrefixCount: 1 }), 'InsufficientCidrBlocks');
  assert.equal(model.state.networkInterfaces.size, 0);
  const full = createNetworkInterface(model, { subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 10 });
  assert.equal(full.privateIps.length, 11);
  assertEc2Error(() => createNetworkInterface(model, { subnetId: subnet.subnetId }), 'InsufficientFreeAddressesInSubnet');
  assert.equal(vpc.vpcId, subnet.vpcId);
  assert.deepEqual(checkInvariants(model), []);
});

test('createNetworkInterface() returns the same ENI for the same client token', () => {
  const { model, subnet, vpc } = modelWithSubnet();
  const first = createNetworkInterface(model, { subnetId: subnet.subnetId, clientToken: 'abc' });
  const again = createNetworkInterface(model, { subnetId: subnet.subnetId, clientToken: 'abc' });
  assert.equal(again, first);
  assert.equal(model.state.networkInterfaces.size, 1);
  const elsewhere = addSubnet(model, vpc.vpcId, { cidrBlock: '10.0.2.0/24' });
  assertEc2Error(() => createNetworkInterface(model, { subnetId: elsewhere.subnetId, clientToken: 'abc' }), 'IdempotentParameterMismatch');
});

test('deleteNetworkInterface() removes an available ENI and reports unknown ids', () => {
  const { model, subnet } = modelWithSubnet();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  deleteNetworkInterface(model, eni.networkInterfaceId);
  assert.equal(model.state.networkInterfaces.size, 0);
  assert.deepEqual(events, [{ type: 'eni-deleted', networkInterfaceId: eni.networkInterfaceId }]);
  assertEc2Error(
    () => deleteNetworkInterface(model, eni.networkInterfaceId),
    'InvalidNetworkInterfaceID.NotFound',
    `The networkInterface ID '${eni.networkInterfaceId}' does not exist`,
  );
});

test('modifyNetworkInterfaceAttribute() changes description, groups and source/dest check', () => {
  const { model, subnet, vpc } = modelWithSubnet();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  const group = addSecurityGroup(model, vpc.vpcId, 'pods');
  modifyNetworkInterfaceAttribute(model, eni.networkInterfaceId, { kind: 'description', description: 'hello' });
  modifyNetworkInterfaceAttribute(model, eni.networkInterfaceId, { kind: 'groups', groupIds: [group.groupId] });
  modifyNetworkInterfaceAttribute(model, eni.networkInterfaceId, { kind: 'source-dest-check', sourceDestCheck: false });
  assert.equal(eni.description, 'hello');
  assert.deepEqual(eni.groupIds, [group.groupId]);
  assert.equal(eni.sourceDestCheck, false);
  assertEc2Error(() => modifyNetworkInterfaceAttribute(model, eni.networkInterfaceId, { kind: 'groups', groupIds: ['sg-x'] }), 'InvalidGroup.NotFound');
  assertEc2Error(
    () => modifyNetworkInterfaceAttribute(model, eni.networkInterfaceId, { kind: 'attachment', attachmentId: 'eni-attach-x', deleteOnTermination: true }),
    'InvalidAttachmentID.NotFound',
  );
  assert.deepEqual(eni.groupIds, [group.groupId]);
});
