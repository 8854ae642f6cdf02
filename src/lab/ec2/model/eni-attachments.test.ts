import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignPrivateIpAddresses } from './eni-addresses.ts';
import { attachNetworkInterface, detachNetworkInterface } from './eni-attachments.ts';
import { eniStatus } from './eni-lookup.ts';
import { runInstances, terminateInstances } from './instances.ts';
import { checkInvariants } from './invariants.ts';
import type { Ec2Model, ModelEvent } from './model.ts';
import { createNetworkInterface, deleteNetworkInterface } from './network-interfaces.ts';
import { addSubnet, assertEc2Error, manualScheduler, modelWithSubnet, SLOW_LATENCY } from './test-fixtures.ts';
import type { Instance, Subnet } from './state.ts';

function launch(model: Ec2Model, subnet: Subnet, instanceType = 't3.medium'): Instance {
  const { instances } = runInstances(model, { imageId: 'ami-1', instanceType, minCount: 1, maxCount: 1, subnetId: subnet.subnetId });
  const [instance] = instances;
  assert.ok(instance);
  return instance;
}

test('attachNetworkInterface() attaches at once with no latency and reports the card', () => {
  const { model, subnet } = modelWithSubnet();
  const instance = launch(model, subnet);
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  const attachment = attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 1 });
  assert.match(attachment.attachmentId, /^eni-attach-0[0-9a-f]{16}$/);
  assert.equal(attachment.networkCardIndex, 0);
  assert.equal(attachment.status, 'attached');
  assert.equal(attachment.deleteOnTermination, false);
  assert.equal(eniStatus(eni), 'in-use');
  assertEc2Error(() => deleteNetworkInterface(model, eni.networkInterfaceId), 'InvalidParameterValue', `Network interface '${eni.networkInterfaceId}' is currently in use.`);
  assert.deepEqual(checkInvariants(model), []);
});

test('attachNetworkInterface() goes attaching then attached, and detach goes detaching then available', () => {
  const clock = manualScheduler();
  const { model, subnet } = modelWithSubnet('10.0.1.0/24', { scheduler: clock.scheduler, latency: SLOW_LATENCY });
  const instance = launch(model, subnet);
  clock.runAll();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  const attachment = attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 1 });
  assert.equal(attachment.status, 'attaching');
  clock.runAll();
  assert.equal(attachment.status, 'attached');
  detachNetworkInterface(model, { attachmentId: attachment.attachmentId });
  assert.equal(attachment.status, 'detaching');
  detachNetworkInterface(model, { attachmentId: attachment.attachmentId });
  clock.runAll();
  assert.equal(eni.attachment, undefined);
  assert.equal(eniStatus(eni), 'available');
  const eniEvents = events.filter((e) => e.type === 'eni-changed').length;
  assert.equal(eniEvents, 4, 'attaching, attached, detaching, available');
  assertEc2Error(() => detachNetworkInterface(model, { attachmentId: attachment.attachmentId }), 'InvalidAttachmentID.NotFound');
});

test('attachNetworkInterface() enforces device indexes, card limits and the instance state', () => {
  const clock = manualScheduler();
  const { model, subnet, vpc } = modelWithSubnet('10.0.1.0/24', { scheduler: clock.scheduler, latency: SLOW_LATENCY });
  const instance = launch(model, subnet);
  const enis = [1, 2, 3].map(() => createNetworkInterface(model, { subnetId: subnet.subnetId }));
  const [a, b, c] = enis;
  assert.ok(a && b && c);
  const attach = (id: string, deviceIndex: number, networkCardIndex?: number): unknown =>
    attachNetworkInterface(model, { networkInterfaceId: id, instanceId: instance.instanceId, deviceIndex, networkCardIndex });
  assertEc2Error(() => attach(a.networkInterfaceId, 1), 'IncorrectState');
  clock.runAll();
  attach(a.networkInterfaceId, 1);
  assertEc2Error(() => attach(a.networkInterfaceId, 2), 'InvalidParameterValue', `Interface '${a.networkInterfaceId}' is in use.`);
  assertEc2Error(
    () => attach(b.networkInterfaceId, 1),
    'InvalidParameterValue',
    `Instance '${instance.instanceId}' already has an interface attached at device index '1'.`,
  );
  assertEc2Error(() => attach(b.networkInterfaceId, 2, 1), 'InvalidParameterValue', /Network card index 1/);
  attach(b.networkInterfaceId, 2);
  assertEc2Error(() => attach(c.networkInterfaceId, 3), 'AttachmentLimitExceeded', 'Interface count 4 exceeds the limit for t3.medium');
  const elsewhere = addSubnet(model, vpc.vpcId, { cidrBlock: '10.0.2.0/24', availabilityZone: 'us-west-2b' });
  const far = createNetworkInterface(model, { subnetId: elsewhere.subnetId });
  assertEc2Error(() => attach(far.networkInterfaceId, 5), 'InvalidParameterCombination');
  assertEc2Error(() => attach('eni-nope', 5), 'InvalidNetworkInterfaceID.NotFound');
  assertEc2Error(
    () => attachNetworkInterface(model, { networkInterfaceId: c.networkInterfaceId, instanceId: 'i-nope', deviceIndex: 1 }),
    'InvalidInstanceID.NotFound',
  );
  const primary = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
  assert.ok(primary?.attachment);
  assertEc2Error(() => detachNetworkInterface(model, { attachmentId: primary.attachment?.attachmentId ?? '' }), 'OperationNotPermitted');
  terminateInstances(model, [instance.instanceId]);
  assertEc2Error(() => attach(c.networkInterfaceId, 3), 'IncorrectState');
  clock.runAll();
  assert.deepEqual(checkInvariants(model), []);
});

test('attachNetworkInterface() refuses an ENI with more addresses than the type allows', () => {
  const { model, subnet } = modelWithSubnet();
  const small = launch(model, subnet, 't3.medium');
  const big = createNetworkInterface(model, { subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 6 });
  assertEc2Error(
    () => attachNetworkInterface(model, { networkInterfaceId: big.networkInterfaceId, instanceId: small.instanceId, deviceIndex: 1 }),
    'PrivateIpAddressLimitExceeded',
  );
  const xen = launch(model, subnet, 'm4.large');
  const withPrefix = createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4PrefixCount: 1 });
  assertEc2Error(
    () => attachNetworkInterface(model, { networkInterfaceId: withPrefix.networkInterfaceId, instanceId: xen.instanceId, deviceIndex: 1 }),
    'InvalidParameterValue',
    /Nitro/,
  );
  assert.equal(big.attachment, undefined);
  assert.equal(withPrefix.attachment, undefined);
});

test('attachNetworkInterface() uses the other network cards of multi-card types', () => {
  const { model, subnet } = modelWithSubnet('10.0.0.0/20');
  const instance = launch(model, subnet, 'p4d.24xlarge');
  for (let card = 0; card < 4; card++) {
    const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
    const attachment = attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 1, networkCardIndex: card });
    assert.equal(attachment.networkCardIndex, card);
  }
  assert.deepEqual(checkInvariants(model), []);
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  assignPrivateIpAddresses(model, { networkInterfaceId: eni.networkInterfaceId, ipv4PrefixCount: 3 });
  attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 2 });
  assert.deepEqual(checkInvariants(model), []);
});
