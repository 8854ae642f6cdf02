/**
 * LinuxNodeNetwork against real namespaces: a "node" with eth0 (primary ENI) and eth1 (secondary ENI) whose
 * peers sit in a "vpc" namespace (router, 203.0.113.10 outside the VPC, 192.168.100.10 inside), and a "pod"
 * behind the node on a veth, as the plugin would wire it. Nothing runs in the root namespace.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecFileRunner } from '../../src/adapters/linux/exec-file-runner.ts';
import { runChecked } from '../../src/adapters/linux/ip-batch.ts';
import { LinuxNodeNetwork } from '../../src/adapters/linux/node-network.ts';
import type { NodeRulesInput } from '../../src/core/node-network/index.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/ports/command-runner.ts';
import type { SnatSettings } from '../../src/ports/node-network.ts';

const host = new ExecFileRunner();
const prefix = `vpcnt-${randomBytes(3).toString('hex')}`;
const NS = { node: `${prefix}-node`, vpc: `${prefix}-vpc`, pod: `${prefix}-pod`, legacy: `${prefix}-legacy` };
const MAC = { eth0: '02:00:00:00:00:10', eth1: '02:00:00:00:00:11', podVeth: '02:00:00:00:00:50' };

/** Runs every command inside one named namespace. */
class NetnsRunner implements CommandRunner {
  readonly #namespace: string;
  constructor(namespace: string) {
    this.#namespace = namespace;
  }
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return host.run('ip', ['netns', 'exec', this.#namespace, file, ...args], options);
  }
}

/** Remembers the commands it runs. */
class RecordingRunner implements CommandRunner {
  readonly commands: string[] = [];
  readonly #inner: CommandRunner;
  constructor(inner: CommandRunner) {
    this.#inner = inner;
  }
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.commands.push([file, ...args].join(' '));
    return this.#inner.run(file, args, options);
  }
}

const isRead = (command: string): boolean =>
  /^ip .*-json/.test(command) || /^iptables(-legacy)?-save /.test(command) || / --version$/.test(command) || /^nft -y list /.test(command);

const inNode = new NetnsRunner(NS.node);
const run = (namespace: string, command: string): Promise<string> => runChecked(new NetnsRunner(namespace), 'sh', ['-c', command]);
const nodeNetwork = (runner: CommandRunner = inNode): LinuxNodeNetwork => new LinuxNodeNetwork({ runner, linkLookup: { attempts: 2, intervalMs: 10 } });

const snat: SnatSettings = {
  vpcCidrs: ['192.168.0.0/16', '100.64.0.0/16'], primaryIp: '192.168.1.10', primaryMac: MAC.eth0,
  snat: { mode: 'node', randomize: 'prng', excludeCidrs: [] }, connmark: 0x80, vethPrefix: 'eni', nodePortSupport: true,
};
const rules: NodeRulesInput = {
  nodePortSupport: true, connmark: 0x80, externalServiceCidrs: ['10.100.0.0/16'], snat: { mode: 'node' },
  secondaryEnis: [{ deviceNumber: 1, primaryIp: '192.168.1.20' }],
};
const eth1 = { mac: MAC.eth1, deviceNumber: 1, primaryIp: '192.168.1.20', subnetCidr: '192.168.0.0/19', mtu: 9001 };

async function applyAll(network: LinuxNodeNetwork): Promise<void> {
  await network.setupPrimaryEni({ mac: MAC.eth0, mtu: 9001 });
  await network.setupSecondaryEni(eth1);
  await network.applySnat(snat);
  await network.applyNodeRules(rules);
}

/** iptables-save of a table without comments and with chain counters zeroed. */
async function saved(namespace: string, table: string, program = 'iptables-save'): Promise<string[]> {
  const text = await run(namespace, `${program} -t ${table}`);
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.replace(/\[\d+:\d+\]/, '[0:0]'));
}

const awsLines = async (table: string): Promise<string[]> => (await saved(NS.node, table)).filter((line) => line.includes('AWS'));
const nftTable = async (): Promise<string> => (await run(NS.node, 'nft -y list table ip aws-cni 2>&1 || true')).replace(/ packets \d+ bytes \d+/g, '');
const ipRules = async (): Promise<string[]> => (await run(NS.node, 'ip -4 rule show')).trim().split('\n');

/** The address the vpc namespace's web server saw the pod's request come from. */
async function sourceSeenBy(address: string): Promise<string | undefined> {
  const result = await new NetnsRunner(NS.pod).run('timeout', ['3', 'busybox', 'wget', '-q', '-O', '-', `http://${address}/cgi-bin/ip`]);
  return /(\d+\.\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

/** HTTP packets the vpc namespace received from the node's eth0 and eth1 (mangle counters). */
async function webPacketsByEni(): Promise<{ eth0: number; eth1: number }> {
  const text = await run(NS.vpc, 'iptables-save -c -t mangle');
  const count = (peer: string): number => Number(new RegExp(`\\[(\\d+):\\d+\\] -A PREROUTING -i ${peer} `).exec(text)?.[1] ?? NaN);
  return { eth0: count('to-eth0'), eth1: count('to-eth1') };
}

const NAT_RULES = [
  ':AWS-SNAT-CHAIN-0 - [0:0]',
  '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
  '-A AWS-SNAT-CHAIN-0 -d 100.64.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
  '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
  '-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.1.10 --random-fully',
];
const MANGLE_RULES = [
  '-A PREROUTING -i eth0 -m comment --comment "AWS, primary ENI" -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark 0x80/0x80',
  '-A PREROUTING -i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
  '-A PREROUTING -i vlan+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
];
const NFT_TABLE = `table ip aws-cni {
\tchain nat-prerouting {
\t\ttype nat hook prerouting priority -90; policy accept;
\t\tfib daddr type local return
\t\tiifname "eni*" counter jump snat-mark
\t\tcounter meta mark set ct mark & 0x00000080
\t}

\tchain snat-mark {
\t\tcounter ip daddr 100.64.0.0/16 return
\t\tcounter ip daddr 192.168.0.0/16 return
\t\tcounter ct mark set ct mark | 0x00000080
\t}
}
`;

const WIRING = [
  [NS.node, 'ip link add eth0 address 02:00:00:00:00:10 type veth peer name to-eth0 netns VPC && ip link add eth1 address 02:00:00:00:00:11 type veth peer name to-eth1 netns VPC'],
  [NS.node, 'ip link set eth0 up && ip address add 192.168.1.10/19 dev eth0 && ip route add default via 192.168.0.1 dev eth0 && sysctl -q -w net.ipv4.ip_forward=1'],
  [NS.vpc, 'ip link set to-eth0 up && ip link set to-eth1 up && ip address add 192.168.0.1/19 dev to-eth0'],
  [NS.vpc, 'ip address add 203.0.113.10/32 dev lo && ip address add 192.168.100.10/32 dev lo && ip route add 192.168.1.50/32 via 192.168.1.10 dev to-eth0'],
  [NS.vpc, 'ip address add 192.168.0.1/32 dev to-eth1 && sysctl -q -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.to-eth1.rp_filter=0'],
  [NS.vpc, 'iptables -t mangle -A PREROUTING -i to-eth0 -p tcp --dport 80 && iptables -t mangle -A PREROUTING -i to-eth1 -p tcp --dport 80'],
  [NS.node, 'ip link add eni0a1b2c3d4e5 address 02:00:00:00:00:50 type veth peer name eth0 netns POD && ip link set eni0a1b2c3d4e5 up'],
  [NS.node, 'ip route add 192.168.1.50/32 dev eni0a1b2c3d4e5 scope link && ip rule add to 192.168.1.50/32 lookup main prio 512'],
  [NS.pod, 'ip link set eth0 up && ip address add 192.168.1.50/32 dev eth0 && ip route add 169.254.1.1 dev eth0 scope link'],
  [NS.pod, 'ip route add default via 169.254.1.1 dev eth0 && ip neigh add 169.254.1.1 lladdr 02:00:00:00:00:50 nud permanent dev eth0'],
  [NS.legacy, 'ip link add eth0 address 02:00:00:00:00:10 type veth peer name peer0'],
] as const;

describe('LinuxNodeNetwork (real namespaces and packets)', () => {
  let webRoot: string;
  let httpd: ChildProcess | undefined;

  before(async () => {
    for (const namespace of Object.values(NS)) await runChecked(host, 'ip', ['netns', 'add', namespace]);
    for (const namespace of Object.values(NS)) await run(namespace, 'ip link set lo up');
    for (const [namespace, command] of WIRING) await run(namespace, command.replaceAll('VPC', NS.vpc).replaceAll('POD', NS.pod));
    webRoot = await mkdtemp(join(tmpdir(), `${prefix}-www-`));
    await mkdir(join(webRoot, 'cgi-bin'));
    await writeFile(join(webRoot, 'cgi-bin', 'ip'), '#!/bin/sh\necho "Content-Type: text/plain"\necho ""\necho "$REMOTE_ADDR"\n');
    await chmod(join(webRoot, 'cgi-bin', 'ip'), 0o755);
    httpd = spawn('ip', ['netns', 'exec', NS.vpc, 'busybox', 'httpd', '-f', '-p', '80', '-h', webRoot], { stdio: 'ignore' });
    await sleep(300);
  });

  after(async () => {
    httpd?.kill();
    for (const namespace of Object.values(NS)) await host.run('ip', ['netns', 'delete', namespace]);
    if (webRoot !== undefined) await rm(webRoot, { recursive: true, force: true });
    assert.deepEqual((await runChecked(host, 'ip', ['netns', 'list'])).split('\n').filter((line) => line.startsWith(prefix)), []);
  });

  test('setupPrimaryEni() and setupSecondaryEni() find the ENIs by MAC and configure them as section d says', async () => {
    await applyAll(nodeNetwork());
    assert.match(await run(NS.node, 'ip -o link show dev eth0'), / mtu 9001 /);
    assert.match(await run(NS.node, 'ip -o link show dev eth1'), /<[^>]*\bUP\b[^>]*> mtu 9001 /);
    assert.deepEqual((await run(NS.node, 'ip -o -4 addr show dev eth1')).match(/inet \S+/g), ['inet 192.168.1.20/19']);
    assert.equal(await run(NS.node, 'ip route show table 2'), 'default via 192.168.0.1 dev eth1 \n192.168.0.1 dev eth1 scope link \n');
    assert.doesNotMatch(await run(NS.node, 'ip route show table main'), /dev eth1/);
  });

  test('applySnat() writes section d\'s nat and mangle rules and the nftables connmark table', async () => {
    assert.equal(await nodeNetwork().connmarkBackend(), /legacy/.test(await run(NS.node, 'iptables --version')) ? 'iptables' : 'nftables');
    assert.deepEqual(await awsLines('nat'), NAT_RULES);
    assert.deepEqual(await awsLines('mangle'), MANGLE_RULES);
    assert.equal(await nftTable(), NFT_TABLE);
  });

  test('applyNodeRules() adds the fwmark, external service and ENI primary IP rules', async () => {
    const shown = JSON.parse(await run(NS.node, 'ip -4 -json rule show')) as { priority: number }[];
    assert.deepEqual(shown.map((rule) => rule.priority), [0, 512, 1024, 1535, 32765, 32766, 32767]);
    assert.deepEqual(await ipRules(), [
      '0:\tfrom all lookup local',
      '512:\tfrom all to 192.168.1.50 lookup main',
      '1024:\tfrom all fwmark 0x80/0x80 lookup main',
      '1535:\tfrom all to 10.100.0.0/16 lookup main',
      '32765:\tfrom 192.168.1.20 lookup 2',
      '32766:\tfrom all lookup main',
      '32767:\tfrom all lookup default',
    ]);
  });

  test('applying everything a second time runs only reads and changes nothing', async () => {
    const snapshot = async (): Promise<unknown> => [await saved(NS.node, 'nat'), await saved(NS.node, 'mangle'), await nftTable(), await ipRules(),
      await run(NS.node, 'ip -d link show; ip -4 addr show; ip -4 route show table all')];
    const before = await snapshot();
    const recorder = new RecordingRunner(inNode);
    await applyAll(nodeNetwork(recorder));
    assert.deepEqual(recorder.commands.filter((command) => !isRead(command)), []);
    assert.deepEqual(await snapshot(), before);
  });

  test('pod traffic leaving the VPC arrives from the primary address; inside the VPC it keeps the pod address', async () => {
    assert.equal(await sourceSeenBy('203.0.113.10'), '192.168.1.10');
    assert.equal(await sourceSeenBy('192.168.100.10'), '192.168.1.50');
  });

  test('connmark sends a secondary-ENI pod\'s off-VPC traffic out of the primary ENI, its VPC traffic out of its own ENI', async () => {
    await run(NS.node, 'ip rule add from 192.168.1.50/32 lookup 2 prio 1536');
    try {
      const before = await webPacketsByEni();
      assert.equal(await sourceSeenBy('203.0.113.10'), '192.168.1.10');
      const offVpc = await webPacketsByEni();
      assert.ok(offVpc.eth0 > before.eth0 && offVpc.eth1 === before.eth1, `off-VPC: ${JSON.stringify([before, offVpc])}`);
      assert.equal(await sourceSeenBy('192.168.100.10'), '192.168.1.50');
      const inVpc = await webPacketsByEni();
      assert.ok(inVpc.eth1 > offVpc.eth1 && inVpc.eth0 === offVpc.eth0, `in-VPC: ${JSON.stringify([offVpc, inVpc])}`);
    } finally {
      await run(NS.node, 'ip rule del from 192.168.1.50/32 lookup 2 prio 1536');
    }
  });

  test('applySnat() re-programs the RETURNs when the VPC CIDRs change', async () => {
    await nodeNetwork().applySnat({ ...snat, vpcCidrs: ['192.168.0.0/16', '10.0.0.0/8'] });
    const returns = (await awsLines('nat')).filter((line) => line.endsWith('-j RETURN'));
    assert.deepEqual(returns, [
      '-A AWS-SNAT-CHAIN-0 -d 10.0.0.0/8 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
    ]);
    assert.match(await nftTable(), /ip daddr 10\.0\.0\.0\/8 return\n\t\tcounter ip daddr 192\.168\.0\.0\/16 return\n/);
    assert.doesNotMatch(await nftTable(), /100\.64/);
    await nodeNetwork().applySnat(snat);
    assert.deepEqual(await awsLines('nat'), NAT_RULES);
  });

  test('applySnat() deletes the chains of the chain-per-CIDR design and stale AWS rules', async () => {
    await run(NS.node, 'iptables -t nat -N AWS-SNAT-CHAIN-1 && iptables -t nat -F AWS-SNAT-CHAIN-0'
      + ' && iptables -t nat -A AWS-SNAT-CHAIN-0 ! -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-1'
      + ' && iptables -t nat -A AWS-SNAT-CHAIN-1 -m comment --comment "AWS, SNAT" -j SNAT --to-source 192.168.1.10'
      + ' && iptables -t mangle -A PREROUTING -m comment --comment "AWS, primary ENI" -i eni+ -j CONNMARK --restore-mark --mask 0x40');
    await nodeNetwork().applySnat(snat);
    assert.deepEqual(await awsLines('nat'), NAT_RULES);
    assert.deepEqual(await awsLines('mangle'), MANGLE_RULES);
    assert.equal(await sourceSeenBy('203.0.113.10'), '192.168.1.10');
  });

  test('applySnat() with external SNAT removes the SNAT and connmark rules, and pods keep their address', async () => {
    await nodeNetwork().applySnat({ ...snat, snat: { ...snat.snat, mode: 'external' } });
    assert.deepEqual(await awsLines('nat'), [':AWS-SNAT-CHAIN-0 - [0:0]']);
    assert.deepEqual(await awsLines('mangle'), MANGLE_RULES);
    assert.match(await nftTable(), /No such file or directory/);
    assert.equal(await sourceSeenBy('203.0.113.10'), '192.168.1.50');
    await nodeNetwork().applySnat(snat);
    assert.equal(await nftTable(), NFT_TABLE);
  });

  test('removePodRules() deletes the 512 and 1536 rules of one pod address only', async () => {
    await run(NS.node, 'ip rule add to 192.168.1.60/32 lookup main prio 512 && ip rule add from 192.168.1.60/32 lookup 2 prio 1536'
      + ' && ip rule add from 192.168.1.60/32 to 10.0.0.0/8 lookup 2 prio 1536');
    await nodeNetwork().removePodRules('192.168.1.60');
    assert.doesNotMatch((await ipRules()).join('\n'), /192\.168\.1\.60/);
    assert.ok((await ipRules()).includes('512:\tfrom all to 192.168.1.50 lookup main'));
  });

  test('ensurePodRules() leaves one to-pod rule and, off main, one from-pod rule that takes the pod out of its own ENI', async () => {
    const rulesOf = async (pattern: RegExp): Promise<string[]> => (await ipRules()).filter((line) => pattern.test(line));
    await run(NS.node, 'ip rule add from 192.168.1.50/32 lookup 3 prio 1536 && ip rule add from 192.168.1.50/32 to 10.0.0.0/8 lookup 2 prio 1536'
      + ' && ip rule add to 192.168.1.50/32 lookup 5 prio 512 && ip rule add to 192.168.1.62/32 lookup main prio 512');
    try {
      await nodeNetwork().ensurePodRules('192.168.1.50', 2);
      assert.deepEqual(await rulesOf(/192\.168\.1\.(50|62)/), ['512:\tfrom all to 192.168.1.50 lookup main', '512:\tfrom all to 192.168.1.62 lookup main', '1536:\tfrom 192.168.1.50 lookup 2']);
      const recorder = new RecordingRunner(inNode);
      await nodeNetwork(recorder).ensurePodRules('192.168.1.50', 2);
      assert.deepEqual(recorder.commands.filter((command) => !isRead(command)), []);
      const before = await webPacketsByEni();
      assert.equal(await sourceSeenBy('192.168.100.10'), '192.168.1.50');
      const after = await webPacketsByEni();
      assert.ok(after.eth1 > before.eth1 && after.eth0 === before.eth0, `in-VPC traffic leaves by eth1: ${JSON.stringify([before, after])}`);
    } finally {
      // Back on the primary ENI (main table): no from-pod rule.
      await nodeNetwork().ensurePodRules('192.168.1.50', 254);
      await nodeNetwork().removePodRules('192.168.1.62');
    }
    assert.deepEqual(await rulesOf(/192\.168\.1\.(50|62)/), ['512:\tfrom all to 192.168.1.50 lookup main']);
  });

  test('linkNames() lists the node\'s interfaces, pod veths included', async () => {
    assert.deepEqual([...await nodeNetwork().linkNames()].sort(), ['eni0a1b2c3d4e5', 'eth0', 'eth1', 'lo']);
  });

  test('setupSecondaryEni() fails with LinkNotFoundError for a MAC no interface has', async () => {
    await assert.rejects(nodeNetwork().setupSecondaryEni({ ...eth1, mac: '02:00:00:00:00:99' }), { name: 'LinkNotFoundError' });
  });

  test('applySnat() on an iptables-legacy host keeps connmark in AWS-CONNMARK-CHAIN-0, once', async () => {
    const legacyRunner = new RecordingRunner(new NetnsRunner(NS.legacy));
    const legacy = new LinuxNodeNetwork({
      runner: legacyRunner, iptables: { iptables: 'iptables-legacy', save: 'iptables-legacy-save', restore: 'iptables-legacy-restore' },
    });
    assert.equal(await legacy.connmarkBackend(), 'iptables');
    await legacy.applySnat(snat);
    const nat = (await saved(NS.legacy, 'nat', 'iptables-legacy-save')).filter((line) => line.includes('AWS'));
    assert.deepEqual(nat, [
      ':AWS-CONNMARK-CHAIN-0 - [0:0]',
      ':AWS-SNAT-CHAIN-0 - [0:0]',
      '-A PREROUTING -i eni+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0',
      '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
      NAT_RULES[1],
      '-A AWS-CONNMARK-CHAIN-0 -d 100.64.0.0/16 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-A AWS-CONNMARK-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
      ...NAT_RULES.slice(2),
    ]);
    assert.match(await run(NS.legacy, 'nft list tables'), /^$/);
    legacyRunner.commands.length = 0;
    await legacy.applySnat(snat);
    assert.deepEqual(legacyRunner.commands.filter((command) => !isRead(command)), []);
    await legacy.applySnat({ ...snat, snat: { ...snat.snat, mode: 'external' } });
    assert.doesNotMatch((await saved(NS.legacy, 'nat', 'iptables-legacy-save')).join('\n'), /CONNMARK/);
  });
});
