import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachNetworkInterface } from './eni-attachments.ts';
import { enisOfInstance, publicIpOf } from './eni-lookup.ts';
import { runInstances, terminateInstances } from './instances.ts';
import { checkInvariants } from './invariants.ts';
import type { ModelEvent } from './model.ts';
import { createNetworkInterface } from './network-interfaces.ts';
import { addSubnet, assertEc2Error, manualScheduler, modelWithSubnet, SLOW_LATENCY as slow } from './test-fixtures.ts';


test('runInstances() launches pending instances with a primary ENI, running after the start delay', () => {
  const clock = manualScheduler();
  const { model, subnet, defaultGroup } = modelWithSubnet('10.0.1.0/24', { scheduler: clock.scheduler, latency: slow });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  const { reservationId, instances } = runInstances(model, {
    imageId: 'ami-12345678',
    instanceType: 't3.medium',
    minCount: 2,
    maxCount: 2,
    subnetId: subnet.subnetId,
    instanceTags: new Map([['Name', 'node']]),
  });
  assert.match(reservationId, /^r-0[0-9a-f]{16}$/);
  assert.equal(instances.length, 2);
  for (const instance of instances) {
    assert.equal(instance.state, 'pending');
    assert.equal(instance.tags.get('Name'), 'node');
    const [primary] = enisOfInstance(model, instance.instanceId);
    assert.ok(primary);
    assert.equal(primary.networkInterfaceId, instance.primaryNetworkInterfaceId);
    assert.deepEqual(primary.groupIds, [defaultGroup.groupId]);
    assert.equal(primary.attachment?.deviceIndex, 0);
    assert.equal(primary.attachment?.status, 'attached');
    assert.equal(primary.attachment?.deleteOnTermination, true);
    assert.equal(publicIpOf(model, primary), undefined);
  }
  assert.equal(clock.pending(), 2);
  clock.runAll();
  assert.deepEqual(instances.map((i) => i.state), ['running', 'running']);
  assert.ok(events.some((e) => e.type === 'instance-changed'));
  assert.deepEqual(checkInvariants(model), []);
});

test('runInstances() maps public IPs when the subnet asks, uniquely', () => {
  const { model, vpc } = modelWithSubnet();
  const publicSubnet = addSubnet(model, vpc.vpcId, { cidrBlock: '10.0.9.0/24', mapPublicIpOnLaunch: true });
  const { instances } = runInstances(model, { imageId: 'ami-1', instanceType: 'm5.large', minCount: 3, maxCount: 3, subnetId: publicSubnet.subnetId });
  const ips = instances.map((instance) => instance.publicIp);
  assert.deepEqual(ips, ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
  const { instances: [opted] = [] } = runInstances(model, {
    imageId: 'ami-1',
    instanceType: 'm5.large',
    minCount: 1,
    maxCount: 1,
    subnetId: publicSubnet.subnetId,
    associatePublicIpAddress: false,
  });
  assert.equal(opted?.publicIp, undefined);
  assert.deepEqual(checkInvariants(model), []);
});

test('runInstances() rejects bad arguments and launches nothing', () => {
  const { model, subnet } = modelWithSubnet('10.0.1.0/28');
  const base = { imageId: 'ami-1', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: subnet.subnetId };
  assertEc2Error(() => runInstances(model, { ...base, instanceType: 'x9.huge' }), 'InvalidParameterValue', "Invalid value 'x9.huge' for InstanceType.");
  assertEc2Error(() => runInstances(model, { ...base, imageId: 'img-1' }), 'InvalidAMIID.Malformed');
  assertEc2Error(() => runInstances(model, { ...base, subnetId: 'subnet-x' }), 'InvalidSubnetID.NotFound');
  assertEc2Error(() => runInstances(model, { ...base, groupIds: ['sg-x'] }), 'InvalidGroup.NotFound', "The security group 'sg-x' does not exist");
  assertEc2Error(() => runInstances(model, { ...base, minCount: 2, maxCount: 1 }), 'InvalidParameterValue');
  assertEc2Error(() => runInstances(model, { ...base, minCount: 12, maxCount: 12 }), 'InsufficientFreeAddressesInSubnet');
  assertEc2Error(() => runInstances(model, { ...base, maxCount: 2, privateIpAddress: '10.0.1.5' }), 'InvalidParameterCombination');
  assert.equal(model.state.instances.size, 0);
  const { instances } = runInstances(model, { ...base, minCount: 1, maxCount: 50 });
  assert.equal(instances.length, 11, 'as many as the /28 has addresses for');
});

test('terminateInstances() deletes DeleteOnTermination ENIs and frees the others', () => {
  const clock = manualScheduler();
  const { model, subnet } = modelWithSubnet('10.0.1.0/24', { scheduler: clock.scheduler, latency: slow });
  const { instances: [instance] = [] } = runInstances(model, { imageId: 'ami-1', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: subnet.subnetId });
  assert.ok(instance);
  clock.runAll();
  const kept = createNetworkInterface(model, { subnetId: subnet.subnetId });
  attachNetworkInterface(model, { networkInterfaceId: kept.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 1 });
  clock.runAll();
  const changes = terminateInstances(model, [instance.instanceId]);
  assert.deepEqual(changes, [{ instanceId: instance.instanceId, previousState: 'running', currentState: 'shutting-down' }]);
  assert.equal(instance.state, 'shutting-down');
  clock.runAll();
  assert.equal(instance.state, 'terminated');
  assert.equal(model.state.networkInterfaces.has(instance.primaryNetworkInterfaceId), false);
  assert.equal(kept.attachment, undefined);
  assert.deepEqual(terminateInstances(model, [instance.instanceId]), [
    { instanceId: instance.instanceId, previousState: 'terminated', currentState: 'terminated' },
  ]);
  assertEc2Error(() => terminateInstances(model, ['i-nope']), 'InvalidInstanceID.NotFound', "The instance ID 'i-nope' does not exist");
  assert.deepEqual(checkInvariants(model), []);
});

test('terminateInstances() of a pending instance never lets it start', () => {
  const clock = manualScheduler();
  const { model, subnet } = modelWithSubnet('10.0.1.0/24', { scheduler: clock.scheduler, latency: slow });
  const { instances: [instance] = [] } = runInstances(model, { imageId: 'ami-1', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: subnet.subnetId });
  assert.ok(instance);
  terminateInstances(model, [instance.instanceId]);
  clock.runAll();
  assert.equal(instance.state, 'terminated');
  assert.deepEqual(checkInvariants(model), []);
});

test('runInstances() returns the same reservation for the same client token', () => {
  const { model, subnet } = modelWithSubnet();
  const request = { imageId: 'ami-1', instanceType: 't3.medium', minCount: 2, maxCount: 2, subnetId: subnet.subnetId, clientToken: 'once' };
  const first = runInstances(model, request);
  const again = runInstances(model, request);
  assert.equal(again.reservationId, first.reservationId);
  assert.deepEqual(again.instances.map((i) => i.instanceId), first.instances.map((i) => i.instanceId));
  assert.equal(model.state.instances.size, 2);
});
