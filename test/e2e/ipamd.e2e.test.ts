/**
 * vpcnet-ipamd in the lab, as on an EC2 node: a t3.medium with default settings, the real daemon process
 * in the instance's namespace, IMDS and the EC2 API reached through the fabric. Checks are made against
 * EC2's view (the emulator's model), the node's own iptables/ip rules, introspection and metrics.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { hostVethName } from '../../src/core/cni/names.ts';
import type { AddReply } from '../../src/core/protocol/index.ts';
import { startLabNode, waitFor } from './lab-node.ts';
import type { LabNode } from './lab-node.ts';

let node: LabNode;

before(async () => {
  node = await startLabNode();
  await node.startDaemon();
});

after(async () => node?.close());

/** EC2's view: the instance's attached ENIs with their secondary addresses. */
function ec2View(): { eniId: string; deviceIndex: number; primary: string; secondaries: string[] }[] {
  return [...node.model.state.networkInterfaces.values()]
    .filter((eni) => eni.attachment?.instanceId === node.instance.instanceId)
    .map((eni) => ({
      eniId: eni.networkInterfaceId,
      deviceIndex: eni.attachment?.deviceIndex ?? -1,
      primary: eni.privateIps[0]?.address ?? '',
      secondaries: eni.privateIps.filter((ip) => !ip.primary).map((ip) => ip.address),
    }))
    .sort((a, b) => a.deviceIndex - b.deviceIndex);
}

function addressOf(reply: AddReply): string {
  assert.equal(reply.reason, 'ok', JSON.stringify(reply));
  return reply.reason === 'ok' ? reply.addresses[0]?.ipv4 ?? '' : '';
}

async function curl(url: string): Promise<string> {
  const result = await node.exec(['curl', '-sf', '--max-time', '5', url]);
  assert.equal(result.code, 0, `curl ${url}: ${result.stderr}`);
  return result.stdout;
}

test('the daemon fills the primary ENI to WARM_ENI_TARGET=1 at start (5 secondary IPs on a t3.medium)', async () => {
  await waitFor('5 secondary IPs on the primary ENI', async () => Promise.resolve(ec2View()[0]?.secondaries.length === 5), 30_000);
  assert.equal(ec2View().length, 1, 'one free ENI worth of addresses is already warm: no second ENI yet');
});

test('a pod takes an address and the pool attaches a second ENI to stay one ENI warm', async () => {
  const address = addressOf(await node.add('web-1'));
  assert.ok(ec2View()[0]?.secondaries.includes(address), 'the pod address is a secondary IP of the primary ENI in EC2');
  await waitFor('a second ENI with 5 secondary IPs', async () => Promise.resolve(ec2View()[1]?.secondaries.length === 5), 30_000);
  const second = ec2View()[1];
  assert.equal(second?.deviceIndex, 1);
  const eni = node.model.state.networkInterfaces.get(second?.eniId ?? '');
  assert.equal(eni?.description, `aws-K8S-${node.instance.instanceId}`);
  assert.equal(eni?.tags.get('node.k8s.amazonaws.com/instance_id'), node.instance.instanceId);
  await waitFor('the daemon to set up eth1 and pool its addresses', async () => (await introspectedEnis())['0']?.TotalIPs === 10, 30_000);
  assert.equal(eni?.attachment?.deleteOnTermination, true, 'set right after the attach, before the ENI is pooled');
});

type EnisView = Record<string, { TotalIPs: number; AssignedIPs: number; ENIs: Record<string, { DeviceNumber: number; RouteTableID: number }> }>;

async function introspectedEnis(): Promise<EnisView> {
  return JSON.parse(await curl('http://127.0.0.1:61679/v1/enis')) as EnisView;
}

test('introspection and metrics inside the node show the ENIs and addresses', async () => {
  const card = (await introspectedEnis())['0'];
  assert.equal(card?.TotalIPs, 10);
  assert.equal(card?.AssignedIPs, 1);
  assert.deepEqual(Object.values(card?.ENIs ?? {}).map((e) => [e.DeviceNumber, e.RouteTableID]).sort(), [[0, 254], [1, 2]]);
  await waitFor('pool gauges in /metrics', async () => (await curl('http://127.0.0.1:61678/metrics')).includes('awscni_total_ip_addresses 10'), 15_000);
  const metrics = await curl('http://127.0.0.1:61678/metrics');
  assert.match(metrics, /^awscni_assigned_ip_addresses 1$/m);
  assert.match(metrics, /^awscni_eni_allocated 2$/m);
  assert.match(metrics, /^awscni_eni_max 3$/m, 'a t3.medium attaches 3 ENIs');
  assert.match(metrics, /^awscni_ip_max 15$/m, '5 pod addresses on each of them');
  assert.match(metrics, /^awscni_ec2api_req_count\{fn="AssignPrivateIpAddresses"\} [1-9]/m);
});

test("the node's iptables and ip rules are section d's for this node", async () => {
  const primaryIp = ec2View()[0]?.primary ?? '';
  const secondEniIp = ec2View()[1]?.primary ?? '';
  const nat = (await node.exec(['iptables-save', '-t', 'nat'])).stdout;
  assert.match(nat, /^-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0$/m);
  assert.match(nat, /^-A AWS-SNAT-CHAIN-0 -d 192\.168\.0\.0\/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN$/m);
  assert.ok(nat.includes(`-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${primaryIp} --random-fully`), nat);
  const mangle = (await node.exec(['iptables-save', '-t', 'mangle'])).stdout;
  assert.match(mangle, /-A PREROUTING -i eni\+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80/);
  const rules = (await node.exec(['ip', 'rule'])).stdout;
  assert.match(rules, /^1024:\s+from all fwmark 0x80\/0x80 lookup main/m);
  assert.ok(rules.includes(`32765:\tfrom ${secondEniIp} lookup 2`), rules);
  const table2 = (await node.exec(['ip', 'route', 'show', 'table', '2'])).stdout;
  assert.match(table2, /^default via 192\.168\.0\.1 dev eth1/m);
});

test('after kill -9 and a restart every assignment is still there and no address is handed out twice', async () => {
  const pods = ['web-2', 'web-3', 'web-4'];
  const before = new Map<string, string>([['web-1', '']]);
  for (const pod of pods) before.set(pod, addressOf(await node.add(pod)));
  before.set('web-1', addressOf(await node.add('web-1')));
  // Each pod has its host veth, as the plugin would have made it; the restore keeps pods whose veth exists.
  for (const [index, pod] of [...before.keys()].entries()) {
    const veth = hostVethName('eni', { namespace: 'default', name: pod });
    assert.equal((await node.exec(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', `e2epeer${index}`])).code, 0);
  }
  await node.killDaemon();
  await node.startDaemon();
  for (const [pod, address] of before) assert.equal(addressOf(await node.add(pod)), address, `${pod} keeps ${address}`);
  const taken = new Set(before.values());
  for (const pod of ['new-1', 'new-2', 'new-3', 'new-4']) {
    const address = addressOf(await node.add(pod));
    assert.ok(!taken.has(address), `${address} was handed out twice`);
    taken.add(address);
  }
  const ec2Addresses = new Set(ec2View().flatMap((eni) => eni.secondaries));
  for (const address of taken) assert.ok(ec2Addresses.has(address), `${address} is not on the node's ENIs in EC2`);
});

test('SIGTERM stops the daemon cleanly: exit code 0, plugin socket removed, EC2 state untouched', async () => {
  const enisBefore = ec2View();
  const started = Date.now();
  assert.equal(await node.terminateDaemon(), 0);
  assert.ok(Date.now() - started < 10_000, 'stopped within the pod termination grace period (10 s)');
  assert.equal(existsSync(node.socketPath), false);
  assert.deepEqual(ec2View(), enisBefore, 'stopping releases nothing: the next start restores the node');
});
