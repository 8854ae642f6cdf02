import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCniError } from './cni-error.ts';
import { UPSTREAM_RESULT_0_4_0 } from './cni-fixtures.test-support.ts';
import { parseResult, renderResult } from './result.ts';
import type { CniResult } from './result.ts';

const RICH: CniResult = {
  interfaces: [{ name: 'eni1', mac: '0a:58:00:00:00:01', mtu: 9001, socketPath: '/run/x.sock', pciID: '0000:00:05.0' }, { name: 'eth0', mac: '2', sandbox: '/n' }],
  ips: [{ address: '10.0.0.5/32', gateway: '169.254.1.1', interface: 1 }, { address: 'fd00::5/128', interface: 1 }],
  routes: [{ dst: '0.0.0.0/0', gw: '169.254.1.1', mtu: 1500, advmss: 1460, priority: 10, table: 0, scope: 0 }],
  dns: { nameservers: ['10.0.0.2'], domain: 'cluster.local', search: [], options: ['ndots:5'] },
};

test('renderResult() renders 0.4.0 with ips[].version and only the 0.4.0 fields', () => {
  assert.deepEqual(renderResult(RICH, '0.4.0'), {
    cniVersion: '0.4.0',
    interfaces: [{ name: 'eni1', mac: '0a:58:00:00:00:01' }, { name: 'eth0', mac: '2', sandbox: '/n' }],
    ips: [{ version: '4', interface: 1, address: '10.0.0.5/32', gateway: '169.254.1.1' }, { version: '6', interface: 1, address: 'fd00::5/128' }],
    routes: [{ dst: '0.0.0.0/0', gw: '169.254.1.1' }],
    dns: { nameservers: ['10.0.0.2'], domain: 'cluster.local', options: ['ndots:5'] },
  });
});

test('renderResult() renders 1.0.0 without ips[].version and 1.1.0 with interface mtu and rich routes', () => {
  const v100 = renderResult(RICH, '1.0.0');
  assert.deepEqual(v100.ips, [{ interface: 1, address: '10.0.0.5/32', gateway: '169.254.1.1' }, { interface: 1, address: 'fd00::5/128' }]);
  assert.deepEqual((v100.interfaces as unknown[])[0], { name: 'eni1', mac: '0a:58:00:00:00:01' });
  const v110 = renderResult(RICH, '1.1.0');
  assert.deepEqual((v110.interfaces as unknown[])[0], { name: 'eni1', mac: '0a:58:00:00:00:01', mtu: 9001, socketPath: '/run/x.sock', pciID: '0000:00:05.0' });
  // table and scope 0 are meaningful (pointers in libcni); mtu 0 would not be.
  assert.deepEqual(v110.routes, [{ dst: '0.0.0.0/0', gw: '169.254.1.1', mtu: 1500, advmss: 1460, priority: 10, table: 0, scope: 0 }]);
});

test('renderResult() leaves out empty lists, and empty dns from 1.0.0 on', () => {
  const empty: CniResult = { interfaces: [], ips: [], routes: [], dns: {} };
  assert.deepEqual(renderResult(empty, '0.4.0'), { cniVersion: '0.4.0', dns: {} });
  assert.deepEqual(renderResult(empty, '1.0.0'), { cniVersion: '1.0.0' });
});

test('parseResult() reads upstream\'s 0.4.0 result and drops ips[].version', () => {
  assert.deepEqual(parseResult(UPSTREAM_RESULT_0_4_0), {
    interfaces: UPSTREAM_RESULT_0_4_0.interfaces,
    ips: [{ address: '192.168.17.42/32', interface: 1 }],
    routes: [],
    dns: {},
  });
});

test('parseResult() round-trips every version through renderResult()', () => {
  const withoutEmpty = { ...RICH, dns: { nameservers: ['10.0.0.2'], domain: 'cluster.local', options: ['ndots:5'] } };
  assert.deepEqual(parseResult(renderResult(RICH, '1.1.0')), withoutEmpty);
  const legacy = parseResult(renderResult(RICH, '0.4.0'));
  assert.deepEqual(legacy.ips, RICH.ips);
  assert.deepEqual(legacy.routes, [{ dst: '0.0.0.0/0', gw: '169.254.1.1' }]);
});

test('parseResult() refuses a wrong shape with code 7', () => {
  const table: unknown[] = [
    null, [], 'x',
    { interfaces: {} },
    { interfaces: [{ mac: 'x' }] },
    { interfaces: ['eth0'] },
    { ips: [{ interface: 0 }] },
    { ips: [{ address: '10.0.0.1/32', interface: -1 }] },
    { ips: [{ address: '10.0.0.1/32', interface: '1' }] },
    { routes: [{ gw: '1.1.1.1' }] },
    { dns: { nameservers: [1] } },
    { dns: [] },
  ];
  for (const value of table) assert.throws(() => parseResult(value), (error: unknown) => isCniError(error) && error.code === 7 && error.message.startsWith('invalid prevResult'), JSON.stringify(value));
});
