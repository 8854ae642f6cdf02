/**
 * The executable a runtime would run: the plugin built as a single-executable application
 * (scripts/build-cni.ts), installed as `aws-cni` in a CNI bin dir next to Debian's reference plugins, and
 * driven through a conflist [aws-cni, portmap] as libcni drives it. portmap must accept vpcnet's result, and
 * its hostPort mapping must carry HTTP from another namespace to busybox httpd in the pod.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostVethName } from '../../src/core/cni/index.ts';
import type { RpcServer } from '../../src/daemon/rpc-server.ts';
import { buildCni } from '../../scripts/build-cni.ts';
import type { Conflist, RuntimeConf } from '../../src/lab/cluster/cni-driver.ts';
import { CniDriver } from '../../src/lab/cluster/cni-driver.ts';
import { addNamespace, buildNodeTopology, deleteNamespaces, FakeIpamdService, host, inNs, nodeStateFor, startFakeDaemon, uniquePrefix } from './cni-kit.ts';

const prefix = uniquePrefix('c');
const dir = await mkdtemp(join(tmpdir(), 'vpcnet-cni-chain-'));
const binDir = join(dir, 'bin');
const socketPath = join(dir, 'ipamd.sock');
const service = new FakeIpamdService([{ ipv4: '10.0.1.30', deviceNumber: 0, routeTableId: 254 }]);
let daemon: RpcServer | undefined;
let httpd: ChildProcess | undefined;
let node = '';
let vpc = '';

const conflist: Conflist = {
  cniVersion: '0.4.0',
  name: 'aws-cni',
  plugins: [
    {
      name: 'aws-cni', type: 'aws-cni', vethPrefix: 'eni', mtu: '9001', podSGEnforcingMode: 'strict', pluginLogFile: join(dir, 'plugin.log'),
      pluginLogLevel: 'DEBUG', ipamdSocket: socketPath, capabilities: { 'io.kubernetes.cri.pod-annotations': true },
    },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ],
};

async function httpGet(namespace: string, url: string): Promise<string | undefined> {
  const result = await host.run('ip', ['netns', 'exec', namespace, 'timeout', '3', 'busybox', 'wget', '-q', '-O', '-', url]);
  return result.code === 0 ? result.stdout : undefined;
}

describe('vpcnet-cni executable chained with portmap', () => {
  let driver: CniDriver;

  before(async () => {
    await buildCni({ outDir: binDir });
    ({ node, vpc } = await buildNodeTopology(prefix));
    daemon = await startFakeDaemon(socketPath, service);
    driver = new CniDriver({ binDirs: [binDir, '/usr/lib/cni'], hostNetns: `/var/run/netns/${node}` });
  });

  after(async () => {
    httpd?.kill();
    await daemon?.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  test('vpcnet-cni (SEA) answers VERSION under both of its names', async () => {
    for (const name of ['vpcnet-cni', 'aws-cni']) {
      const run = await driver.exec(name, 'VERSION', '{"cniVersion":"0.4.0"}');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
    }
  });

  test('portmap accepts the result of vpcnet-cni (SEA) and its hostPort mapping carries traffic; DEL removes both', async () => {
    const netns = await addNamespace(`${prefix}-web`);
    const www = join(dir, 'www');
    await mkdir(www);
    await writeFile(join(www, 'index.html'), 'hello from the pod\n');
    httpd = spawn('ip', ['netns', 'exec', `${prefix}-web`, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' });
    const runtime: RuntimeConf = {
      containerId: 'ctr-web-1', netns, ifName: 'eth0',
      args: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=ctr-web-1;K8S_POD_UID=uid-1',
      capabilityArgs: { 'portMappings': [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], 'io.kubernetes.cri.pod-annotations': {} },
    };
    const vpcnetOnly = { ...conflist, plugins: conflist.plugins.slice(0, 1) };
    const result = await driver.addList(conflist, runtime);
    assert.deepEqual((result.ips as unknown[])[0], { version: '4', interface: 1, address: '10.0.1.30/32', gateway: '169.254.1.1' });
    await driver.checkList(vpcnetOnly, runtime, result);
    let body: string | undefined;
    for (let attempt = 0; attempt < 20 && body === undefined; attempt++) {
      body = await httpGet(vpc, 'http://192.168.1.10:8080/index.html');
      if (body === undefined) await sleep(100);
    }
    assert.equal(body, 'hello from the pod\n', 'hostPort 8080 on the node reaches the pod');
    assert.match(await inNs(node, 'iptables -t nat -S'), /CNI-DN-/);
    const veth = hostVethName('eni', { namespace: 'default', name: 'web-1' });
    const sysctls = await inNs(node, `cat /proc/sys/net/ipv6/conf/${veth}/accept_ra /proc/sys/net/ipv6/conf/${veth}/accept_redirects /proc/sys/net/ipv6/conf/${veth}/forwarding`);
    assert.deepEqual(sysctls.split('\n').filter(Boolean), ['0', '1', '0'], 'the executable set the host veth sysctls in its own namespace');

    await driver.delList(conflist, runtime, result);
    assert.equal(await httpGet(vpc, 'http://192.168.1.10:8080/index.html'), undefined);
    assert.doesNotMatch(await inNs(node, 'iptables -t nat -S'), /CNI-DN-/, 'portmap removed its chains');
    assert.deepEqual(await nodeStateFor(node, '10.0.1.30', veth), { rules: [], routes: [], vethExists: false });
    await driver.delList(conflist, runtime, result);
    assert.equal(service.assigned.size, 0);
  });
});
