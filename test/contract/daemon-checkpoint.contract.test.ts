/**
 * The checkpoint at start, against the EC2 emulator: an unusable file (not JSON, not a checkpoint, another
 * version, unreadable, an address held twice) stops init() with an error naming the file and the problem,
 * and the file is left exactly as it was; a restored pod's ip rules are normalised (upstream
 * `UpdateRuleListBySrc`), so a pod on a secondary ENI whose rule was lost gets it back.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { formatIpRule, hostCidr, MAIN_TABLE, RULE_PRIORITY } from '../../src/core/node-network/index.ts';
import type { AddOk } from '../../src/core/protocol/index.ts';
import { addPod, addRequest, assertAdded, startDaemonKit } from './daemon-kit.ts';
import type { DaemonKit } from './daemon-kit.ts';

interface UnusableCase {
  readonly what: string;
  readonly text: string;
  readonly error: { readonly name: string; readonly message: RegExp };
}

const UNUSABLE: readonly UnusableCase[] = [
  { what: 'bad JSON', text: '{"version":"vpc-cni-ipam/1","allocations":[{"ipv4":"10.30.0.9"', error: { name: 'CheckpointError', message: /is unusable: not JSON: / } },
  { what: 'a wrongly typed field', text: '{"version":"vpc-cni-ipam/1","allocations":{"ipv4":"10.30.0.9"}}\n', error: { name: 'CheckpointError', message: /is unusable: allocations must be an array\./ } },
  { what: 'another version', text: '{"version":"vpc-cni-ipam/2","allocations":[]}\n', error: { name: 'CheckpointError', message: /is unusable: version "vpc-cni-ipam\/2" is not "vpc-cni-ipam\/1"\./ } },
];

/** The names in the checkpoint's directory (no temporary file may be left behind). */
async function checkpointDirectory(kit: DaemonKit): Promise<string[]> {
  return (await readdir(dirname(kit.store.path))).sort();
}

for (const unusable of UNUSABLE) {
  test(`init() refuses a checkpoint with ${unusable.what}, names the file, and leaves it untouched before changing anything`, async () => {
    const kit = await startDaemonKit();
    try {
      await writeFile(kit.store.path, unusable.text);
      const ec2Calls: string[] = [];
      const ipamd = kit.newIpamd({}, { observer: { ec2Call: (action) => ec2Calls.push(action) } });
      const message = new RegExp(`^Cannot start: the IPAM checkpoint ${kit.store.path.replaceAll('.', '\\.')} ${unusable.error.message.source}.*left untouched`);
      await assert.rejects(ipamd.init(), { name: unusable.error.name, message });
      assert.deepEqual(ec2Calls, [], 'no EC2 call');
      assert.deepEqual(kit.network.calls, [], 'nothing on the node changed');
      assert.equal(ipamd.service.status().ready, false);
      assert.equal((await ipamd.service.add(addRequest('c-1', 'one'))).reason, 'daemon-unavailable');
      // A retry (the process restarted) fails the same way: nothing was lost or rewritten meanwhile.
      await assert.rejects(ipamd.init(), { name: unusable.error.name, message });
      assert.equal(await readFile(kit.store.path, 'utf8'), unusable.text);
      assert.deepEqual(await checkpointDirectory(kit), ['ipam.json']);
    } finally {
      await kit.close();
    }
  });
}

test('init() refuses a checkpoint it cannot read, naming the file', async () => {
  const kit = await startDaemonKit();
  try {
    await mkdir(kit.store.path);
    const ipamd = kit.newIpamd();
    await assert.rejects(ipamd.init(), { message: new RegExp(`^Cannot start: cannot read the IPAM checkpoint ${kit.store.path.replaceAll('.', '\\.')}: EISDIR`) });
    assert.deepEqual(kit.network.calls, []);
    assert.deepEqual(await readdir(kit.store.path), [], 'the directory in its place is left alone');
  } finally {
    await kit.close();
  }
});

test('init() refuses a checkpoint that gives one address to two pods, and leaves it untouched', async () => {
  const kit = await startDaemonKit();
  try {
    const first = kit.newIpamd();
    await first.init();
    const ip = (await addPod(kit, first, 'one')).addresses[0]!.ipv4;
    const entry = (id: string): string => `{"networkName":"aws-cni","containerID":"${id}","ifName":"eth0","ipv4":"${ip}","allocationTimestamp":1,"metadata":{}}`;
    const text = `{"version":"vpc-cni-ipam/1","allocations":[${entry('c-one')},${entry('c-two')}]}\n`;
    await writeFile(kit.store.path, text);
    const second = kit.newIpamd();
    const message = new RegExp(`^Cannot start: the IPAM checkpoint ${kit.store.path.replaceAll('.', '\\.')} is unusable: ${ip.replaceAll('.', '\\.')} of container "c-two" is also held`);
    await assert.rejects(second.init(), { name: 'CheckpointError', message });
    assert.equal(await readFile(kit.store.path, 'utf8'), text);
  } finally {
    await kit.close();
  }
});

/** The plugin's rules for the pods' addresses, as `ip rule` texts, sorted. */
function pluginRules(replies: readonly AddOk[]): string[] {
  return replies.flatMap((reply) => reply.addresses.flatMap(({ ipv4, routeTableId }) => [
    formatIpRule({ priority: RULE_PRIORITY.toPod, to: hostCidr(ipv4), table: MAIN_TABLE }),
    ...(routeTableId === MAIN_TABLE ? [] : [formatIpRule({ priority: RULE_PRIORITY.fromPod, from: hostCidr(ipv4), table: routeTableId })]),
  ])).sort();
}

test('init() gives restored pods their ip rules back: the lost ones recreated, stale and repeated ones deleted', async () => {
  const kit = await startDaemonKit();
  try {
    const first = kit.newIpamd();
    await first.init();
    const pods: AddOk[] = [];
    for (let i = 0; i < 7; i++) pods.push(await addPod(kit, first, `pod-${i}`));
    const [onPrimary, , , , , onSecondary, alsoOnSecondary] = pods.map((reply) => reply.addresses[0]!);
    assert.deepEqual([onPrimary?.routeTableId, onSecondary?.routeTableId, alsoOnSecondary?.routeTableId], [MAIN_TABLE, 2, 2]);
    assert.deepEqual(kit.network.podRuleTexts().sort(), pluginRules(pods));
    // While the daemon is down: pod-5 loses its from-pod rule, pod-0 its to-pod rule; pod-6's from-pod rule
    // is repeated (old kernels) and it gets one in another table; pod-1 (primary ENI) a legacy one in main.
    const lose = (text: string): void => {
      const index = kit.network.podRuleTexts().indexOf(text);
      assert.ok(index >= 0, text);
      kit.network.podRules.splice(index, 1);
    };
    lose(`from ${onSecondary!.ipv4} lookup 2 prio 1536`);
    lose(`to ${onPrimary!.ipv4} lookup main prio 512`);
    kit.network.addPodRule({ priority: RULE_PRIORITY.fromPod, from: hostCidr(alsoOnSecondary!.ipv4), table: 2 });
    kit.network.addPodRule({ priority: RULE_PRIORITY.fromPod, from: hostCidr(alsoOnSecondary!.ipv4), table: 3 });
    kit.network.addPodRule({ priority: RULE_PRIORITY.fromPod, from: hostCidr(pods[1]!.addresses[0]!.ipv4), table: MAIN_TABLE });
    kit.network.addPodRule({ priority: RULE_PRIORITY.toPod, to: '10.30.15.250/32', table: MAIN_TABLE });

    const second = kit.newIpamd();
    await second.init();
    assert.deepEqual(kit.network.podRuleTexts().sort(), [...pluginRules(pods), 'to 10.30.15.250 lookup main prio 512'].sort(), 'rules of no restored pod stay');
    assert.ok(kit.network.calls.includes(`ensurePodRules ${onSecondary!.ipv4} 2`));
    // Idempotent: a third start over the same node changes no rule.
    const before = kit.network.podRuleTexts();
    await kit.newIpamd().init();
    assert.deepEqual(kit.network.podRuleTexts(), before);
    assert.deepEqual(assertAdded(await second.service.add(addRequest('c-pod-5', 'pod-5'))).addresses, pods[5]!.addresses);
  } finally {
    await kit.close();
  }
});

test('init() fails, keeping the checkpoint, when a restored pod\'s ip rules cannot be set', async () => {
  const kit = await startDaemonKit();
  try {
    const first = kit.newIpamd();
    await first.init();
    const ip = (await addPod(kit, first, 'one')).addresses[0]!.ipv4;
    const text = await readFile(kit.store.path, 'utf8');
    kit.network.failNext('ensurePodRules', new Error('RTNETLINK answers: Operation not permitted'));
    const second = kit.newIpamd();
    await assert.rejects(second.init(), { message: `Cannot start: cannot restore the ip rules of pod address ${ip} (route table 254): RTNETLINK answers: Operation not permitted` });
    assert.equal(await readFile(kit.store.path, 'utf8'), text, 'the assignment is still in the checkpoint');
    await second.init();
    assert.equal(second.service.status().ready, true);
  } finally {
    await kit.close();
  }
});
