/**
 * The lab's default cluster driven through the CLI as a person drives it (`vpcnet lab ...` as a
 * subprocess, its own VPCNET_LAB_HOME), checking each statement of the README's demo by what can be
 * observed: command output, packets, the node's routes and iptables counters, vpcnet-ipamd's
 * introspection and EC2's own view. One cluster serves every test, in order.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { DAEMON_DEFAULTS } from '../../src/core/config/index.ts';
import { isIpv4 } from '../../src/core/ip/index.ts';
import { buildCniExecutable, childPids, enisAddresses, escapeRegExp, GO_ZERO_TIME, inCidr, LabCli, nodeAddress, parseCapture, processAlive, runningPods, waitFor, waitForWorkloads } from './lab-cli.ts';
import type { LabStatus, PlacedPod } from './lab-cli.ts';

/** 3 nodes × (17 max pods on a t3.medium − 2 host-network system pods). */
const CAPACITY = 45;
const COOLDOWN_MS = DAEMON_DEFAULTS.ipCooldownSeconds * 1000;
const ECHO_URL = 'http://203.0.113.10/cgi-bin/ip';

let scratch: string | undefined;
let cli: LabCli;
let cni: string;
/** Per node name: its addresses and the CIDR of its subnet (from EC2). */
const nodes = new Map<string, { instanceId: string; internalIp: string; externalIp: string; zone: string; subnet: string }>();
/** The deployment's running pods, as the latest test left them. */
let web: PlacedPod[] = [];

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vpcnet-lab-e2e-'));
  cli = new LabCli(join(scratch, 'home'), scratch);
  cni = await buildCniExecutable(join(scratch, 'cni'));
});

after(async () => {
  if (scratch === undefined) return;
  if (existsSync(cli.home)) {
    const down = await cli.run(['down']);
    if (down.code !== 0) process.stderr.write(`lab down in after() failed:\n${down.stdout}\n${down.stderr}\n`);
  }
  await rm(scratch, { recursive: true, force: true });
});

function podOn(node: string, except: readonly string[] = []): PlacedPod {
  const pod = web.find((p) => p.node === node && !except.includes(p.name));
  assert.ok(pod, `a running pod on ${node}`);
  return pod;
}

function podOffNode(node: string): PlacedPod {
  const pod = web.find((p) => p.node !== node);
  assert.ok(pod, `a running pod on another node than ${node}`);
  return pod;
}

function assertPodAddresses(pods: readonly PlacedPod[]): void {
  for (const pod of pods) {
    const node = nodes.get(pod.node);
    assert.ok(node, `${pod.name} runs on a known node (${pod.node})`);
    assert.ok(inCidr(pod.ip, node.subnet), `${pod.name}'s ${pod.ip} lies in its node's subnet ${node.subnet}`);
    assert.notEqual(pod.ip, node.internalIp);
  }
  assert.equal(new Set(pods.map((p) => p.ip)).size, pods.length, `every pod has its own address: ${pods.map((p) => p.ip).join(' ')}`);
}

test('lab up brings up 3 t3.medium nodes, one per zone, each with an InternalIP and an ExternalIP', async () => {
  const up = await cli.ok(['up', '--cni', cni]);
  assert.match(up, /Cluster "vpcnet-lab" is up: lab [0-9a-f]{6}, 3 nodes/);
  const listed = await cli.nodes();
  assert.equal(listed.length, 3);
  const subnets = (await cli.json<{ Subnets: { CidrBlock: string; AvailabilityZone: string }[] }>(['aws', 'ec2', 'describe-subnets', '--output', 'json'])).Subnets;
  for (const node of listed) {
    const [internalIp, externalIp] = [nodeAddress(node, 'InternalIP') ?? '', nodeAddress(node, 'ExternalIP') ?? ''];
    assert.ok(isIpv4(internalIp) && isIpv4(externalIp), `${node.metadata.name}: InternalIP ${internalIp}, ExternalIP ${externalIp}`);
    assert.equal(node.metadata.labels['node.kubernetes.io/instance-type'], 't3.medium');
    const zone = node.metadata.labels['topology.kubernetes.io/zone'] ?? '';
    const subnet = subnets.find((s) => inCidr(internalIp, s.CidrBlock));
    assert.ok(subnet, `EC2 has a subnet holding ${internalIp}`);
    assert.equal(subnet.AvailabilityZone, zone, 'the node is in its subnet\'s zone');
    const instanceId = node.spec.providerID.split('/').at(-1) ?? '';
    assert.equal(node.spec.providerID, `aws:///${zone}/${instanceId}`);
    nodes.set(node.metadata.name, { instanceId, internalIp, externalIp, zone, subnet: subnet.CidrBlock });
  }
  assert.equal(new Set([...nodes.values()].map((n) => n.zone)).size, 3, 'one node per zone');
});

test('a deployment of 6 web pods runs spread over the 3 nodes, each pod addressed from its node\'s subnet', async () => {
  assert.match(await cli.ok(['create', 'deployment', 'web', '--image', 'httpd', '--replicas', '6']), /deployment\.apps\/web created/);
  await waitForWorkloads(cli, { running: 6, pending: 0 }, 90_000);
  web = runningPods(await cli.pods());
  assert.equal(web.length, 6);
  assertPodAddresses(web);
  assert.equal(new Set(web.map((p) => p.node)).size, 3, 'pods on every node');
});

test('each node routes its own pods by a /32 route through an eni… veth and a priority-512 rule', async () => {
  await Promise.all([...nodes.keys()].map(async (node) => {
    // `ip route` and `ip rule` in one `lab node` call (each CLI start costs a second or more).
    const [routes = '', rules = ''] = (await cli.onNode(node, ['sh', '-c', 'ip route && echo @@ && ip rule'])).split('@@\n');
    for (const pod of web) {
      const route = new RegExp(`^${escapeRegExp(pod.ip)} dev eni[0-9a-f]{11} scope link\\s*$`, 'm');
      const rule = new RegExp(`^512:\\s+from all to ${escapeRegExp(pod.ip)} lookup main\\s*$`, 'm');
      if (pod.node === node) {
        assert.match(routes, route, `${node}: route to its pod ${pod.name}`);
        assert.match(rules, rule, `${node}: rule for its pod ${pod.name}`);
      } else {
        assert.doesNotMatch(routes, new RegExp(`^${escapeRegExp(pod.ip)} `, 'm'), `${node}: no route to ${pod.ip} of ${pod.node}`);
        assert.doesNotMatch(rules, rule, `${node}: no rule for ${pod.ip} of ${pod.node}`);
      }
    }
  }));
});

test('a pod pings and fetches a pod on another node, and the packets on the node\'s ENI carry the pod addresses (no overlay)', async () => {
  const a = web[0]!;
  const b = podOffNode(a.node);
  const capture = cli.start(['node', a.node, '--', 'timeout', '60', 'tcpdump', '-ni', 'any', '-l', '-c', '4', `(icmp and host ${b.ip}) or udp port 4789`]);
  await waitFor('tcpdump to listen', async () => Promise.resolve(/listening on any/.test(capture.output().stderr) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200, last: () => capture.output().stderr });
  assert.match(await cli.inPod(a.name, ['ping', '-c', '2', b.ip]), /2 packets transmitted, 2 packets received, 0% packet loss/);
  const captured = await capture.exited;
  assert.equal(captured.code, 0, `tcpdump: ${captured.stderr}`);
  const packets = parseCapture(captured.stdout);
  assert.equal(packets.length, 4, captured.stdout);
  for (const packet of packets) {
    assert.ok(packet.summary.startsWith('ICMP echo'), `only plain ICMP, no UDP/VXLAN: ${JSON.stringify(packet)}`);
    assert.deepEqual([packet.source, packet.destination].sort(), [a.ip, b.ip].sort(), 'pod addresses on the wire');
  }
  const onEni = (direction: string, source: string): boolean => packets.some((p) => /^eth\d+$/.test(p.iface) && p.direction === direction && p.source === source);
  assert.ok(onEni('Out', a.ip) && onEni('In', b.ip), `the request leaves and the reply arrives on an eth* interface as is:\n${captured.stdout}`);
  assert.ok(packets.some((p) => /^eni[0-9a-f]{11}$/.test(p.iface)), 'the pod side is its eni… veth');
  assert.match(await cli.inPod(a.name, ['wget', '-qO-', `http://${b.ip}/`]), new RegExp(`hello from default/${b.name} \\(${escapeRegExp(b.ip)}\\) on ${escapeRegExp(b.node)}`));
});

async function snatPackets(node: string): Promise<number> {
  const text = await cli.onNode(node, ['iptables', '-t', 'nat', '-L', 'AWS-SNAT-CHAIN-0', '-v', '-n', '-x']);
  const line = text.split('\n').find((l) => /\bSNAT\b.*to:/.test(l));
  assert.ok(line, `a SNAT rule in AWS-SNAT-CHAIN-0:\n${text}`);
  assert.match(line, new RegExp(`to:${escapeRegExp(nodes.get(node)?.internalIp ?? '?')}\\b`), 'SNAT to the node\'s primary address');
  return Number(line.trim().split(/\s+/)[0]);
}

test('a pod reaches the internet echo service seen as its node\'s public IP, through the AWS-SNAT-CHAIN-0 SNAT rule', async () => {
  const pod = web[0]!;
  const before = await snatPackets(pod.node);
  const seenAs = (await cli.inPod(pod.name, ['wget', '-qO-', ECHO_URL])).trim();
  assert.equal(seenAs, nodes.get(pod.node)?.externalIp, 'the echo service sees the node\'s ExternalIP');
  assert.ok((await snatPackets(pod.node)) > before, 'the SNAT rule counted the connection');
});

test('the introspection endpoint lists each node\'s ENIs as EC2 has them, with every pod address assigned to its pod', async () => {
  type Eni = { NetworkInterfaceId: string; Attachment?: { InstanceId?: string }; PrivateIpAddresses: { PrivateIpAddress: string; Primary: boolean }[] };
  const instances = [...nodes.values()].map((n) => n.instanceId).join(',');
  const ec2 = (await cli.json<{ NetworkInterfaces: Eni[] }>(['aws', 'ec2', 'describe-network-interfaces', '--filters', `Name=attachment.instance-id,Values=${instances}`, '--output', 'json'])).NetworkInterfaces;
  await Promise.all([...nodes].map(async ([name, node]) => {
    const view = await cli.enis(name);
    const enis = Object.values(view['0']?.ENIs ?? {});
    const attached = ec2.filter((eni) => eni.Attachment?.InstanceId === node.instanceId);
    assert.deepEqual(enis.map((e) => e.ID).sort(), attached.map((e) => e.NetworkInterfaceId).sort(), `${name}: the ENIs EC2 has attached`);
    assert.equal(enis.filter((e) => e.IsPrimary && e.DeviceNumber === 0).length, 1, 'one primary ENI');
    const mine = web.filter((p) => p.node === name);
    assert.equal(view['0']?.AssignedIPs, mine.length, `${name}: AssignedIPs`);
    const records = enisAddresses(view);
    for (const pod of mine) {
      const found = records.find((r) => r.record.Address === pod.ip);
      assert.ok(found, `${name}: ${pod.ip} is listed`);
      assert.deepEqual([found.record.IPAMMetadata.k8sPodNamespace, found.record.IPAMMetadata.k8sPodName], ['default', pod.name]);
      assert.equal(found.record.UnassignedTime, GO_ZERO_TIME);
      const eni = attached.find((e) => e.NetworkInterfaceId === found.eniId);
      assert.ok(eni?.PrivateIpAddresses.some((ip) => ip.PrivateIpAddress === pod.ip && !ip.Primary), `EC2 has ${pod.ip} as a secondary IP of ${found.eniId}`);
    }
  }));
});

function ipamdOf(status: LabStatus, node: string): LabStatus['nodes'][number]['vpcnetIpamd'] {
  const found = status.nodes.find((n) => n.name === node);
  assert.ok(found, `status lists ${node}`);
  return found.vpcnetIpamd;
}

test('a node whose vpcnet-ipamd is killed gets it back, keeps its pods\' connectivity throughout, and addresses new pods', async () => {
  const node = web[0]!.node;
  const oldPid = ipamdOf(await cli.status(), node).pid;
  assert.ok(oldPid !== undefined && processAlive(oldPid), 'status names the live daemon');
  assert.match(await readFile(`/proc/${oldPid}/cmdline`, 'utf8'), /vpcnet-ipamd/, `pid ${oldPid} is vpcnet-ipamd`);
  const [a, b] = [podOn(node), podOffNode(node)];
  const ping = cli.start(['exec', a.name, '--', 'ping', '-i', '0.2', '-w', '120', b.ip]);
  try {
    await waitFor('the first ping reply', async () => Promise.resolve(/bytes from/.test(ping.output().stdout) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    process.kill(oldPid, 'SIGKILL');
    const restarted = await waitFor('a new vpcnet-ipamd, running', async () => {
      const daemon = ipamdOf(await cli.status(), node);
      return daemon.phase === 'running' && daemon.pid !== undefined && daemon.pid !== oldPid ? daemon : undefined;
    }, { timeoutMs: 60_000 });
    assert.ok(restarted.restarts >= 1);
    assert.equal(processAlive(oldPid), false);
    assert.equal(ping.child.exitCode, null, 'the ping ran through the whole outage');
    await sleep(1_000);
  } finally {
    // `ip netns exec` execs the ping, so the CLI's only child is the ping itself: stop exactly that one.
    for (const pid of await childPids(ping.child.pid ?? 0)) {
      if ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'ping') process.kill(pid, 'SIGINT');
    }
  }
  const pinged = await ping.exited;
  const counts = /(\d+) packets transmitted, (\d+) packets received/.exec(pinged.stdout);
  assert.ok(counts, pinged.stdout + pinged.stderr);
  assert.ok(Number(counts[1]) >= 5 && counts[1] === counts[2], `no ping lost across the restart: ${counts[0]}`);
  // Three more replicas: the least-loaded rule puts exactly one on each node, this one included.
  await cli.ok(['scale', 'deployment/web', '--replicas', '9']);
  await waitForWorkloads(cli, { running: 9, pending: 0 }, 90_000);
  const before = new Set(web.map((p) => p.name));
  web = runningPods(await cli.pods());
  assertPodAddresses(web);
  const fresh = web.filter((p) => !before.has(p.name) && p.node === node);
  assert.equal(fresh.length, 1, 'one new pod on the restarted node');
  assert.match(await cli.inPod(b.name, ['ping', '-c', '1', fresh[0]!.ip]), /1 packets received/);
  const assigned = enisAddresses(await cli.enis(node)).filter((r) => r.record.UnassignedTime === GO_ZERO_TIME).map((r) => r.record.IPAMMetadata.k8sPodName).sort();
  assert.deepEqual(assigned, web.filter((p) => p.node === node).map((p) => p.name).sort(), 'the restarted daemon still knows every pod of its node');
});

test('scaling to 50 fills every node to max pods: 45 Running, 5 Pending with "0/3 nodes are available: 3 Too many pods."', async () => {
  await cli.ok(['scale', 'deployment/web', '--replicas', '50']);
  const status = await waitForWorkloads(cli, { running: CAPACITY, pending: 5 }, 180_000);
  for (const node of status.nodes) assert.equal(node.pods, node.maxPods, `${node.name}: ${node.pods}/${node.maxPods} pods`);
  const pods = await cli.pods();
  web = runningPods(pods);
  assert.equal(web.length, CAPACITY);
  assertPodAddresses(web);
  const pending = pods.filter((p) => p.status.phase === 'Pending');
  assert.equal(pending.length, 5);
  assert.ok(pending.every((p) => p.spec.nodeName === undefined), 'the pending pods are not scheduled');
  const described = await cli.ok(['describe', 'pod', pending[0]!.metadata.name]);
  assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Too many pods\./);
});

test('get pods -o json is complete when piped (50 pods print more than a pipe holds)', async () => {
  const piped = await cli.runPiped(['get', 'pods', '-o', 'json']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotThrow(() => JSON.parse(piped.stdout), `the JSON is cut after ${piped.stdout.length} bytes`);
  assert.equal((JSON.parse(piped.stdout) as { items: unknown[] }).items.length, 50);
});

test('a deleted pod\'s address cools down, then goes to the next pod on its full node', async () => {
  // Deterministic without a shorter IP_COOLDOWN_PERIOD: every node is full (15 pods on the 15 secondary
  // IPs a t3.medium can hold), so the pod scheduled into the freed slot can only get the freed address,
  // and only once its cooldown is over.
  const victim = web[0]!;
  assert.match(await cli.ok(['delete', 'pod', victim.name]), /deleted/);
  const cooling = enisAddresses(await cli.enis(victim.node)).find((r) => r.record.Address === victim.ip)?.record;
  assert.ok(cooling, `${victim.ip} is still listed on its ENI`);
  assert.notEqual(cooling.UnassignedTime, GO_ZERO_TIME, 'it carries its unassignment time (cooldown)');
  assert.equal(cooling.IPAMMetadata.k8sPodName, undefined, 'it belongs to no pod');
  const unassignedAt = Date.parse(cooling.UnassignedTime);
  await sleep(Math.max(0, unassignedAt + COOLDOWN_MS / 2 - Date.now()));
  const midway = await cli.pods();
  assert.ok(!midway.some((p) => p.status.podIP === victim.ip), 'half way through the cooldown, nobody has the address');
  assert.ok(midway.some((p) => p.spec.nodeName === victim.node && p.status.phase === 'Pending'), 'a pod waits on the node for an address');
  await waitForWorkloads(cli, { running: CAPACITY, pending: 5 }, COOLDOWN_MS + 60_000);
  const successor = (await cli.pods()).find((p) => p.status.podIP === victim.ip);
  assert.ok(successor && successor.metadata.name !== victim.name, 'a new pod has the freed address');
  assert.equal(successor.spec.nodeName, victim.node);
  // The container starts once CNI ADD has succeeded (kube timestamps are whole seconds: allow one).
  const startedAt = successor.status.containerStatuses?.[0]?.state.running?.startedAt ?? '';
  assert.ok(Date.parse(startedAt) + 1_000 >= unassignedAt + COOLDOWN_MS, `started ${startedAt}, not before ${new Date(unassignedAt + COOLDOWN_MS).toISOString()}`);
});

test('scaling back to 6 removes the excess pods', async () => {
  await cli.ok(['scale', 'deployment/web', '--replicas', '6']);
  await waitForWorkloads(cli, { running: 6, pending: 0 }, 120_000);
  web = runningPods(await cli.pods());
  assertPodAddresses(web);
});

test('lab down removes every namespace, process and file of the lab, and says so again when run twice', async () => {
  const status = await cli.status();
  const pids = [status.supervisorPid, ...status.nodes.flatMap((n) => (n.vpcnetIpamd.pid === undefined ? [] : [n.vpcnetIpamd.pid]))];
  assert.match(await cli.ok(['down']), new RegExp(`Lab ${status.labId} is down`));
  const { stdout: namespaces } = await promisify(execFile)('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.ok(!namespaces.includes(`vpcl${status.labId}-`), `no namespace of lab ${status.labId} is left:\n${namespaces}`);
  assert.equal(existsSync(cli.home), false, 'the lab home is gone');
  for (const pid of pids) assert.equal(processAlive(pid), false, `process ${pid} has ended`);
  assert.match(await cli.ok(['down']), /No lab is up/);
});
