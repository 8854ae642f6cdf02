import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpRule } from '../../core/node-network/index.ts';
import { planNodeRules, planSecondaryEni } from '../../core/node-network/index.ts';
import type { SecondaryEniState } from './node-network-commands.ts';
import { ensurePodRuleCommands, nodeRuleCommands, planPodRules, podRuleCommands, secondaryEniCommands } from './node-network-commands.ts';
import type { RuleState } from './node-network-iproute.ts';

const plan = planSecondaryEni({ interfaceName: 'eth1', deviceNumber: 1, primaryIp: '192.168.1.20', subnetCidr: '192.168.0.0/19', mtu: 9001 });

/** eth1 as it appears on attach: down, MTU 1500, no address. */
const fresh: SecondaryEniState = {
  link: { name: 'eth1', mac: '02:00:00:00:00:11', mtu: 1500, up: false, addresses: [] },
  tableRoutes: [],
  mainRoutes: [],
  rules: [],
};

/** eth1 once configured. */
const configured: SecondaryEniState = {
  link: { ...fresh.link, mtu: 9001, up: true, addresses: [{ cidr: '192.168.1.20/19', scope: 'global' }] },
  tableRoutes: [
    { dst: 'default', gateway: '192.168.0.1', dev: 'eth1', scope: 'global' },
    { dst: '192.168.0.1/32', dev: 'eth1', scope: 'link' },
  ],
  mainRoutes: [],
  rules: [{ priority: 32765, rule: { priority: 32765, from: '192.168.1.20/32', table: 2 } }],
};

const rule = (fields: IpRule): RuleState => ({ priority: fields.priority, rule: fields });

describe('secondaryEniCommands()', () => {
  test('secondaryEniCommands() configures a fresh ENI in order, removing the connected route after the address', () => {
    assert.deepEqual(secondaryEniCommands(plan, fresh), [
      'link set dev eth1 mtu 9001 up',
      'address add 192.168.1.20/19 dev eth1',
      'route replace 192.168.0.1/32 dev eth1 scope link table 2',
      'route replace default via 192.168.0.1 dev eth1 table 2',
      'route del 192.168.0.0/19 dev eth1 proto kernel scope link src 192.168.1.20 table main',
      'rule add from 192.168.1.20 lookup 2 prio 32765',
    ]);
  });

  test('secondaryEniCommands() gives nothing for a configured ENI', () => {
    assert.deepEqual(secondaryEniCommands(plan, configured), []);
  });

  test('secondaryEniCommands() removes other addresses, stale routes of the table and a reappeared connected route', () => {
    const state: SecondaryEniState = {
      ...configured,
      link: { ...configured.link, addresses: [{ cidr: '192.168.1.99/19', scope: 'global' }, ...configured.link.addresses, { cidr: '127.0.0.9/8', scope: 'host' }] },
      tableRoutes: [...configured.tableRoutes, { dst: '10.9.0.1/32', dev: 'eth1', scope: 'link' }, { dst: '10.8.0.0/16', dev: 'eth2', scope: 'link' }],
      mainRoutes: [{ dst: '192.168.0.0/19', dev: 'eth1', scope: 'link', protocol: 'kernel', prefsrc: '192.168.1.20' }],
    };
    assert.deepEqual(secondaryEniCommands(plan, state), [
      'address del 192.168.1.99/19 dev eth1',
      'route del 10.9.0.1/32 dev eth1 table 2',
      'route del 192.168.0.0/19 dev eth1 proto kernel scope link src 192.168.1.20 table main',
    ]);
  });
});

describe('nodeRuleCommands()', () => {
  const planned = planNodeRules({
    nodePortSupport: true, connmark: 0x80, externalServiceCidrs: ['10.100.0.0/16'], snat: { mode: 'node' },
    secondaryEnis: [{ deviceNumber: 1, primaryIp: '192.168.1.20' }],
  });
  const priorities = [1024, 1535, 32765];

  test('nodeRuleCommands() adds every planned rule on a bare node and nothing once they exist', () => {
    assert.deepEqual(nodeRuleCommands([rule({ priority: 0, table: 255 })], planned, priorities), [
      'rule add fwmark 0x80/0x80 lookup main prio 1024',
      'rule add to 10.100.0.0/16 lookup main prio 1535',
      'rule add from 192.168.1.20 lookup 2 prio 32765',
    ]);
    assert.deepEqual(nodeRuleCommands(planned.map(rule), planned, priorities), []);
  });

  test('nodeRuleCommands() deletes unplanned and repeated rules at its priorities only', () => {
    const current = [
      ...planned.map(rule),
      rule({ priority: 1024, fwmark: { mark: 0x40, mask: 0x40 }, table: 254 }),
      rule({ priority: 32765, from: '192.168.1.30/32', table: 3 }),
      rule({ priority: 1535, to: '10.100.0.0/16', table: 254 }),
      rule({ priority: 1536, from: '192.168.1.50/32', table: 2 }),
      { priority: 1024, rule: undefined },
    ];
    assert.deepEqual(nodeRuleCommands(current, planned, priorities), [
      'rule del fwmark 0x40/0x40 lookup main prio 1024',
      'rule del from 192.168.1.30 lookup 3 prio 32765',
      'rule del to 10.100.0.0/16 lookup main prio 1535',
    ]);
  });
});

describe('podRuleCommands()', () => {
  test('podRuleCommands() deletes the to-pod and every from-pod rule of that address', () => {
    const current = [
      rule({ priority: 512, to: '192.168.1.50/32', table: 254 }),
      rule({ priority: 512, to: '192.168.1.51/32', table: 254 }),
      rule({ priority: 1536, from: '192.168.1.50/32', table: 2 }),
      rule({ priority: 1536, from: '192.168.1.50/32', to: '10.0.0.0/8', table: 2 }),
    ];
    assert.deepEqual(podRuleCommands(current, '192.168.1.50'), [
      'rule del to 192.168.1.50 lookup main prio 512',
      'rule del from 192.168.1.50 lookup 2 prio 1536',
      'rule del from 192.168.1.50 to 10.0.0.0/8 lookup 2 prio 1536',
    ]);
  });
});

describe('ensurePodRuleCommands()', () => {
  const others = [
    rule({ priority: 512, to: '192.168.1.51/32', table: 254 }),
    rule({ priority: 1536, from: '192.168.1.51/32', table: 3 }),
    rule({ priority: 32765, from: '192.168.1.50/32', table: 2 }),
    { priority: 1536, rule: undefined },
  ];

  test('ensurePodRuleCommands() adds the to-pod rule and, off the main table, the from-pod rule', () => {
    assert.deepEqual(ensurePodRuleCommands(others, '192.168.1.50', 2), [
      'rule add to 192.168.1.50 lookup main prio 512',
      'rule add from 192.168.1.50 lookup 2 prio 1536',
    ]);
    assert.deepEqual(ensurePodRuleCommands(others, '192.168.1.50', 254), ['rule add to 192.168.1.50 lookup main prio 512']);
  });

  test('ensurePodRuleCommands() gives nothing when the rules are in place once', () => {
    const current = [...others, ...planPodRules('192.168.1.50', 2).map(rule)];
    assert.deepEqual(ensurePodRuleCommands(current, '192.168.1.50', 2), []);
  });

  test('ensurePodRuleCommands() deletes repeats, other tables and other selectors of that address only', () => {
    const current = [
      ...others,
      rule({ priority: 512, to: '192.168.1.50/32', table: 254 }),
      rule({ priority: 512, to: '192.168.1.50/32', table: 254 }),
      rule({ priority: 512, to: '192.168.1.50/32', table: 7 }),
      rule({ priority: 1536, from: '192.168.1.50/32', table: 3 }),
      rule({ priority: 1536, from: '192.168.1.50/32', to: '10.0.0.0/8', table: 2 }),
    ];
    assert.deepEqual(ensurePodRuleCommands(current, '192.168.1.50', 2), [
      'rule del to 192.168.1.50 lookup main prio 512',
      'rule del to 192.168.1.50 lookup 7 prio 512',
      'rule del from 192.168.1.50 lookup 3 prio 1536',
      'rule del from 192.168.1.50 to 10.0.0.0/8 lookup 2 prio 1536',
      'rule add from 192.168.1.50 lookup 2 prio 1536',
    ]);
  });

  test('ensurePodRuleCommands() on the main table deletes every from-pod rule of the address', () => {
    const current = [rule({ priority: 512, to: '192.168.1.50/32', table: 254 }), rule({ priority: 1536, from: '192.168.1.50/32', table: 254 })];
    assert.deepEqual(ensurePodRuleCommands(current, '192.168.1.50', 254), ['rule del from 192.168.1.50 lookup main prio 1536']);
  });

  test('planPodRules() refuses a bad table or address', () => {
    for (const table of [0, -1, 1.5, 2 ** 32]) assert.throws(() => planPodRules('192.168.1.50', table), { name: 'RangeError', message: new RegExp(`current value is ${table}`) });
    assert.throws(() => planPodRules('192.168.1', 2), { name: 'SyntaxError' });
  });
});
