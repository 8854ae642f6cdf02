import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { attachNetworkInterface } from '../../src/lab/ec2/model/eni-attachments.ts';
import { assignPrivateIpAddresses } from '../../src/lab/ec2/model/eni-addresses.ts';
import { modifyNetworkInterfaceAttribute } from '../../src/lab/ec2/model/network-interface-attributes.ts';
import { createNetworkInterface } from '../../src/lab/ec2/model/network-interfaces.ts';
import { revokeSecurityGroupRules } from '../../src/lab/ec2/model/security-group-rules.ts';
import { createSecurityGroup } from '../../src/lab/ec2/model/security-groups.ts';
import type { Instance } from '../../src/lab/ec2/model/state.ts';
import { cleanupStale, Fabric, LAB_ADDRESSES, LAB_EC2_API_ENDPOINT, LAB_SERVICE_ADDRESSES } from '../../src/lab/fabric/index.ts';
import type { LabVpc } from './fabric-kit.ts';
import { buildVpc, imdsGet, inNs, launch, namespacesWithPrefix, nsRequest, pings, privateIp, runner } from './fabric-kit.ts';

const AWS_CLI = '/usr/bin/aws';

describe('Fabric services (IMDS and the EC2 API inside instances)', () => {
  let lab: LabVpc;
  let fabric: Fabric;
  const errors: unknown[] = [];
  let a: Instance;
  let b: Instance;

  before(async () => {
    lab = buildVpc();
    fabric = new Fabric({ model: lab.model, onError: (error) => errors.push(error), services: { imds: true, ec2Api: true } });
    await fabric.start();
    a = launch(lab.model, lab.publicA, { publicIp: true });
    b = launch(lab.model, lab.privateB);
    await fabric.settled();
  });

  after(async () => {
    await fabric.stop();
    assert.deepEqual(errors, []);
  });

  const ns = (instance: Instance): string => fabric.instanceNamespace(instance.instanceId);

  test('IMDS at 169.254.169.254 gives each instance its own instance id and address (IMDSv2)', async () => {
    for (const instance of [a, b]) {
      assert.deepEqual(await imdsGet(ns(instance), 'meta-data/instance-id'), { status: 200, body: instance.instanceId });
      assert.deepEqual(await imdsGet(ns(instance), 'meta-data/local-ipv4'), { status: 200, body: privateIp(lab.model, instance) });
    }
  });

  test('IMDS tokens are bound to the instance that asked for one; proxied token requests are refused', async () => {
    const ttl = { 'X-aws-ec2-metadata-token-ttl-seconds': '60' };
    const issued = await nsRequest(ns(a), { method: 'PUT', url: 'http://169.254.169.254/latest/api/token', headers: ttl });
    assert.equal(issued?.status, 200);
    assert.equal((await imdsGet(ns(b), 'meta-data/instance-id', { token: issued?.body ?? '' }))?.status, 401);
    assert.equal((await imdsGet(ns(a), 'meta-data/instance-id', { token: issued?.body ?? '' }))?.body, a.instanceId);
    const forwarded = { 'X-aws-ec2-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '10.0.1.99' };
    assert.equal((await nsRequest(ns(a), { method: 'PUT', url: 'http://169.254.169.254/latest/api/token', headers: forwarded }))?.status, 403);
  });

  test('a request from a secondary ENI\'s address identifies the same instance; spoofed through eth0 it is dropped', async () => {
    const eni2 = createNetworkInterface(lab.model, { subnetId: lab.privateB.subnetId });
    attachNetworkInterface(lab.model, { networkInterfaceId: eni2.networkInterfaceId, instanceId: b.instanceId, deviceIndex: 1 });
    const extra = '10.0.2.201';
    assignPrivateIpAddresses(lab.model, { networkInterfaceId: eni2.networkInterfaceId, privateIpAddresses: [extra] });
    await fabric.settled();
    for (const command of [
      ['sysctl', '-q', '-w', 'net.ipv4.conf.all.rp_filter=2', 'net.ipv4.conf.eth1.rp_filter=2'],
      ['ip', 'addr', 'add', `${extra}/32`, 'dev', 'eth1'],
      ['ip', 'route', 'add', 'default', 'via', '10.0.2.1', 'dev', 'eth1', 'onlink', 'table', '101'],
      ['ip', 'rule', 'add', 'from', extra, 'lookup', '101'],
    ]) assert.equal((await inNs(ns(b), command)).code, 0, command.join(' '));
    assert.deepEqual(await imdsGet(ns(b), 'meta-data/instance-id', { localAddress: extra }), { status: 200, body: b.instanceId });
    assert.equal((await inNs(ns(b), ['ip', 'rule', 'del', 'from', extra, 'lookup', '101'])).code, 0);
    assert.equal(await imdsGet(ns(b), 'meta-data/instance-id', { localAddress: extra }), undefined, 'leaves eth0 with eth1\'s address: dropped');
    assert.deepEqual(await imdsGet(ns(b), 'meta-data/instance-id'), { status: 200, body: b.instanceId });
  });

  test('a security group that denies all traffic still lets IMDS and the EC2 API through', async () => {
    const closed = createSecurityGroup(lab.model, { groupName: 'closed', description: 'no rules', vpcId: lab.vpc.vpcId });
    const allEgress = { ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] };
    revokeSecurityGroupRules(lab.model, { groupId: closed.groupId, direction: 'egress', permissions: [allEgress] });
    modifyNetworkInterfaceAttribute(lab.model, a.primaryNetworkInterfaceId, { kind: 'groups', groupIds: [closed.groupId] });
    await fabric.settled();
    assert.ok(!(await pings(ns(a), privateIp(lab.model, b))), 'the group blocks a -> b');
    assert.deepEqual(await imdsGet(ns(a), 'meta-data/instance-id'), { status: 200, body: a.instanceId });
    const api = await nsRequest(ns(a), { method: 'POST', url: `${LAB_EC2_API_ENDPOINT}/`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(api?.status, 400, 'reached the EC2 API (which wants an action)');
  });

  test('the EC2 API at the fixed lab address answers DescribeInstances from the AWS CLI inside an instance', async () => {
    const result = await inNs(ns(b), [
      'env', 'AWS_ACCESS_KEY_ID=AKIDVPCNETLAB', 'AWS_SECRET_ACCESS_KEY=vpcnet-lab-secret', 'AWS_EC2_METADATA_DISABLED=true',
      AWS_CLI, 'ec2', 'describe-instances', '--endpoint-url', LAB_EC2_API_ENDPOINT, '--region', lab.model.region,
      '--instance-ids', a.instanceId, b.instanceId, '--query', 'Reservations[].Instances[].InstanceId', '--output', 'text',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split(/\s+/).sort(), [a.instanceId, b.instanceId].sort());
  });

  test('the internet namespace cannot reach the service addresses, even with a route to them', async () => {
    const route = ['ip', 'route', 'add', `${LAB_SERVICE_ADDRESSES.imds}/32`, 'via', LAB_ADDRESSES.routerUplink];
    assert.equal((await inNs(fabric.names.internetNamespace, route)).code, 0);
    const fromInternet = await nsRequest(fabric.names.internetNamespace, { method: 'GET', url: `http://${LAB_SERVICE_ADDRESSES.imds}/` });
    assert.equal(fromInternet, undefined, 'no reply at all, not even a 404');
  });
});

describe('Fabric services teardown', () => {
  test('stop() ends the forwarder and removes the socket files and namespaces', async () => {
    const lab = buildVpc();
    const fabric = new Fabric({ model: lab.model, services: { imds: true, ec2Api: true } });
    await fabric.start();
    try {
      const instance = launch(lab.model, lab.privateB);
      await fabric.settled();
      assert.equal((await imdsGet(fabric.instanceNamespace(instance.instanceId), 'meta-data/instance-id'))?.body, instance.instanceId);
      const pids = (await runner.run('ip', ['netns', 'pids', fabric.names.routerNamespace])).stdout.split('\n').filter(Boolean).map(Number);
      assert.equal(pids.length, 1, 'the forwarder runs in the router namespace');
      const commandLine = readFileSync(`/proc/${pids[0] ?? 0}/cmdline`, 'utf8').split('\0');
      assert.ok(commandLine.includes(fabric.names.prefix), commandLine.join(' '));
      assert.ok(commandLine.some((arg) => arg.endsWith('service-forwarder.ts')));
      const sockets = ['imds.sock', 'ec2-api.sock'].map((name) => join(fabric.names.runDirectory, name));
      assert.ok(sockets.every((path) => existsSync(path)));
      await fabric.stop();
      assert.ok(pids.every((pid) => !existsSync(`/proc/${pid}`)), 'forwarder gone');
      assert.ok(sockets.every((path) => !existsSync(path)), 'socket files gone');
      assert.deepEqual(await namespacesWithPrefix(fabric.names.prefix), []);
    } finally {
      await fabric.stop();
    }
  });

  test('a crashed lab\'s forwarder exits by itself, and cleanupStale() removes the rest', async () => {
    const labId = `c${Date.now().toString(36).slice(-6)}`;
    const program = [
      `import { Ec2Model } from ${JSON.stringify(new URL('../../src/lab/ec2/model/model.ts', import.meta.url).pathname)};`,
      `import { Fabric } from ${JSON.stringify(new URL('../../src/lab/fabric/index.ts', import.meta.url).pathname)};`,
      `await new Fabric({ model: new Ec2Model(), labId: '${labId}', services: { imds: true } }).start();`,
      `process.stdout.write('up\\n');`,
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const lab = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        lab.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('up') ? resolve() : undefined));
        lab.once('exit', (code) => reject(new Error(`the lab exited with ${String(code)}`)));
      });
      const router = `vpcl${labId}-router`;
      const [forwarder = 0] = (await runner.run('ip', ['netns', 'pids', router])).stdout.split('\n').filter(Boolean).map(Number);
      assert.ok(forwarder > 0);
      lab.kill('SIGKILL');
      assert.ok(await exits(forwarder), 'the forwarder noticed that the lab died');
    } finally {
      lab.kill('SIGKILL');
      await cleanupStale(labId);
    }
    assert.deepEqual(await namespacesWithPrefix(`vpcl${labId}`), []);
    assert.ok(!existsSync(`/tmp/vpcl${labId}`));
  });
});

/** True once the process has exited (gone, or a zombie waiting for init to reap it) within 3 s. */
async function exits(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    if (stat === '' || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return true;
    await sleep(20);
  }
  return false;
}
