import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subnetAvailableCount } from './addresses.ts';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from './eni-addresses.ts';
import { attachNetworkInterface } from './eni-attachments.ts';
import { runInstances } from './instances.ts';
import { checkInvariants } from './invariants.ts';
import type { Ec2Model, ModelEvent } from './model.ts';
import { createNetworkInterface } from './network-interfaces.ts';
import type { NetworkInterface, Subnet } from './state.ts';
import { assertEc2Error, modelWithSubnet } from './test-fixtures.ts';

function attachedEni(model: Ec2Model, subnet: Subnet, instanceType: string): NetworkInterface {
  const { instances } = runInstances(model, { imageId: 'ami-1', instanceType, minCount: 1, maxCount: 1, subnetId: subnet.subnetId });
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instances[0]?.instanceId ?? '', deviceIndex: 1 });
  return eni;
}

test('assignPrivateIpAddresses() fills a t3.medium ENI up to its IPv4Limit of 6', () => {
  const { model, subnet } = modelWithSubnet();
  const eni = attachedEni(model, subnet, 't3.medium');
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  const first = assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, secondaryPrivateIpAddressCount: 3 });
  assert.equal(first.addresses.length, 3);
  assert.deepEqual(first.prefixes, []);
  assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, secondaryPrivateIpAddressCount: 2 });
  assert.equal(eni.privateIps.length, 6);
  assertEc2Error(
    () => assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, secondaryPrivateIpAddressCount: 1 }),
    'PrivateIpAddressLimitExceeded',
    'Number of private addresses will exceed limit.',
  );
  assert.equal(eni.privateIps.length, 6);
  assert.equal(events.length, 2);
  assert.deepEqual(checkInvariants(model), []);
});

test('assignPrivateIpAddresses() counts each prefix as one address and needs Nitro', () => {
  const { model, subnet } = modelWithSubnet('10.0.0.0/22');
  const eni = attachedEni(model, subnet, 't3.medium');
  const { prefixes } = assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4PrefixCount: 5 });
  assert.equal(prefixes.length, 5);
  for (const prefix of prefixes) assert.match(prefix, /^10\.0\.[0-3]\.(\d+)\/28$/);
  assert.equal(subnetAvailableCount(model, subnet), 1024 - 5 - 1 - 1 - 5 * 16);
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4PrefixCount: 1 }), 'PrivateIpAddressLimitExceeded');
  const xen = attachedEni(model, subnet, 'm4.large');
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: xen.networkInterfaceId, ipv4PrefixCount: 1 }), 'InvalidParameterValue', /Nitro/);
  assert.deepEqual(checkInvariants(model), []);
});

test('assignPrivateIpAddresses() reports subnet exhaustion and fragmentation', () => {
  const { model, subnet } = modelWithSubnet('10.0.1.0/26');
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.20' });
  // 59 assignable addresses: the primary, then 58 more fit, 59 do not.
  assertEc2Error(
    () => assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, secondaryPrivateIpAddressCount: 59 }),
    'InsufficientFreeAddressesInSubnet',
  );
  assert.equal(eni.privateIps.length, 1);
  // Of the four /28s, .0 and .48 hold reserved addresses and the primary fragments .16: only .32 is left.
  const { prefixes } = assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4PrefixCount: 1 });
  assert.deepEqual(prefixes, ['10.0.1.32/28']);
  assertEc2Error(
    () => assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4PrefixCount: 1 }),
    'InsufficientCidrBlocks',
    'There are not enough free cidr blocks in the specified subnet to satisfy the request.',
  );
  assert.equal(subnetAvailableCount(model, subnet), 64 - 5 - 1 - 16);
  assert.deepEqual(checkInvariants(model), []);
});

test('assignPrivateIpAddresses() validates explicit addresses and reassigns only when allowed', () => {
  const { model, subnet } = modelWithSubnet();
  const a = createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.10' });
  const b = createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.11' });
  assignPrivateIpAddresses(model, { networkInterfaceId: a.networkInterfaceId, privateIpAddresses: ['10.0.1.50', '10.0.1.51'] });
  const id = b.networkInterfaceId;
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.50'] }), 'InvalidIPAddress.InUse');
  assertEc2Error(
    () => assignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.10'], allowReassignment: true }),
    'InvalidIPAddress.InUse',
  );
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.2.9'] }), 'InvalidParameterValue');
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['bogus'] }), 'InvalidParameterValue');
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: id }), 'MissingParameter');
  assertEc2Error(
    () => assignPrivateIpAddresses(model, { networkInterfaceId: id, secondaryPrivateIpAddressCount: 1, ipv4PrefixCount: 1 }),
    'InvalidParameterCombination',
  );
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: id, secondaryPrivateIpAddressCount: 0 }), 'InvalidParameterValue');
  assertEc2Error(() => assignPrivateIpAddresses(model, { networkInterfaceId: 'eni-nope', secondaryPrivateIpAddressCount: 1 }), 'InvalidNetworkInterfaceID.NotFound');
  assignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.50'], allowReassignment: true });
  assert.deepEqual(a.privateIps.map((ip) => ip.address), ['10.0.1.10', '10.0.1.51']);
  assert.deepEqual(b.privateIps.map((ip) => ip.address), ['10.0.1.11', '10.0.1.50']);
  assert.deepEqual(checkInvariants(model), []);
});

test('unassignPrivateIpAddresses() removes secondaries and prefixes, never the primary', () => {
  const { model, subnet } = modelWithSubnet();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId, primaryPrivateIpAddress: '10.0.1.10', privateIpAddresses: ['10.0.1.20', '10.0.1.21'] });
  assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4Prefixes: ['10.0.1.48/28'] });
  const id = eni.networkInterfaceId;
  assertEc2Error(() => unassignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.10'] }), 'InvalidParameterValue', /primary/);
  assertEc2Error(
    () => unassignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.20', '10.0.1.99'] }),
    'InvalidParameterValue',
    `Some of the specified addresses are not assigned to interface ${id}`,
  );
  assertEc2Error(() => unassignPrivateIpAddresses(model, { networkInterfaceId: id, ipv4Prefixes: ['10.0.1.64/28'] }), 'InvalidParameterValue');
  assertEc2Error(() => unassignPrivateIpAddresses(model, { networkInterfaceId: id }), 'MissingParameter');
  assert.equal(eni.privateIps.length, 3);
  unassignPrivateIpAddresses(model, { networkInterfaceId: id, privateIpAddresses: ['10.0.1.20'], ipv4Prefixes: ['10.0.1.48/28'] });
  assert.deepEqual(eni.privateIps.map((ip) => ip.address), ['10.0.1.10', '10.0.1.21']);
  assert.deepEqual(eni.ipv4Prefixes, []);
  assert.deepEqual(checkInvariants(model), []);
});
