/**
 * A failed ADD leaves nothing behind: for a failure injected at each command of the setup (host batch, pod
 * batch, sysctls) and for a real one (the pod already has an eth0), no veth, route or rule remains on the
 * node, nothing is left in the pod, and the address goes back to the daemon with cause SetupNSFailed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hostVethName } from '../../src/core/cni/index.ts';
import type { RpcServer } from '../../src/daemon/rpc-server.ts';
import type { CommandRunner } from '../../src/ports/command-runner.ts';
import { connectIpamd } from '../../src/plugin/ipamd-connection.ts';
import { PluginFileLogger } from '../../src/plugin/plugin-logger.ts';
import { runCni } from '../../src/plugin/run-cni.ts';
import { addNamespace, buildNodeTopology, deleteNamespaces, FailingRunner, FakeIpamdService, inNs, NetnsRunner, nodeStateFor, startFakeDaemon, uniquePrefix } from './cni-kit.ts';

const prefix = uniquePrefix('r');
const dir = await mkdtemp(join(tmpdir(), 'vpcnet-cni-rollback-'));
const socketPath = join(dir, 'ipamd.sock');
// Every pod gets the secondary-ENI address, so each setup also creates the "from <ip> lookup 2" rule.
const ADDRESS = { ipv4: '10.0.2.20', deviceNumber: 1, routeTableId: 2 };
const service = new FakeIpamdService([ADDRESS]);
let daemon: RpcServer | undefined;
let node = '';
let count = 0;

async function addWith(runner: (inner: CommandRunner) => CommandRunner, prepare?: (ns: string) => Promise<unknown>): Promise<{ stdout: string; exitCode: number; ns: string; podName: string }> {
  const podName = `pod-${count++}`;
  const ns = `${prefix}-${podName}`;
  const netns = await addNamespace(ns);
  await prepare?.(ns);
  const containerId = `ctr-${randomBytes(4).toString('hex')}`;
  const env = {
    CNI_COMMAND: 'ADD', CNI_CONTAINERID: containerId, CNI_NETNS: netns, CNI_IFNAME: 'eth0',
    CNI_ARGS: `K8S_POD_NAMESPACE=default;K8S_POD_NAME=${podName};K8S_POD_INFRA_CONTAINER_ID=${containerId}`,
  };
  const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'aws-cni', type: 'aws-cni', mtu: '1500', ipamdSocket: socketPath, pluginLogFile: join(dir, 'plugin.log') });
  const outcome = await runCni({ env, stdin }, {
    runner: runner(new NetnsRunner(node)),
    ipamd: (path) => connectIpamd(path),
    logger: (target) => new PluginFileLogger(target),
    random: (size) => randomBytes(size),
  });
  return { ...outcome, ns, podName };
}

async function assertNothingLeft(ns: string, podName: string): Promise<void> {
  const veth = hostVethName('eni', { namespace: 'default', name: podName });
  assert.deepEqual(await nodeStateFor(node, ADDRESS.ipv4, veth), { rules: [], routes: [], vethExists: false });
  assert.doesNotMatch(await inNs(ns, 'ip -o link show'), /veth|@/, 'no veth end left in the pod');
  assert.equal(service.assigned.size, 0, 'the address went back to the daemon');
  assert.equal(service.dels.at(-1)?.cause, 'SetupNSFailed');
}

describe('vpcnet-cni ADD rollback', () => {
  before(async () => {
    ({ node } = await buildNodeTopology(prefix));
    daemon = await startFakeDaemon(socketPath, service);
  });

  after(async () => {
    await daemon?.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  for (const [failAt, what] of [[1, 'host batch'], [2, 'pod batch'], [3, 'sysctls']] as const) {
    test(`runCni() ADD rolls back everything when the ${what} (command ${failAt}) fails`, async () => {
      const outcome = await addWith((inner) => new FailingRunner(inner, failAt));
      assert.equal(outcome.exitCode, 1);
      const error = JSON.parse(outcome.stdout) as { code: number; msg: string; details: string };
      assert.equal(error.code, 999);
      assert.match(error.msg, new RegExp(`^cannot set up the network of pod "default/${outcome.podName}": .*injected failure of command ${failAt}`));
      assert.match(error.details, /SetupNSFailed/);
      await assertNothingLeft(outcome.ns, outcome.podName);
    });
  }

  test('runCni() ADD rolls back the rules it made when the pod already has an eth0', async () => {
    const outcome = await addWith((inner) => inner, (ns) => inNs(ns, 'ip link add eth0 type veth peer name other0'));
    assert.equal(outcome.exitCode, 1);
    assert.match((JSON.parse(outcome.stdout) as { msg: string }).msg, /link add .* File exists/);
    const veth = hostVethName('eni', { namespace: 'default', name: outcome.podName });
    assert.deepEqual(await nodeStateFor(node, ADDRESS.ipv4, veth), { rules: [], routes: [], vethExists: false });
    assert.equal(service.assigned.size, 0);
  });

  test('runCni() ADD succeeds after the rollbacks with the released address', async () => {
    const outcome = await addWith((inner) => inner);
    assert.equal(outcome.exitCode, 0, outcome.stdout);
    assert.deepEqual((JSON.parse(outcome.stdout) as { ips: unknown[] }).ips, [{ interface: 1, address: '10.0.2.20/32', gateway: '169.254.1.1' }]);
  });
});
