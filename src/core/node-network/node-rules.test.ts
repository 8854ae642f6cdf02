import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeRulesInput } from './index.ts';
import { formatIpRule, isPodRule, planNodeRules, routeTableId } from './index.ts';

const node: NodeRulesInput = {
  nodePortSupport: true,
  connmark: 0x80,
  externalServiceCidrs: [],
  snat: { mode: 'node' },
  secondaryEnis: [{ deviceNumber: 1, primaryIp: '192.168.1.20' }],
};

describe('planNodeRules()', () => {
  test('planNodeRules() gives the fwmark rule and rule 32765 of each secondary ENI', () => {
    assert.deepEqual(planNodeRules(node).map(formatIpRule), [
      'fwmark 0x80/0x80 lookup main prio 1024',
      'from 192.168.1.20 lookup 2 prio 32765',
    ]);
  });

  test('planNodeRules() adds external service CIDRs at 1535, normalised and once each', () => {
    const rules = planNodeRules({ ...node, externalServiceCidrs: ['10.100.3.4/16', '10.100.0.0/16', '52.1.2.3/32'], secondaryEnis: [] });
    assert.deepEqual(rules.map(formatIpRule), [
      'fwmark 0x80/0x80 lookup main prio 1024',
      'to 10.100.0.0/16 lookup main prio 1535',
      'to 52.1.2.3 lookup main prio 1535',
    ]);
  });

  test('planNodeRules() keeps the fwmark rule unless external SNAT and no NodePort support', () => {
    const fwmark = (input: NodeRulesInput): boolean => planNodeRules(input).some((rule) => rule.priority === 1024);
    assert.equal(fwmark({ ...node, snat: { mode: 'external' } }), true);
    assert.equal(fwmark({ ...node, nodePortSupport: false }), true);
    assert.equal(fwmark({ ...node, snat: { mode: 'external' }, nodePortSupport: false }), false);
  });

  test('planNodeRules() uses the configured mark', () => {
    assert.equal(formatIpRule(planNodeRules({ ...node, connmark: 0x4000 })[0]!), 'fwmark 0x4000/0x4000 lookup main prio 1024');
  });

  test('planNodeRules() gives trunk ENIs no rule 32765 and uses table 10000 + device + 100 * card beyond card 0', () => {
    const rules = planNodeRules({
      ...node,
      secondaryEnis: [{ deviceNumber: 2, primaryIp: '192.168.1.30', trunk: true }, { deviceNumber: 1, networkCard: 2, primaryIp: '192.168.1.40' }],
    });
    assert.deepEqual(rules.map(formatIpRule), ['fwmark 0x80/0x80 lookup main prio 1024', 'from 192.168.1.40 lookup 10201 prio 32765']);
  });

  test('planNodeRules() rejects the primary ENI as a secondary one', () => {
    assert.throws(() => planNodeRules({ ...node, secondaryEnis: [{ deviceNumber: 0, primaryIp: '192.168.1.10' }] }), RangeError);
  });
});

describe('routeTableId()', () => {
  test('routeTableId() is main for device 0, device + 1 on card 0, 10000 + device + 100 * card beyond', () => {
    assert.deepEqual([routeTableId({ deviceNumber: 0 }), routeTableId({ deviceNumber: 1 }), routeTableId({ deviceNumber: 14 })], [254, 2, 15]);
    assert.deepEqual([routeTableId({ deviceNumber: 0, networkCard: 1 }), routeTableId({ deviceNumber: 3, networkCard: 2 })], [10100, 10203]);
  });
});

describe('isPodRule()', () => {
  test('isPodRule() matches to <ip> at 512 and from <ip> at 1536 in any table, nothing else', () => {
    assert.equal(isPodRule({ priority: 512, to: '192.168.1.50/32', table: 254 }, '192.168.1.50'), true);
    assert.equal(isPodRule({ priority: 1536, from: '192.168.1.50/32', to: '10.0.0.0/8', table: 3 }, '192.168.1.50'), true);
    assert.equal(isPodRule({ priority: 512, to: '192.168.1.51/32', table: 254 }, '192.168.1.50'), false);
    assert.equal(isPodRule({ priority: 1536, to: '192.168.1.50/32', table: 2 }, '192.168.1.50'), false);
    assert.equal(isPodRule({ priority: 32765, from: '192.168.1.50/32', table: 2 }, '192.168.1.50'), false);
  });
});
