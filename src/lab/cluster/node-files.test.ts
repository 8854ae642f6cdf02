import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOOPBACK_CONFLIST, NETWORK_NAME, REFERENCE_PLUGIN_DIR, installNodeFiles, nodeConflist, nodeFiles } from './node-files.ts';

describe('nodeFiles()', () => {
  it('places a node\'s CNI, daemon and pod files under its directory, as on an EKS node', () => {
    assert.deepEqual(nodeFiles('/lab/nodes/i-1'), {
      dir: '/lab/nodes/i-1',
      binDir: '/lab/nodes/i-1/opt/cni/bin',
      confDir: '/lab/nodes/i-1/etc/cni/net.d',
      conflistPath: '/lab/nodes/i-1/etc/cni/net.d/10-aws.conflist',
      ipamdSocket: '/lab/nodes/i-1/run/ipamd.sock',
      checkpoint: '/lab/nodes/i-1/run/ipam.json',
      ipamdLog: '/lab/nodes/i-1/log/ipamd.log',
      pluginLog: '/lab/nodes/i-1/log/plugin.log',
      podsDir: '/lab/nodes/i-1/pods',
    });
  });
});

describe('nodeConflist()', () => {
  const files = nodeFiles('/lab/nodes/i-1');
  const conflist = nodeConflist(files, { mtu: '9001', vethPrefix: 'eni' });

  it('is upstream\'s 10-aws.conflist: the network aws-cni, the aws-cni plugin, then portmap', () => {
    assert.equal(NETWORK_NAME, 'aws-cni');
    assert.equal(conflist.name, 'aws-cni');
    assert.equal(conflist.cniVersion, '1.0.0');
    assert.deepEqual(conflist.plugins.map((p) => p.type), ['aws-cni', 'portmap']);
  });

  it('gives the plugin upstream\'s fields (mtu as a string) and the node\'s log file and ipamd socket', () => {
    const [plugin] = conflist.plugins;
    assert.deepEqual(plugin, {
      name: 'aws-cni', type: 'aws-cni', vethPrefix: 'eni', mtu: '9001', podSGEnforcingMode: 'strict',
      pluginLogFile: '/lab/nodes/i-1/log/plugin.log', pluginLogLevel: 'DEBUG', ipamdSocket: '/lab/nodes/i-1/run/ipamd.sock',
      capabilities: { 'io.kubernetes.cri.pod-annotations': true },
    });
    assert.equal(typeof plugin?.mtu, 'string');
  });

  it('chains portmap with the portMappings capability and snat, as upstream does', () => {
    assert.deepEqual(conflist.plugins[1], { type: 'portmap', capabilities: { portMappings: true }, snat: true });
  });

  it('takes the MTU and veth prefix it is given', () => {
    const [plugin] = nodeConflist(files, { mtu: '1500', vethPrefix: 'vpc' }).plugins;
    assert.deepEqual([plugin?.mtu, plugin?.vethPrefix], ['1500', 'vpc']);
  });

  it('has a loopback list like containerd\'s', () => {
    assert.deepEqual(LOOPBACK_CONFLIST, { cniVersion: '1.0.0', name: 'cni-loopback', plugins: [{ type: 'loopback' }] });
  });
});

describe('installNodeFiles()', () => {
  let home = '';
  const cniExecutable = '/opt/vpcnet/dist/vpcnet-cni';

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'vpcnet-node-files-'));
  });

  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  async function installed(dir: string): Promise<ReturnType<typeof nodeFiles>> {
    const files = nodeFiles(dir);
    await installNodeFiles(files, { cniExecutable, conflist: nodeConflist(files, { mtu: '9001', vethPrefix: 'eni' }) });
    return files;
  }

  it('links aws-cni to the plugin and loopback and portmap to the reference plugins', async () => {
    const files = await installed(join(home, 'node-1'));
    assert.deepEqual((await readdir(files.binDir)).sort(), ['aws-cni', 'loopback', 'portmap']);
    for (const name of ['aws-cni', 'loopback', 'portmap']) assert.ok((await lstat(join(files.binDir, name))).isSymbolicLink(), `${name} is a symlink`);
    assert.equal(await readlink(join(files.binDir, 'aws-cni')), cniExecutable);
    assert.equal(await readlink(join(files.binDir, 'loopback')), join(REFERENCE_PLUGIN_DIR, 'loopback'));
    assert.equal(await readlink(join(files.binDir, 'portmap')), '/usr/lib/cni/portmap');
  });

  it('writes the conflist as JSON and creates the run, log and pods directories', async () => {
    const files = await installed(join(home, 'node-2'));
    const text = await readFile(files.conflistPath, 'utf8');
    assert.deepEqual(JSON.parse(text), nodeConflist(files, { mtu: '9001', vethPrefix: 'eni' }));
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual((await readdir(files.confDir)), ['10-aws.conflist']);
    for (const dir of [join(files.dir, 'run'), join(files.dir, 'log'), files.podsDir]) assert.ok((await lstat(dir)).isDirectory(), `${dir} exists`);
  });

  it('can run twice, and starts from a clean directory', async () => {
    const dir = join(home, 'node-3');
    const first = await installed(dir);
    await writeFile(join(first.dir, 'run/ipam.json'), '{"left":"over"}');
    await writeFile(join(first.confDir, '05-other.conflist'), '{}');
    const files = await installed(dir);
    assert.deepEqual(await readdir(files.confDir), ['10-aws.conflist']);
    assert.deepEqual(await readdir(join(files.dir, 'run')), []);
    assert.equal(await readlink(join(files.binDir, 'aws-cni')), cniExecutable);
    assert.equal((JSON.parse(await readFile(files.conflistPath, 'utf8')) as { name: string }).name, 'aws-cni');
  });
});
