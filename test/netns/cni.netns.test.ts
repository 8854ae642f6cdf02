/**
 * runCni against real namespaces, with packets as the oracle: two pods ADDed into a "node" namespace (one on
 * the primary ENI, one on a secondary ENI with route table 2) by a fake daemon served over the real
 * unix-socket protocol; then CHECK, repeated ADD, DEL (twice, without the daemon, with an empty CNI_NETNS),
 * ADD after a daemon restart. Rollback is in cni-rollback.netns.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeDelInfo, hostVethName } from '../../src/core/cni/index.ts';
import type { RpcServer } from '../../src/daemon/rpc-server.ts';
import { connectIpamd } from '../../src/plugin/ipamd-connection.ts';
import type { CniOutcome, PluginDeps } from '../../src/plugin/plugin-deps.ts';
import { PluginFileLogger } from '../../src/plugin/plugin-logger.ts';
import { runCni } from '../../src/plugin/run-cni.ts';
import { addNamespace, buildNodeTopology, deleteNamespaces, FakeIpamdService, inNs, NetnsRunner, nodeStateFor, pings, startFakeDaemon, uniquePrefix } from './cni-kit.ts';

const prefix = uniquePrefix('a');
const dir = await mkdtemp(join(tmpdir(), 'vpcnet-cni-netns-'));
const socketPath = join(dir, 'ipamd.sock');
const service = new FakeIpamdService([
  { ipv4: '10.0.1.5', deviceNumber: 0, routeTableId: 254, forPod: 'pod-a' },
  { ipv4: '10.0.2.7', deviceNumber: 1, routeTableId: 2, forPod: 'pod-b' },
  { ipv4: '10.0.1.8', deviceNumber: 0, routeTableId: 254 },
  { ipv4: '10.0.1.9', deviceNumber: 0, routeTableId: 254 },
]);
let daemon: RpcServer | undefined;
let node = '';

function deps(): PluginDeps {
  return {
    runner: new NetnsRunner(node),
    ipamd: (path) => connectIpamd(path),
    logger: (target) => new PluginFileLogger(target),
    random: (size) => randomBytes(size),
    delTimeoutMs: 2000,
  };
}

interface Pod {
  readonly name: string;
  readonly ns: string;
  readonly netns: string;
  readonly containerId: string;
}

async function newPod(name: string): Promise<Pod> {
  const ns = `${prefix}-${name}`;
  return { name, ns, netns: await addNamespace(ns), containerId: `ctr-${name}-${randomBytes(4).toString('hex')}` };
}

function cni(command: string, pod: Pod, options: { cniVersion?: string; prevResult?: unknown; netns?: string } = {}): Promise<CniOutcome> {
  const env = {
    CNI_COMMAND: command, CNI_CONTAINERID: pod.containerId, CNI_NETNS: options.netns ?? pod.netns, CNI_IFNAME: 'eth0', CNI_PATH: '/usr/lib/cni',
    CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=${pod.name};K8S_POD_INFRA_CONTAINER_ID=${pod.containerId}`,
  };
  const conf = {
    cniVersion: options.cniVersion ?? '1.0.0', name: 'aws-cni', type: 'aws-cni', vethPrefix: 'eni', mtu: '9001', ipamdSocket: socketPath,
    pluginLogFile: join(dir, 'plugin.log'), pluginLogLevel: 'DEBUG', ...(options.prevResult === undefined ? {} : { prevResult: options.prevResult }),
  };
  return runCni({ env, stdin: JSON.stringify(conf) }, deps());
}

async function add(pod: Pod, cniVersion = '1.0.0'): Promise<Record<string, unknown>> {
  const outcome = await cni('ADD', pod, { cniVersion });
  assert.equal(outcome.exitCode, 0, outcome.stdout);
  return JSON.parse(outcome.stdout) as Record<string, unknown>;
}

const veth = (pod: Pod): string => hostVethName('eni', { namespace: 'default', name: pod.name });
const nothingLeft = { rules: [], routes: [], vethExists: false };

describe('vpcnet-cni in network namespaces', () => {
  let podA: Pod;
  let podB: Pod;
  let resultA: Record<string, unknown>;
  let resultB: Record<string, unknown>;

  before(async () => {
    ({ node } = await buildNodeTopology(prefix));
    daemon = await startFakeDaemon(socketPath, service);
    podA = await newPod('pod-a');
    podB = await newPod('pod-b');
  });

  after(async () => {
    await daemon?.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  test('runCni() ADD wires two pods that reach each other, the node, and the VPC through their ENI table', async () => {
    resultA = await add(podA, '0.4.0');
    resultB = await add(podB, '1.0.0');
    assert.ok(await pings(podA.ns, '10.0.2.7'), 'pod A -> pod B');
    assert.ok(await pings(podB.ns, '10.0.1.5'), 'pod B -> pod A');
    assert.ok(await pings(podA.ns, '192.168.1.10'), 'pod A -> node');
    assert.ok(await pings(podB.ns, '192.168.1.10'), 'pod B -> node');
    assert.ok(await pings(podA.ns, '10.99.0.1'), 'pod A -> VPC through eth0 (main table)');
    assert.ok(await pings(podB.ns, '10.99.0.1'), 'pod B -> VPC through eth1 (table 2; strict rp_filter drops it on eth0)');
    assert.deepEqual(await nodeStateFor(node, '10.0.2.7', veth(podB)), {
      rules: ['to 10.0.2.7 lookup main prio 512', 'from 10.0.2.7 lookup 2 prio 1536'], routes: [`10.0.2.7 dev ${veth(podB)}`], vethExists: true,
    });
    assert.equal((await inNs(podA.ns, 'cat /sys/class/net/eth0/mtu')).trim(), '9001');
    assert.equal((await inNs(node, `cat /proc/sys/net/ipv6/conf/${veth(podA)}/accept_ra`)).trim(), '0');
  });

  test('runCni() ADD prints results that are valid 0.4.0 and 1.0.0 results and carry what DEL needs', () => {
    assert.equal(resultA.cniVersion, '0.4.0');
    assert.deepEqual(resultA.ips, [{ version: '4', interface: 1, address: '10.0.1.5/32', gateway: '169.254.1.1' }]);
    assert.deepEqual(resultA.dns, {});
    const [hostEntry, podEntry, dummy] = resultA.interfaces as Array<Record<string, unknown>>;
    assert.equal(hostEntry?.name, veth(podA));
    assert.match(String(hostEntry?.mac), /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.deepEqual(podEntry, { name: 'eth0', mac: '254', sandbox: podA.netns });
    assert.deepEqual(dummy, { name: `dummy${veth(podA).slice(3)}`, mac: '0', sandbox: '0' });
    assert.equal(resultB.cniVersion, '1.0.0');
    assert.deepEqual(resultB.ips, [{ interface: 1, address: '10.0.2.7/32', gateway: '169.254.1.1' }]);
    assert.equal('dns' in resultB, false);
    const decoded = decodeDelInfo({ prevResult: resultB, ifName: 'eth0', pod: { namespace: 'default', name: 'pod-b' } });
    assert.deepEqual(decoded?.addresses, [{ ipv4: '10.0.2.7', deviceNumber: 1, routeTableId: 2 }]);
  });

  test('runCni() CHECK passes on a wired pod and fails, naming it, once the pod default route is gone', async () => {
    assert.deepEqual(await cni('CHECK', podA, { cniVersion: '0.4.0', prevResult: resultA }), { stdout: '', exitCode: 0 });
    assert.equal((await cni('CHECK', podB, { prevResult: resultB })).exitCode, 0);
    await inNs(podA.ns, 'ip route del default');
    const failed = await cni('CHECK', podA, { cniVersion: '0.4.0', prevResult: resultA });
    assert.equal(failed.exitCode, 1);
    assert.match((JSON.parse(failed.stdout) as { msg: string }).msg, /pod default route via 169\.254\.1\.1 is missing/);
  });

  test('runCni() ADD is idempotent for the same IPAM key: same address, datapath restored, no duplicates', async () => {
    const again = await add(podA, '0.4.0');
    assert.deepEqual(again.ips, resultA.ips);
    resultA = again;
    assert.ok(await pings(podA.ns, '10.0.2.7'), 'the default route is back');
    await inNs(node, 'ip rule del from 10.0.2.7 lookup 2 prio 1536');
    assert.equal(await pings(podB.ns, '10.99.0.1'), false, 'without its table rule pod B leaves through eth0 and is dropped');
    assert.equal((await cni('CHECK', podB, { prevResult: resultB })).exitCode, 1);
    resultB = await add(podB);
    assert.ok(await pings(podB.ns, '10.99.0.1'), 'the repeated ADD restored the table rule');
    const stateA = await nodeStateFor(node, '10.0.1.5', veth(podA));
    assert.deepEqual(stateA.rules, ['to 10.0.1.5 lookup main prio 512']);
    assert.deepEqual(stateA.routes, [`10.0.1.5 dev ${veth(podA)}`]);
    assert.equal(service.assigned.size, 2);
  });

  test('runCni() DEL removes the pod datapath and releases the address, and succeeds again', async () => {
    assert.deepEqual(await cni('DEL', podA, { cniVersion: '0.4.0', prevResult: resultA }), { stdout: '', exitCode: 0 });
    assert.deepEqual(await nodeStateFor(node, '10.0.1.5', veth(podA)), nothingLeft);
    assert.equal(await pings(podB.ns, '10.0.1.5'), false);
    assert.deepEqual(await cni('DEL', podA, { cniVersion: '0.4.0', prevResult: resultA }), { stdout: '', exitCode: 0 });
    assert.deepEqual(service.dels.slice(-2).map((request) => request.cause), ['PodDeleted', 'PodDeleted']);
  });

  test('runCni() DEL with the daemon down succeeds and removes the host rules and route recorded in prevResult', async () => {
    await daemon?.close();
    daemon = undefined;
    assert.deepEqual(await cni('DEL', podB, { prevResult: resultB }), { stdout: '', exitCode: 0 });
    assert.deepEqual(await nodeStateFor(node, '10.0.2.7', veth(podB)), nothingLeft);
  });

  test('runCni() ADD works again after the daemon restarts', async () => {
    assert.equal((await cni('ADD', await newPod('pod-c'))).exitCode, 1, 'no daemon: ADD fails');
    daemon = await startFakeDaemon(socketPath, service);
    const podC = await newPod('pod-c2');
    const result = await add(podC);
    const address = String((result.ips as Array<{ address: string }>)[0]?.address).split('/')[0] ?? '';
    assert.ok(await pings(podC.ns, '192.168.1.10'), 'pod C -> node');
    assert.ok(await pings(node, address), 'node -> pod C');
  });

  test('runCni() DEL with an empty CNI_NETNS succeeds and removes the host rules and route', async () => {
    const podD = await newPod('pod-d');
    const result = await add(podD);
    const address = String((result.ips as Array<{ address: string }>)[0]?.address).split('/')[0] ?? '';
    assert.deepEqual(await cni('DEL', podD, { prevResult: result, netns: '' }), { stdout: '', exitCode: 0 });
    const state = await nodeStateFor(node, address, veth(podD));
    assert.deepEqual([state.rules, state.routes], [[], []]);
    await inNs(node, `ip netns del ${podD.ns}`);
    assert.equal((await nodeStateFor(node, address, veth(podD))).vethExists, false, 'the veth went with the namespace');
  });
});
