import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SecondaryEniInput } from './index.ts';
import { formatIpRule, formatRoute, planSecondaryEni } from './index.ts';

const eth1: SecondaryEniInput = { interfaceName: 'eth1', deviceNumber: 1, primaryIp: '192.168.1.20', subnetCidr: '192.168.0.0/19', mtu: 9001 };

describe('planSecondaryEni()', () => {
  test('planSecondaryEni() gives section d\'s address, table device + 1 via the subnet gateway, connected route and rule', () => {
    const plan = planSecondaryEni(eth1);
    assert.equal(plan.address, '192.168.1.20/19');
    assert.equal(plan.gateway, '192.168.0.1');
    assert.equal(plan.routeTable, 2);
    assert.equal(plan.mtu, 9001);
    assert.deepEqual(plan.routes.map(formatRoute), ['192.168.0.1/32 dev eth1 scope link table 2', 'default via 192.168.0.1 dev eth1 table 2']);
    assert.equal(formatRoute(plan.connectedRoute), '192.168.0.0/19 dev eth1 proto kernel scope link src 192.168.1.20 table main');
    assert.equal(plan.rule === undefined ? '' : formatIpRule(plan.rule), 'from 192.168.1.20 lookup 2 prio 32765');
  });

  test('planSecondaryEni() takes the gateway from the subnet, not the address', () => {
    const plan = planSecondaryEni({ ...eth1, deviceNumber: 3, primaryIp: '100.64.7.9', subnetCidr: '100.64.4.0/22' });
    assert.deepEqual([plan.gateway, plan.address, plan.routeTable], ['100.64.4.1', '100.64.7.9/22', 4]);
  });

  test('planSecondaryEni() gives a trunk ENI no rule 32765', () => {
    assert.equal(planSecondaryEni({ ...eth1, trunk: true }).rule, undefined);
  });

  test('planSecondaryEni() rejects the primary ENI and an address outside the subnet', () => {
    assert.throws(() => planSecondaryEni({ ...eth1, deviceNumber: 0 }), /device 0 is the primary ENI/);
    assert.throws(() => planSecondaryEni({ ...eth1, primaryIp: '192.168.64.20' }), /outside subnet 192\.168\.0\.0\/19/);
  });
});
