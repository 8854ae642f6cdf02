import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAddResult, buildPodResult, podGateway, resultEncodingFor } from './add-result.ts';
import type { AddResultInput } from './add-result.ts';
import { parseCniArgs } from './cni-args.ts';
import { CRI_ADD_ENV, PODMAN_ADD_ENV, UPSTREAM_RESULT_0_4_0 } from './cni-fixtures.test-support.ts';

const NETNS = '/var/run/netns/cni-4a1b2c3d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const POD = { namespace: 'default', name: 'web-1' };

function input(overrides: Partial<AddResultInput> = {}): AddResultInput {
  return {
    cniVersion: '0.4.0',
    netns: NETNS,
    ifName: 'eth0',
    pod: POD,
    vethPrefix: 'eni',
    addresses: [{ ipv4: '192.168.17.42', deviceNumber: 1, routeTableId: 2 }],
    ...overrides,
  };
}

test('buildAddResult() for 0.4.0 is upstream\'s result plus the gateway', () => {
  const expected = {
    ...UPSTREAM_RESULT_0_4_0,
    ips: [{ version: '4', interface: 1, address: '192.168.17.42/32', gateway: '169.254.1.1' }],
  };
  assert.deepEqual(buildAddResult(input()), expected);
  assert.equal(
    JSON.stringify(buildAddResult(input())),
    `{"cniVersion":"0.4.0","interfaces":[{"name":"eni0761ccbeace"},{"name":"eth0","mac":"2","sandbox":"${NETNS}"},{"name":"dummy0761ccbeace","mac":"0","sandbox":"1"}],` +
      '"ips":[{"version":"4","interface":1,"address":"192.168.17.42/32","gateway":"169.254.1.1"}],"dns":{}}',
  );
});

test('buildAddResult() renders per version: ips[].version and dns only before 1.0.0', () => {
  const table: Array<[AddResultInput['cniVersion'], boolean]> = [['0.3.0', true], ['0.3.1', true], ['0.4.0', true], ['1.0.0', false], ['1.1.0', false]];
  for (const [cniVersion, legacy] of table) {
    const result = buildAddResult(input({ cniVersion }));
    assert.equal(result.cniVersion, cniVersion);
    const ips = result.ips as Array<Record<string, unknown>>;
    assert.equal('version' in (ips[0] ?? {}), legacy, cniVersion);
    assert.equal('dns' in result, legacy, cniVersion);
    assert.equal('routes' in result, false, cniVersion);
  }
});

test('buildAddResult() puts the main table 254 and device 0 in the result for a primary-ENI address', () => {
  const result = buildAddResult(input({ cniVersion: '1.0.0', addresses: [{ ipv4: '10.0.1.9', deviceNumber: 0, routeTableId: 254 }] }));
  assert.deepEqual(result.interfaces, [
    { name: 'eni0761ccbeace' },
    { name: 'eth0', mac: '254', sandbox: NETNS },
    { name: 'dummy0761ccbeace', mac: '0', sandbox: '0' },
  ]);
  assert.deepEqual(result.ips, [{ interface: 1, address: '10.0.1.9/32', gateway: '169.254.1.1' }]);
});

test('buildAddResult() lays out a multi-NIC pod as upstream: host+container pairs, then one dummy', () => {
  const result = buildPodResult(input({
    addresses: [{ ipv4: '10.0.1.9', deviceNumber: 0, routeTableId: 254 }, { ipv4: '10.0.2.7', deviceNumber: 0, routeTableId: 10101 }],
  }));
  assert.deepEqual(result.interfaces.map((entry) => entry.name), ['eni0761ccbeace', 'eth0', 'eni2e5938ed6f6', 'mNicIf1', 'dummy0761ccbeace']);
  assert.deepEqual(result.ips, [
    { address: '10.0.1.9/32', gateway: '169.254.1.1', interface: 1 },
    { address: '10.0.2.7/32', gateway: '169.254.1.2', interface: 3 },
  ]);
  assert.equal(result.interfaces[3]?.mac, '10101');
});

test('buildAddResult() reports host veth MACs, and the MTU only from 1.1.0', () => {
  const options = { hostMacs: ['0a:58:a9:fe:01:01'], mtu: 1500 };
  const v110 = buildAddResult(input({ cniVersion: '1.1.0', ...options }));
  assert.deepEqual(v110.interfaces, [
    { name: 'eni0761ccbeace', mac: '0a:58:a9:fe:01:01', mtu: 1500 },
    { name: 'eth0', mac: '2', mtu: 1500, sandbox: NETNS },
    { name: 'dummy0761ccbeace', mac: '0', sandbox: '1' },
  ]);
  const v100 = buildAddResult(input({ cniVersion: '1.0.0', ...options }));
  assert.deepEqual((v100.interfaces as unknown[])[0], { name: 'eni0761ccbeace', mac: '0a:58:a9:fe:01:01' });
});

test('buildAddResult() names host veths with the configured prefix and podman\'s empty namespace', () => {
  const result = buildPodResult(input({ vethPrefix: 'cali', pod: { namespace: '', name: 'web' } }));
  assert.deepEqual(result.interfaces.map((entry) => entry.name), ['calie7008ae5742', 'eth0', 'dummye7008ae5742']);
});

test('buildAddResult() refuses an empty or malformed assignment', () => {
  assert.throws(() => buildAddResult(input({ addresses: [] })), RangeError);
  assert.throws(() => buildAddResult(input({ addresses: [{ ipv4: '10.0.0', deviceNumber: 0, routeTableId: 254 }] })), SyntaxError);
  assert.throws(() => buildAddResult(input({ addresses: [{ ipv4: '10.0.0.1', deviceNumber: -1, routeTableId: 254 }] })), RangeError);
  assert.throws(() => buildAddResult(input({ addresses: [{ ipv4: '10.0.0.1', deviceNumber: 1, routeTableId: 2.5 }] })), RangeError);
});

test('resultEncodingFor() keeps upstream\'s encoding for Kubernetes pods, real MACs for other runtimes', () => {
  const table: Array<[string, 'upstream' | 'standard']> = [
    [CRI_ADD_ENV.CNI_ARGS ?? '', 'upstream'],
    ['IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1', 'upstream'],
    ['K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_NAME=web-1', 'upstream'],
    [PODMAN_ADD_ENV.CNI_ARGS ?? '', 'standard'],
    ['', 'standard'],
  ];
  for (const [args, encoding] of table) assert.equal(resultEncodingFor(parseCniArgs(args).pod), encoding, args);
});

/** Go's `net.ParseMAC` for the 6-byte forms podman meets (colon or dash separated). */
const GO_PARSABLE_MAC = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

test('buildAddResult() in the standard encoding puts real MACs wherever there is a sandbox (podman parses them)', () => {
  const macs = { hostMacs: ['0a:58:a9:fe:01:01', '0a:58:a9:fe:01:02'], podMacs: ['0e:11:22:33:44:55', '0e:11:22:33:44:66'] };
  const pod = { namespace: '', name: 'web' };
  const addresses = [{ ipv4: '10.0.1.9', deviceNumber: 1, routeTableId: 2 }, { ipv4: '10.0.2.7', deviceNumber: 2, routeTableId: 3 }];
  const result = buildAddResult(input({ cniVersion: '1.0.0', pod, addresses, encoding: 'standard', ...macs }));
  assert.deepEqual(result.interfaces, [
    { name: 'enie7008ae5742', mac: '0a:58:a9:fe:01:01' },
    { name: 'eth0', mac: '0e:11:22:33:44:55', sandbox: NETNS },
    { name: 'enicd8c4273601', mac: '0a:58:a9:fe:01:02' },
    { name: 'mNicIf1', mac: '0e:11:22:33:44:66', sandbox: NETNS },
    { name: 'dummye7008ae5742', mac: '0' },
  ]);
  assert.deepEqual(result.ips, [
    { interface: 1, address: '10.0.1.9/32', gateway: '169.254.1.1' },
    { interface: 3, address: '10.0.2.7/32', gateway: '169.254.1.2' },
  ]);
  for (const entry of result.interfaces as Array<{ mac?: string; sandbox?: string }>) {
    if (entry.sandbox !== undefined) assert.match(entry.mac ?? '', GO_PARSABLE_MAC);
  }
});

test('buildAddResult() in the upstream encoding ignores pod MACs; the standard one refuses to go without them', () => {
  const upstream = buildPodResult(input({ podMacs: ['0e:11:22:33:44:55'] }));
  assert.deepEqual(upstream.interfaces.map((entry) => entry.mac), [undefined, '2', '0']);
  assert.throws(() => buildPodResult(input({ encoding: 'standard' })), /needs the MAC of container interface 0/);
});

test('podGateway() is 169.254.1.<index+1>', () => {
  assert.deepEqual([0, 1, 2].map(podGateway), ['169.254.1.1', '169.254.1.2', '169.254.1.3']);
});
