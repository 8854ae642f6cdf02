/**
 * podman 4.3 with its CNI network backend runs vpcnet-cni, as on a node without Kubernetes: podman runs with
 * a private config (containers.conf, storage.conf, CNI bin and config dirs, runc state, all under a temp dir)
 * inside the "node" namespace of cni-kit.ts, the image is a busybox-static rootfs `podman import`ed offline,
 * and the plugin is the built single executable, its daemon the fake one behind the real RPC server.
 * `podman run --network vpcnet` must give two containers the daemon's VPC addresses (podman parses every
 * MAC of the result, so vpcnet reports real ones), the containers must reach each other and the VPC, and
 * `podman rm -f` must give the addresses back and leave nothing on the node, even when the daemon fails the
 * DEL (then the plugin tears down from the result podman cached). Nothing runs in, or routes through, the
 * machine's own network namespace, and podman's fixed host paths are private to it (see podman-kit.ts).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hostVethName } from '../../src/core/cni/index.ts';
import type { RpcServer } from '../../src/daemon/rpc-server.ts';
import { buildCni } from '../../scripts/build-cni.ts';
import { buildNodeTopology, deleteNamespaces, host, nodeStateFor, startFakeDaemon, uniquePrefix } from '../netns/cni-kit.ts';
import { busyboxRootfsTar, clientsTempDir, cniBinDir, eth0Addresses, exists, killPids, pidsMentioning, pingsFrom, unmountBelow } from './clients-kit.ts';
import type { PodmanContainer } from './podman-kit.ts';
import { FaultInjectingIpamdService, linkMac, PODMAN_NETWORK, PrivatePodman } from './podman-kit.ts';

const prefix = uniquePrefix('p');
const dir = await clientsTempDir('podman');
const socketPath = join(dir, 'ipamd.sock');
const IMAGE = 'localhost/vpcnet-busybox:local';
const service = new FaultInjectingIpamdService([
  { ipv4: '10.0.1.21', deviceNumber: 0, routeTableId: 254, forPod: 'web-a' },
  { ipv4: '10.0.2.22', deviceNumber: 1, routeTableId: 2, forPod: 'web-b' },
]);
let daemon: RpcServer | undefined;
let podman: PrivatePodman | undefined;
let node = '';
const started = new Map<string, PodmanContainer>();

/** podman names no namespace: the host veth hashes ".<container name>". */
const vethOf = (name: string): string => hostVethName('eni', { namespace: '', name });
const nothingLeft = { rules: [], routes: [], vethExists: false };

async function startPodman(): Promise<PrivatePodman> {
  const built = await buildCni({ outDir: join(dir, 'build') });
  const client = await PrivatePodman.start({ dir, node, binDir: await cniBinDir(dir, built.executable), ipamdSocket: socketPath });
  await client.importImage(await busyboxRootfsTar(dir), IMAGE);
  return client;
}

async function runContainer(name: string, command: readonly string[]): Promise<PodmanContainer> {
  await podman!.run(['run', '-d', '--name', name, '--network', PODMAN_NETWORK, IMAGE, ...command]).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n--- plugin log\n${(await podman!.pluginLog()).split('\n').slice(-10).join('\n')}`);
  });
  const container = await podman!.inspect(name);
  started.set(name, container);
  return container;
}

async function removeLeftovers(): Promise<void> {
  for (const [name, container] of started) {
    await podman?.tryRun(['rm', '-f', '-t', '0', name]);
    // podman removes the namespace it made; one left by a failed removal goes by its exact name.
    if (container.netns !== '' && (await exists(container.netns))) await host.run('ip', ['netns', 'del', basename(container.netns)]);
  }
  killPids(await pidsMentioning(dir)); // conmon of containers that could not be removed
  await podman?.stop();
  await unmountBelow(dir);
}

function exec(name: string, command: readonly string[]): Promise<string> {
  return podman!.run(['exec', name, ...command]);
}

describe('vpcnet-cni under podman with the CNI network backend', () => {
  before(async () => {
    ({ node } = await buildNodeTopology(prefix));
    daemon = await startFakeDaemon(socketPath, service);
    podman = await startPodman();
  });

  after(async () => {
    await removeLeftovers();
    await daemon?.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  test('podman run --network vpcnet gives two containers the VPC addresses the daemon handed out', async () => {
    const webA = await runContainer('web-a', ['sleep', '100000']);
    const webB = await runContainer('web-b', ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/etc']);
    assert.deepEqual([webA.running, webA.ipAddress, webA.gateway], [true, '10.0.1.21', '169.254.1.1']);
    assert.deepEqual([webB.running, webB.ipAddress, webB.gateway], [true, '10.0.2.22', '169.254.1.1']);
    assert.match(webA.netns, /^\/run\/netns\/netns-/);
    assert.deepEqual(await eth0Addresses(webA.netns), ['10.0.1.21/32']);
    assert.deepEqual(await eth0Addresses(webB.netns), ['10.0.2.22/32']);
  });

  test('podman run passes the container name, and no Kubernetes pod, through CNI_ARGS to the daemon', () => {
    const added = service.adds.map((request) => ({ key: request.key, pod: request.pod }));
    const expected = ['web-a', 'web-b'].map((name) => ({
      key: { networkName: PODMAN_NETWORK, containerId: started.get(name)?.id ?? '', ifName: 'eth0' },
      pod: { namespace: '', name, infraContainerId: '', uid: '' },
    }));
    assert.deepEqual(added, expected);
  });

  test('podman run gets a result with real MACs: podman reports eth0\'s, libcni caches the standard encoding', async () => {
    const webA = started.get('web-a')!;
    const mac = await linkMac(webA.netns, 'eth0');
    assert.equal(webA.macAddress, mac, 'podman inspect shows the container interface\'s MAC');
    const cached = await podman!.cachedResult(webA.id);
    assert.deepEqual(cached.interfaces, [
      { name: vethOf('web-a'), mac: await linkMac(`/var/run/netns/${node}`, vethOf('web-a')) },
      { name: 'eth0', mac, sandbox: webA.netns },
      { name: `dummy${vethOf('web-a').slice(3)}`, mac: '0' },
    ]);
  });

  test('podman containers reach each other and the VPC through the node', async () => {
    const webB = started.get('web-b')!;
    assert.match(await exec('web-a', ['ping', '-c', '1', '-W', '2', '10.0.2.22']), / 0% packet loss/, 'web-a -> web-b');
    assert.equal((await exec('web-a', ['busybox', 'wget', '-q', '-O', '-', 'http://10.0.2.22:8080/hostname'])).trim(), webB.hostname, 'web-a fetches from web-b');
    assert.ok(await pingsFrom(webB.netns, '10.0.1.21'), 'web-b -> web-a');
    assert.match(await exec('web-b', ['ping', '-c', '1', '-W', '2', '10.99.0.1']), / 0% packet loss/, 'web-b -> VPC through its ENI table');
    assert.deepEqual(await nodeStateFor(node, '10.0.2.22', vethOf('web-b')), {
      rules: ['to 10.0.2.22 lookup main prio 512', 'from 10.0.2.22 lookup 2 prio 1536'], routes: [`10.0.2.22 dev ${vethOf('web-b')}`], vethExists: true,
    });
  });

  test('podman rm -f sends DEL: the daemon releases the address and the node forgets the container', async () => {
    const webA = started.get('web-a')!;
    await podman!.run(['rm', '-f', '-t', '0', 'web-a']);
    started.delete('web-a');
    assert.ok(service.dels.some((request) => request.key.containerId === webA.id && request.pod.name === 'web-a'), 'DEL reached the daemon');
    assert.deepEqual([...service.assigned.keys()], [`${PODMAN_NETWORK}/${started.get('web-b')?.id ?? ''}/eth0`], 'only web-b still holds an address');
    assert.deepEqual(await nodeStateFor(node, '10.0.1.21', vethOf('web-a')), nothingLeft);
    assert.equal(await exists(webA.netns), false, 'container netns removed');
    assert.ok(await pingsFrom(started.get('web-b')!.netns, '10.99.0.1'), 'web-b still works');
  });

  test('podman rm -f with the daemon failing DEL tears the node down from the result podman cached', async () => {
    const webB = started.get('web-b')!;
    service.failDels = true;
    await podman!.run(['rm', '-f', '-t', '0', 'web-b']);
    started.delete('web-b');
    assert.ok(service.dels.some((request) => request.key.containerId === webB.id), 'DEL asked the daemon first');
    assert.equal(service.assigned.size, 1, 'the daemon kept the address (it reconciles it later)');
    const fromPrevResult = (await podman!.pluginLog()).split('\n').filter((line) => line.includes(webB.id) && line.includes('Tearing down from prevResult'));
    assert.equal(fromPrevResult.length, 1, 'DEL fell back to prevResult');
    assert.match(fromPrevResult[0] ?? '', /"addresses":"10\.0\.2\.22"/);
    assert.deepEqual(await nodeStateFor(node, '10.0.2.22', vethOf('web-b')), nothingLeft);
    assert.equal(await exists(webB.netns), false, 'container netns removed');
  });
});
