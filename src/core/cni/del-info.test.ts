import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAddResult } from './add-result.ts';
import { UPSTREAM_RESULT_0_4_0 } from './cni-fixtures.test-support.ts';
import { decodeDelInfo, deviceForRouteTable, routeTableForDevice } from './del-info.ts';

const POD = { namespace: 'default', name: 'web-1' };
const NETNS = '/var/run/netns/cni-1';

test('decodeDelInfo() reads the Amazon VPC CNI v1.20+ result: table from the container mac, device from the dummy', () => {
  assert.deepEqual(decodeDelInfo({ prevResult: UPSTREAM_RESULT_0_4_0, ifName: 'eth0', pod: POD }), {
    kind: 'pod',
    vlanId: 0,
    addresses: [{ ipv4: '192.168.17.42', deviceNumber: 1, routeTableId: 2 }],
    routeTables: 'recorded',
  });
});

test('decodeDelInfo() reads results older than upstream v1.20 (no container mac): table from the device number', () => {
  const table: Array<[string, number]> = [['0', 254], ['1', 2], ['2', 3]];
  for (const [device, routeTableId] of table) {
    const prevResult = {
      cniVersion: '0.4.0',
      interfaces: [{ name: 'eni0761ccbeace' }, { name: 'eth0', sandbox: NETNS }, { name: 'dummy0761ccbeace', mac: '0', sandbox: device }],
      ips: [{ version: '4', interface: 1, address: '10.0.5.6/32' }],
      dns: {},
    };
    assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD })?.addresses, [{ ipv4: '10.0.5.6', deviceNumber: Number(device), routeTableId }], device);
  }
});

test('decodeDelInfo() reads back what buildAddResult() wrote, in every version', () => {
  const addresses = [{ ipv4: '10.0.1.9', deviceNumber: 2, routeTableId: 3 }, { ipv4: '10.0.9.1', deviceNumber: 1, routeTableId: 10101 }];
  for (const cniVersion of ['0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const) {
    const prevResult = buildAddResult({ cniVersion, netns: NETNS, ifName: 'eth0', pod: POD, vethPrefix: 'eni', addresses, hostMacs: ['0a:00:00:00:00:01', '0a:00:00:00:00:02'], mtu: 9001 });
    assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD }), { kind: 'pod', vlanId: 0, addresses, routeTables: 'recorded' }, cniVersion);
  }
});

test('decodeDelInfo() reads back the standard encoding (podman): the addresses, with the route tables unknown', () => {
  const pod = { namespace: '', name: 'web' };
  const addresses = [{ ipv4: '10.0.2.7', deviceNumber: 1, routeTableId: 2 }, { ipv4: '10.0.9.1', deviceNumber: 2, routeTableId: 3 }];
  const macs = { hostMacs: ['0a:00:00:00:00:01', '0a:00:00:00:00:02'], podMacs: ['0e:00:00:00:00:01', '0e:00:00:00:00:02'] };
  const placeholders = [{ ipv4: '10.0.2.7', deviceNumber: 0, routeTableId: 254 }, { ipv4: '10.0.9.1', deviceNumber: 0, routeTableId: 254 }];
  for (const cniVersion of ['0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const) {
    const prevResult = buildAddResult({ cniVersion, netns: NETNS, ifName: 'eth0', pod, vethPrefix: 'eni', addresses, encoding: 'standard', ...macs });
    assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod }), { kind: 'pod', vlanId: 0, addresses: placeholders, routeTables: 'unknown' }, cniVersion);
  }
});

test('decodeDelInfo() reads the standard encoding as libcni caches it for podman, with or without the pod name', () => {
  const prevResult = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'enie7008ae5742', mac: '5e:6a:1b:2c:3d:4e' }, { name: 'eth0', mac: '7a:01:02:03:04:05', sandbox: '/run/netns/netns-2b1c' }, { name: 'dummye7008ae5742', mac: '0' }],
    ips: [{ interface: 1, address: '10.0.1.21/32', gateway: '169.254.1.1' }],
  };
  const expected = { kind: 'pod', vlanId: 0, addresses: [{ ipv4: '10.0.1.21', deviceNumber: 0, routeTableId: 254 }], routeTables: 'unknown' };
  assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: { namespace: '', name: 'web' } }), expected);
  assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0' }), expected);
});

test('decodeDelInfo() reads an upstream security-groups-for-pods (branch ENI) result', () => {
  const prevResult = {
    cniVersion: '0.4.0',
    interfaces: [{ name: 'vlan0761ccbeace' }, { name: 'eth0', mac: '0', sandbox: NETNS }, { name: 'dummy0761ccbeace', mac: '7' }],
    ips: [{ version: '4', interface: 1, address: '10.0.3.3/32', gateway: '10.0.3.1' }],
    dns: {},
  };
  assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD }), {
    kind: 'branch-eni',
    vlanId: 7,
    addresses: [{ ipv4: '10.0.3.3', deviceNumber: -1, routeTableId: 107 }],
    routeTables: 'recorded',
  });
});

test('decodeDelInfo() finds the dummy entry without the pod name when it is the only one', () => {
  assert.equal(decodeDelInfo({ prevResult: UPSTREAM_RESULT_0_4_0, ifName: 'eth0' })?.addresses[0]?.ipv4, '192.168.17.42');
  // CNI_ARGS at DEL naming another pod: the single dummy entry still decides.
  assert.equal(decodeDelInfo({ prevResult: UPSTREAM_RESULT_0_4_0, ifName: 'eth0', pod: { namespace: 'x', name: 'y' } })?.addresses[0]?.routeTableId, 2);
});

test('decodeDelInfo() picks the dummy entry by the pod\'s name when several look like one', () => {
  const prevResult = {
    ...UPSTREAM_RESULT_0_4_0,
    interfaces: [...UPSTREAM_RESULT_0_4_0.interfaces as object[], { name: 'dummyaaaaaaaaaaa', mac: '0', sandbox: '5' }],
  };
  assert.equal(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD })?.addresses[0]?.deviceNumber, 1);
  assert.equal(decodeDelInfo({ prevResult, ifName: 'eth0' }), undefined);
});

test('decodeDelInfo() falls back to the device\'s table when a chained plugin put a real MAC on the container entry', () => {
  const prevResult = {
    ...UPSTREAM_RESULT_0_4_0,
    interfaces: [{ name: 'eni0761ccbeace' }, { name: 'eth0', mac: '0a:58:0a:00:00:05', sandbox: NETNS }, { name: 'dummy0761ccbeace', mac: '0', sandbox: '1' }],
  };
  assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD })?.addresses, [{ ipv4: '192.168.17.42', deviceNumber: 1, routeTableId: 2 }]);
});

test('decodeDelInfo() ignores interfaces a chained plugin appended (egress-cni\'s v6 interface)', () => {
  const prevResult = {
    cniVersion: '1.0.0',
    interfaces: [...UPSTREAM_RESULT_0_4_0.interfaces as object[], { name: 'v6if0', mac: '0a:00:00:00:00:09', sandbox: NETNS }],
    ips: [{ interface: 1, address: '192.168.17.42/32' }, { interface: 3, address: 'fd00::ac:5/118' }],
  };
  assert.deepEqual(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD })?.addresses, [{ ipv4: '192.168.17.42', deviceNumber: 1, routeTableId: 2 }]);
});

test('decodeDelInfo() returns undefined, never throws, when there is nothing to go on', () => {
  const dummy = { name: 'dummy0761ccbeace', mac: '0', sandbox: '1' };
  const table: Array<[unknown, string]> = [
    [undefined, 'no prevResult (DEL of a 0.3.x config)'],
    [{ interfaces: 'broken' }, 'malformed prevResult'],
    [{ cniVersion: '0.4.0', interfaces: [{ name: 'veth1' }, { name: 'eth0', sandbox: NETNS }], ips: [{ interface: 1, address: '10.0.0.1/24' }] }, 'another plugin\'s result (no dummy)'],
    [{ interfaces: [{ name: 'eth0' }, { ...dummy, sandbox: 'x' }], ips: [{ interface: 0, address: '10.0.0.1/32' }] }, 'device number not a number'],
    [{ interfaces: [{ name: 'eth0' }, { ...dummy, mac: 'zz' }], ips: [{ interface: 0, address: '10.0.0.1/32' }] }, 'vlan not a number'],
    [{ interfaces: [{ name: 'eni1' }, { name: 'eth0' }, dummy], ips: [{ interface: 1, address: 'fd00::1/128' }] }, 'IPv6 only'],
    [{ interfaces: [{ name: 'eni1' }, { name: 'net1' }, dummy], ips: [{ interface: 1, address: '10.0.0.1/32' }] }, 'another CNI_IFNAME'],
    [{ interfaces: [{ name: 'eni1' }, { name: 'eth0' }, dummy], ips: [{ interface: 1, address: '10.0.0.1/32' }, { interface: 1, address: '10.0.0.2/32' }] }, 'two addresses on one interface'],
  ];
  for (const [prevResult, label] of table) assert.equal(decodeDelInfo({ prevResult, ifName: 'eth0', pod: POD }), undefined, label);
});

test('routeTableForDevice() and deviceForRouteTable() follow upstream\'s route table formulas', () => {
  assert.deepEqual([0, 1, 2, 14].map(routeTableForDevice), [254, 2, 3, 15]);
  const table: Array<[number, number]> = [[254, 0], [2, 1], [3, 2], [15, 14], [10101, 1], [10002, 2], [10203, 3]];
  for (const [routeTable, device] of table) assert.equal(deviceForRouteTable(routeTable), device, String(routeTable));
});
