import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesiredEni } from './desired.ts';
import { plugInstanceCommands, plugRouterCommands, routesToEni } from './plumbing.ts';
import { RouterTable } from './router-table.ts';

const ENI: DesiredEni = {
  networkInterfaceId: 'eni-0123456789abcdef0', instanceId: 'i-1', vpcId: 'vpc-1', deviceIndex: 0, macAddress: '02:aa:bb:cc:dd:ee',
  primary: true, primaryAddress: '10.0.1.10', subnetPrefixLength: 24, gateway: '10.0.1.1',
  addresses: ['10.0.1.10', '10.0.1.11'], prefixes: ['10.0.1.48/28'], sourceDestCheck: true, groupIds: ['sg-1'],
};

test('plugRouterCommands() creates the veth pair with the ENI MAC inside the instance and a permanent neighbour', () => {
  assert.deepEqual(plugRouterCommands({ ...ENI, deviceIndex: 2 }, 'eni56789abcdef0', 'vpclx-i-1'), [
    'link add eni56789abcdef0 type veth peer name eth2 address 02:aa:bb:cc:dd:ee netns vpclx-i-1',
    'link set eni56789abcdef0 up',
    'neigh replace 10.0.1.10 lladdr 02:aa:bb:cc:dd:ee dev eni56789abcdef0 nud permanent',
  ]);
});

test('plugInstanceCommands() configures only the primary ENI, as cloud-init does', () => {
  assert.deepEqual(plugInstanceCommands(ENI), ['link set eth0 up', 'addr add 10.0.1.10/24 dev eth0', 'route replace default via 10.0.1.1 dev eth0']);
  assert.deepEqual(plugInstanceCommands({ ...ENI, primary: false, deviceIndex: 1 }), ['link set eth1 up']);
});

test('routesToEni() routes the primary address on-link and the rest via it', () => {
  const routes = routesToEni(ENI, 'enix');
  assert.deepEqual([...routes].map(([destination, route]) => `${destination} ${route.spec}`), [
    '10.0.1.10/32 dev enix',
    '10.0.1.11/32 via 10.0.1.10 dev enix onlink',
    '10.0.1.48/28 via 10.0.1.10 dev enix onlink',
  ]);
});

test('RouterTable.update() emits only the changes, and forgetLink() drops routes that died with a link', () => {
  const table = new RouterTable();
  const first = table.update({ routes: routesToEni(ENI, 'enix'), gateways: ['10.0.1.1'], unreachable: ['10.0.0.0/16'] });
  assert.equal(first.length, 5);
  assert.deepEqual(table.update({ routes: routesToEni(ENI, 'enix'), gateways: ['10.0.1.1'], unreachable: ['10.0.0.0/16'] }), []);
  const fewer = routesToEni({ ...ENI, addresses: ['10.0.1.10'] }, 'enix');
  assert.deepEqual(table.update({ routes: fewer, gateways: [], unreachable: ['10.0.0.0/16'] }), [
    'route del 10.0.1.11/32 via 10.0.1.10 dev enix onlink',
    'addr del 10.0.1.1/32 dev lo',
  ]);
  table.forgetLink('enix');
  assert.deepEqual(table.update({ routes: new Map(), gateways: [], unreachable: ['10.0.0.0/16'] }), []);
});
