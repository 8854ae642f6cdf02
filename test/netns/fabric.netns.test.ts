import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { attachNetworkInterface, detachNetworkInterface } from '../../src/lab/ec2/model/eni-attachments.ts';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from '../../src/lab/ec2/model/eni-addresses.ts';
import { terminateInstances } from '../../src/lab/ec2/model/instances.ts';
import { modifyNetworkInterfaceAttribute } from '../../src/lab/ec2/model/network-interface-attributes.ts';
import { createNetworkInterface } from '../../src/lab/ec2/model/network-interfaces.ts';
import { authorizeSecurityGroupRules, revokeSecurityGroupRules } from '../../src/lab/ec2/model/security-group-rules.ts';
import { createSecurityGroup } from '../../src/lab/ec2/model/security-groups.ts';
import type { Instance, NetworkInterface } from '../../src/lab/ec2/model/state.ts';
import { cleanupStale, Fabric, LAB_ADDRESSES } from '../../src/lab/fabric/index.ts';
import type { LabVpc } from './fabric-kit.ts';
import { buildVpc, httpGet, inNs, launch, namespacesWithPrefix, pings, primaryEni, privateIp, runner } from './fabric-kit.ts';

describe('Fabric (real namespaces and packets)', () => {
  let lab: LabVpc;
  let fabric: Fabric;
  const errors: unknown[] = [];
  let a: Instance;
  let b: Instance;
  let c: Instance;

  before(async () => {
    lab = buildVpc();
    fabric = new Fabric({ model: lab.model, onError: (error) => errors.push(error) });
    await fabric.start();
    a = launch(lab.model, lab.publicA, { publicIp: true });
    b = launch(lab.model, lab.privateB);
    c = launch(lab.model, lab.secondaryC);
    await fabric.settled();
  });

  after(async () => {
    await fabric.stop();
    assert.deepEqual(errors, []);
  });

  const ns = (instance: Instance): string => fabric.instanceNamespace(instance.instanceId);

  test('start() gives each running instance eth0 with the ENI MAC, primary address and default route', async () => {
    const eni = primaryEni(lab.model, b);
    const link = await inNs(ns(b), ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(link.stdout, new RegExp(`inet ${privateIp(lab.model, b).replaceAll('.', '\\.')}/24 `));
    const mac = await inNs(ns(b), ['cat', '/sys/class/net/eth0/address']);
    assert.equal(mac.stdout.trim(), eni.macAddress);
    const route = await inNs(ns(b), ['ip', 'route', 'show', 'default']);
    assert.match(route.stdout, /default via 10\.0\.2\.1 dev eth0/);
  });

  test('instances reach each other across subnets, AZs and the secondary CIDR block', async () => {
    assert.ok(await pings(ns(a), privateIp(lab.model, b)), 'a -> b (10.0.1.0/24 in 2a to 10.0.2.0/24 in 2b)');
    assert.ok(await pings(ns(a), privateIp(lab.model, c)), 'a -> c (100.64.0.0/24 in 2c)');
    assert.ok(await pings(ns(c), privateIp(lab.model, b)), 'c -> b');
    assert.ok(await pings(ns(a), '10.0.2.1'), 'the subnet router answers');
  });

  describe('a secondary ENI on b', () => {
    let eni2: NetworkInterface;
    const extra = '10.0.2.200';

    before(async () => {
      eni2 = createNetworkInterface(lab.model, { subnetId: lab.privateB.subnetId });
      attachNetworkInterface(lab.model, { networkInterfaceId: eni2.networkInterfaceId, instanceId: b.instanceId, deviceIndex: 1 });
      await fabric.settled();
      // What the CNI daemon does: the address on eth1, loose reverse-path filter, policy routing out of eth1.
      for (const command of [
        ['sysctl', '-q', '-w', 'net.ipv4.conf.all.rp_filter=2', 'net.ipv4.conf.eth1.rp_filter=2'],
        ['ip', 'addr', 'add', `${extra}/32`, 'dev', 'eth1'],
        ['ip', 'route', 'add', 'default', 'via', '10.0.2.1', 'dev', 'eth1', 'onlink', 'table', '101'],
        ['ip', 'rule', 'add', 'from', extra, 'lookup', '101'],
      ]) assert.equal((await inNs(ns(b), command)).code, 0, command.join(' '));
    });

    test('attachNetworkInterface() makes eth1 appear in the instance, up and unconfigured', async () => {
      const shown = await inNs(ns(b), ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth1']);
      assert.doesNotMatch(shown.stdout, new RegExp(eni2.privateIps[0]?.address.replaceAll('.', '\\.') ?? 'x'));
      const mac = await inNs(ns(b), ['cat', '/sys/class/net/eth1/address', '/sys/class/net/eth1/operstate']);
      assert.deepEqual(mac.stdout.trim().split('\n'), [eni2.macAddress, 'up']);
    });

    test('an address is reachable through the ENI only after assign, and not after unassign', async () => {
      assert.ok(!(await pings(ns(a), extra)), 'not assigned yet');
      assignPrivateIpAddresses(lab.model, { networkInterfaceId: eni2.networkInterfaceId, privateIpAddresses: [extra] });
      await fabric.settled();
      assert.ok(await pings(ns(a), extra), 'assigned');
      unassignPrivateIpAddresses(lab.model, { networkInterfaceId: eni2.networkInterfaceId, privateIpAddresses: [extra] });
      await fabric.settled();
      assert.ok(!(await pings(ns(a), extra)), 'unassigned');
    });

    test('source/destination check drops a reply leaving eth0 from eth1\'s address, unless disabled', async () => {
      assignPrivateIpAddresses(lab.model, { networkInterfaceId: eni2.networkInterfaceId, privateIpAddresses: [extra] });
      await fabric.settled();
      assert.equal((await inNs(ns(b), ['ip', 'rule', 'del', 'from', extra, 'lookup', '101'])).code, 0);
      assert.ok(!(await pings(ns(a), extra)), 'the reply leaves eth0 with a source of eth1: spoofed, dropped');
      const eth0Eni = b.primaryNetworkInterfaceId;
      modifyNetworkInterfaceAttribute(lab.model, eth0Eni, { kind: 'source-dest-check', sourceDestCheck: false });
      await fabric.settled();
      assert.ok(await pings(ns(a), extra), 'with the check off the same reply gets through');
      modifyNetworkInterfaceAttribute(lab.model, eth0Eni, { kind: 'source-dest-check', sourceDestCheck: true });
      await fabric.settled();
      assert.ok(!(await pings(ns(a), extra)), 'check back on');
      assert.ok(await pings(ns(a), privateIp(lab.model, b)), 'b itself still answers');
    });

    test('detachNetworkInterface() removes eth1 from the instance', async () => {
      const attachmentId = lab.model.state.networkInterfaces.get(eni2.networkInterfaceId)?.attachment?.attachmentId ?? '';
      detachNetworkInterface(lab.model, { attachmentId });
      await fabric.settled();
      const shown = await inNs(ns(b), ['ip', 'link', 'show', 'dev', 'eth1']);
      assert.notEqual(shown.code, 0);
    });
  });

  test('security groups allow port 80, then block it after a revoke while ping still works; group references count', async () => {
    const web = createSecurityGroup(lab.model, { groupName: 'web', description: 'web', vpcId: lab.vpc.vpcId });
    const http = { ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipRanges: [{ cidrIp: '10.0.1.0/24' }], groups: [] };
    const icmp = { ipProtocol: 'icmp', fromPort: -1, toPort: -1, ipRanges: [{ cidrIp: '10.0.0.0/8' }], groups: [] };
    authorizeSecurityGroupRules(lab.model, { groupId: web.groupId, direction: 'ingress', permissions: [http, icmp] });
    modifyNetworkInterfaceAttribute(lab.model, c.primaryNetworkInterfaceId, { kind: 'groups', groupIds: [web.groupId] });
    await fabric.settled();
    const site = await mkdtemp(join(tmpdir(), `${fabric.names.prefix}-site-`));
    after(() => rm(site, { recursive: true, force: true }));
    await writeFile(join(site, 'index.html'), 'hello\n');
    const server = await inNs(ns(c), ['busybox', 'httpd', '-p', '80', '-h', site]);
    assert.equal(server.code, 0, server.stderr);
    const url = `http://${privateIp(lab.model, c)}/index.html`;
    assert.equal(await httpGet(ns(a), url), 'hello\n');
    revokeSecurityGroupRules(lab.model, { groupId: web.groupId, direction: 'ingress', permissions: [http] });
    await fabric.settled();
    assert.equal(await httpGet(ns(a), url), undefined, 'port 80 blocked after the revoke');
    assert.ok(await pings(ns(a), privateIp(lab.model, c)), 'ping still allowed');
    const defaultGroup = primaryEni(lab.model, a).groupIds[0] ?? '';
    const fromGroup = { ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipRanges: [], groups: [{ groupId: defaultGroup }] };
    authorizeSecurityGroupRules(lab.model, { groupId: web.groupId, direction: 'ingress', permissions: [fromGroup] });
    await fabric.settled();
    assert.equal(await httpGet(ns(a), url), 'hello\n', 'allowed again from members of a\'s group');
    assert.equal(await httpGet(ns(b), url), 'hello\n', 'b is in that group too');
  });

  test('an instance in a public subnet reaches the internet, which sees its public IP; a private one cannot', async () => {
    const echo = `http://${LAB_ADDRESSES.echoServer}/cgi-bin/ip`;
    assert.ok(a.publicIp !== undefined);
    assert.equal((await httpGet(ns(a), echo))?.trim(), a.publicIp);
    assert.ok(await pings(ns(a), LAB_ADDRESSES.echoServer));
    assert.equal(await httpGet(ns(b), echo), undefined);
    assert.ok(!(await pings(ns(b), LAB_ADDRESSES.echoServer)));
  });

  test('terminateInstances() removes the instance namespace and its routes', async () => {
    const gone = ns(c);
    const address = privateIp(lab.model, c);
    terminateInstances(lab.model, [c.instanceId]);
    await fabric.settled();
    assert.ok(!(await namespacesWithPrefix(fabric.names.prefix)).includes(gone));
    const routes = await runner.run('ip', ['-n', fabric.names.routerNamespace, 'route', 'show', `${address}/32`]);
    assert.equal(routes.stdout.trim(), '');
    assert.ok(await pings(ns(a), privateIp(lab.model, b)), 'the others still talk');
  });
});

describe('Fabric teardown', () => {
  test('stop() leaves no namespace, process or run directory behind', async () => {
    const lab = buildVpc();
    const fabric = new Fabric({ model: lab.model });
    await fabric.start();
    launch(lab.model, lab.publicA, { publicIp: true });
    await fabric.settled();
    const namespaces = await namespacesWithPrefix(fabric.names.prefix);
    assert.equal(namespaces.length, 3);
    const pids = (await Promise.all(namespaces.map((n) => runner.run('ip', ['netns', 'pids', n])))).flatMap((r) => r.stdout.split('\n').filter(Boolean));
    assert.ok(pids.length >= 1, 'the echo server runs');
    await fabric.stop();
    assert.deepEqual(await namespacesWithPrefix(fabric.names.prefix), []);
    for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}`), `process ${pid} is gone`);
    assert.ok(!existsSync(fabric.names.runDirectory));
  });

  test('cleanupStale() removes what a crashed lab left, and nothing of another lab', async () => {
    const crashed = new Fabric({ model: buildVpc().model });
    const other = new Fabric({ model: buildVpc().model });
    await crashed.start();
    await other.start();
    try {
      const removed = await cleanupStale(crashed.names.labId);
      assert.deepEqual(removed.sort(), [crashed.names.internetNamespace, crashed.names.routerNamespace].sort());
      assert.deepEqual(await namespacesWithPrefix(crashed.names.prefix), []);
      assert.equal((await namespacesWithPrefix(other.names.prefix)).length, 2);
      assert.ok(!existsSync(crashed.names.runDirectory));
    } finally {
      await other.stop();
      await crashed.stop();
    }
  });
});
