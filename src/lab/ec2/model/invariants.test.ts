import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachNetworkInterface } from './eni-attachments.ts';
import { runInstances } from './instances.ts';
import { checkInvariants } from './invariants.ts';
import { createNetworkInterface } from './network-interfaces.ts';
import { modelWithSubnet } from './test-fixtures.ts';

function world(): ReturnType<typeof modelWithSubnet> & { instanceId: string } {
  const setup = modelWithSubnet();
  const { instances } = runInstances(setup.model, { imageId: 'ami-1', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: setup.subnet.subnetId });
  return { ...setup, instanceId: instances[0]?.instanceId ?? '' };
}

test('checkInvariants() accepts a consistent model', () => {
  assert.deepEqual(checkInvariants(world().model), []);
});

test('checkInvariants() reports an address held by two ENIs', () => {
  const { model, subnet } = world();
  const a = createNetworkInterface(model, { subnetId: subnet.subnetId, ipv4Prefixes: ['10.0.1.16/28'] });
  const b = createNetworkInterface(model, { subnetId: subnet.subnetId });
  b.privateIps.push({ address: '10.0.1.20', primary: false });
  const violations = checkInvariants(model);
  assert.ok(violations.some((v) => v.includes('10.0.1.20') || v.includes(a.networkInterfaceId)), violations.join('\n'));
});

test('checkInvariants() reports reserved addresses, misaligned prefixes and a missing primary', () => {
  const { model, subnet } = world();
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  eni.privateIps.push({ address: '10.0.1.255', primary: false });
  eni.ipv4Prefixes.push('10.0.1.40/28');
  eni.privateIps.splice(0, 1);
  const text = checkInvariants(model).join('\n');
  assert.match(text, /10\.0\.1\.255 is outside/);
  assert.match(text, /not an aligned \/28/);
  assert.match(text, /exactly one primary/);
});

test('checkInvariants() reports limits, duplicate device indexes and dangling attachments', () => {
  const { model, subnet, instanceId } = world();
  const enis = [0, 1, 2, 3].map(() => createNetworkInterface(model, { subnetId: subnet.subnetId }));
  const [first, second, third, fourth] = enis;
  assert.ok(first && second && third && fourth);
  attachNetworkInterface(model, { networkInterfaceId: first.networkInterfaceId, instanceId, deviceIndex: 1 });
  attachNetworkInterface(model, { networkInterfaceId: second.networkInterfaceId, instanceId, deviceIndex: 2 });
  for (let i = 0; i < 6; i++) first.privateIps.push({ address: `10.0.1.${200 + i}`, primary: false });
  third.attachment = { attachmentId: 'eni-attach-x', instanceId, deviceIndex: 2, networkCardIndex: 0, status: 'attached', attachTime: 0, deleteOnTermination: false };
  fourth.attachment = { attachmentId: 'eni-attach-y', instanceId: 'i-gone', deviceIndex: 1, networkCardIndex: 0, status: 'attached', attachTime: 0, deleteOnTermination: false };
  const text = checkInvariants(model).join('\n');
  assert.match(text, /over its limit of 6/);
  assert.match(text, /device index .* used twice/);
  assert.match(text, /card .* has 4 ENIs, limit 3/);
  assert.match(text, /missing or terminated i-gone/);
});
