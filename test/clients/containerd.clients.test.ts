/**
 * containerd 1.6's CRI (the runtime kubelet drives) runs vpcnet-cni: containerd starts with a private config
 * (root, state, socket, CNI bin and conf dirs under a temp dir) inside the "node" namespace of cni-kit.ts,
 * and a tiny CRI client does what kubelet does: RunPodSandbox for two pods, PodSandboxStatus, then
 * StopPodSandbox and RemovePodSandbox. The plugin is the built single executable, its daemon the fake one
 * behind the real RPC server; the sandboxes must get the daemon's VPC addresses, reach each other, and give
 * them back on stop. Nothing runs in, or routes through, the machine's own namespace.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runChecked } from '../../src/adapters/linux/ip-batch.ts';
import { hostVethName } from '../../src/core/cni/index.ts';
import type { RpcServer } from '../../src/daemon/rpc-server.ts';
import { buildCni } from '../../scripts/build-cni.ts';
import { buildNodeTopology, deleteNamespaces, host, nodeStateFor, startFakeDaemon, uniquePrefix } from '../netns/cni-kit.ts';
import {
  busyboxRootfsTar, clientsTempDir, cniBinDir, eth0Addresses, exists, HostLeftovers, killPids, NodeProcess, ociArchive, pidsMentioning, pingsFrom,
  RecordingIpamdService, unmountBelow, vpcnetPluginConf, waitFor,
} from './clients-kit.ts';
import type { PodMetadata, SandboxStatus } from './cri-client.ts';
import { CriClient } from './cri-client.ts';

const prefix = uniquePrefix('k');
const dir = await clientsTempDir('containerd');
const socketPath = join(dir, 'ipamd.sock');
const containerdSocket = join(dir, 'containerd.sock');
const service = new RecordingIpamdService([
  { ipv4: '10.0.1.21', deviceNumber: 0, routeTableId: 254, forPod: 'web-a' },
  { ipv4: '10.0.2.22', deviceNumber: 1, routeTableId: 2, forPod: 'web-b' },
]);
const podA: PodMetadata = { name: 'web-a', namespace: 'shop', uid: 'uid-web-a' };
const podB: PodMetadata = { name: 'web-b', namespace: 'shop', uid: 'uid-web-b' };
let daemon: RpcServer | undefined;
let containerd: NodeProcess | undefined;
let cri: CriClient | undefined;
let node = '';
let leftovers: HostLeftovers | undefined;
const sandboxes = new Map<string, string>();

function containerdConfig(binDir: string, confDir: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
[grpc]
  address = "${containerdSocket}"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:local"
  enable_selinux = false
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${binDir}"
    conf_dir = "${confDir}"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${dir}/runc"
`;
}

async function startContainerd(): Promise<CriClient> {
  const built = await buildCni({ outDir: join(dir, 'build') });
  const binDir = await cniBinDir(dir, built.executable);
  const confDir = join(dir, 'net.d');
  await mkdir(confDir);
  const conflist = { cniVersion: '1.0.0', name: 'vpcnet', plugins: [vpcnetPluginConf(socketPath, join(dir, 'plugin.log'))] };
  await writeFile(join(confDir, '10-vpcnet.conflist'), JSON.stringify(conflist, null, 2));
  await writeFile(join(dir, 'containerd.toml'), containerdConfig(binDir, confDir));
  containerd = await NodeProcess.start({
    netns: `/var/run/netns/${node}`, file: 'containerd', args: ['--config', join(dir, 'containerd.toml')], logFile: join(dir, 'containerd.log'),
  });
  const client = await CriClient.connect({ socketPath: containerdSocket, scratchDir: dir });
  await waitFor('containerd CRI', async () => (await client.version()).runtimeName);
  const image = await ociArchive(await busyboxRootfsTar(dir), 'localhost/pause:local', ['sleep', '100000']);
  await runChecked(host, 'ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'image', 'import', image]);
  return client;
}

async function runSandbox(pod: PodMetadata): Promise<SandboxStatus> {
  const id = await cri!.runPodSandbox(pod);
  sandboxes.set(pod.name, id);
  return cri!.podSandboxStatus(id);
}

async function removeLeftovers(): Promise<void> {
  for (const id of sandboxes.values()) {
    await cri?.stopPodSandbox(id).catch(() => undefined);
    await cri?.removePodSandbox(id).catch(() => undefined);
  }
  cri?.close();
  await containerd?.stop();
  killPids(await pidsMentioning(containerdSocket)); // shims of sandboxes that could not be stopped
  await unmountBelow(dir);
}

describe('vpcnet-cni under containerd CRI', () => {
  const status = new Map<string, SandboxStatus>();

  before(async () => {
    leftovers = await HostLeftovers.note(['/run/containerd', '/var/lib/cni']);
    ({ node } = await buildNodeTopology(prefix));
    daemon = await startFakeDaemon(socketPath, service);
    cri = await startContainerd();
  });

  after(async () => {
    await removeLeftovers();
    await daemon?.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
    await leftovers?.remove();
  });

  test('RunPodSandbox() gives two pods the VPC addresses the daemon handed out', async () => {
    for (const pod of [podA, podB]) {
      const reply = await runSandbox(pod).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n--- containerd log\n${await containerd!.tail()}`);
      });
      status.set(pod.name, reply);
      assert.equal(reply.state, 'SANDBOX_READY');
      assert.match(reply.netnsPath, /^\/var\/run\/netns\/cni-/);
    }
    assert.equal(status.get('web-a')?.ip, '10.0.1.21');
    assert.equal(status.get('web-b')?.ip, '10.0.2.22');
    assert.deepEqual(await eth0Addresses(status.get('web-a')!.netnsPath), ['10.0.1.21/32']);
    assert.deepEqual(await eth0Addresses(status.get('web-b')!.netnsPath), ['10.0.2.22/32']);
  });

  test('RunPodSandbox() passes the pod identity from CRI through CNI_ARGS to the daemon', () => {
    const added = service.adds.map((request) => ({ key: request.key, pod: request.pod }));
    const expected = [podA, podB].map((pod) => {
      const id = sandboxes.get(pod.name) ?? '';
      return { key: { networkName: 'vpcnet', containerId: id, ifName: 'eth0' }, pod: { namespace: pod.namespace, name: pod.name, infraContainerId: id, uid: pod.uid } };
    });
    assert.deepEqual(added, expected);
  });

  test('RunPodSandbox() sandboxes reach each other and the VPC through the node', async () => {
    const netnsA = status.get('web-a')!.netnsPath;
    const netnsB = status.get('web-b')!.netnsPath;
    assert.ok(await pingsFrom(netnsA, '10.0.2.22'), 'web-a -> web-b');
    assert.ok(await pingsFrom(netnsB, '10.0.1.21'), 'web-b -> web-a');
    assert.ok(await pingsFrom(netnsB, '10.99.0.1'), 'web-b -> VPC through its ENI table');
    assert.deepEqual(await nodeStateFor(node, '10.0.2.22', hostVethName('eni', podB)), {
      rules: ['to 10.0.2.22 lookup main prio 512', 'from 10.0.2.22 lookup 2 prio 1536'], routes: [`10.0.2.22 dev ${hostVethName('eni', podB)}`], vethExists: true,
    });
  });

  test('StopPodSandbox() sends DEL that releases the address; RemovePodSandbox() deletes the sandbox', async () => {
    const idA = sandboxes.get('web-a')!;
    await cri!.stopPodSandbox(idA);
    assert.ok(service.dels.some((request) => request.key.containerId === idA && request.pod.name === 'web-a'), 'DEL reached the daemon');
    assert.deepEqual([...service.assigned.keys()], [`vpcnet/${sandboxes.get('web-b') ?? ''}/eth0`], 'only web-b still holds an address');
    assert.deepEqual(await nodeStateFor(node, '10.0.1.21', hostVethName('eni', podA)), { rules: [], routes: [], vethExists: false });
    assert.equal((await cri!.podSandboxStatus(idA)).state, 'SANDBOX_NOTREADY');
    assert.ok(await pingsFrom(status.get('web-b')!.netnsPath, '10.99.0.1'), 'web-b still works');
    await cri!.removePodSandbox(idA);
    await assert.rejects(cri!.podSandboxStatus(idA), /not found|NotFound/i);
    assert.equal(await exists(status.get('web-a')!.netnsPath), false, 'sandbox netns removed');
    sandboxes.delete('web-a');
  });

  test('StopPodSandbox() and RemovePodSandbox() of the last pod leave the daemon and the node empty', async () => {
    const idB = sandboxes.get('web-b')!;
    await cri!.stopPodSandbox(idB);
    await cri!.removePodSandbox(idB);
    sandboxes.delete('web-b');
    assert.equal(service.assigned.size, 0);
    assert.deepEqual(await nodeStateFor(node, '10.0.2.22', hostVethName('eni', podB)), { rules: [], routes: [], vethExists: false });
  });
});
