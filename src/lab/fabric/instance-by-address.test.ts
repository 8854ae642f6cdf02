import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addInstance, attachEni, fixtureModel, standardNode } from '../imds/test-fixtures.ts';
import { instanceByEniAddress } from './instance-by-address.ts';

test('instanceByEniAddress() finds the instance by any address or prefix of its attached ENIs', () => {
  const model = fixtureModel();
  const node = standardNode(model);
  attachEni(model, node.instanceId, { eniId: 'eni-00000000000000002', mac: '02:00:00:00:00:02', ips: ['10.0.1.30'], prefixes: ['10.0.1.48/28'] });
  addInstance(model, { instanceId: 'i-0000000000000000b', eniId: 'eni-0000000000000000b', mac: '02:00:00:00:00:0b', ips: ['10.0.1.20'] });
  for (const address of ['10.0.1.10', '10.0.1.12', '10.0.1.30', '10.0.1.48', '10.0.1.63', '::ffff:10.0.1.11']) {
    assert.equal(instanceByEniAddress(model, address), node.instanceId, address);
  }
  assert.equal(instanceByEniAddress(model, '10.0.1.20'), 'i-0000000000000000b');
  for (const address of ['10.0.1.64', '10.0.9.9', '', 'fe80::1']) assert.equal(instanceByEniAddress(model, address), undefined, address);
});

test('instanceByEniAddress() ignores ENIs that are not attached', () => {
  const model = fixtureModel();
  const node = standardNode(model);
  attachEni(model, node.instanceId, { eniId: 'eni-00000000000000002', mac: '02:00:00:00:00:02', ips: ['10.0.1.30'], status: 'attaching' });
  attachEni(model, node.instanceId, { eniId: 'eni-00000000000000003', mac: '02:00:00:00:00:03', ips: ['10.0.1.31'], status: 'detaching' });
  assert.equal(instanceByEniAddress(model, '10.0.1.30'), undefined);
  assert.equal(instanceByEniAddress(model, '10.0.1.31'), undefined);
});
