/**
 * A daemon killed without warning (kill -9: no stop, nothing flushed but what it wrote before replying) and
 * a new one started over the same checkpoint keeps every assignment whose pod still has its veth and whose
 * address EC2 still shows, and never hands out an address twice.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { UnassignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { hostVethName } from '../../src/core/cni/names.ts';
import { addPod, addRequest, assertAdded, secondaryIps, startDaemonKit } from './daemon-kit.ts';
import type { DaemonKit } from './daemon-kit.ts';

interface CheckpointJson {
  version: string;
  allocations: { containerID: string; ipv4: string }[];
}

async function checkpointAddresses(kit: DaemonKit): Promise<Map<string, string>> {
  const checkpoint = JSON.parse(await readFile(kit.store.path, 'utf8')) as CheckpointJson;
  return new Map(checkpoint.allocations.map((entry) => [entry.containerID, entry.ipv4]));
}

/** Every address EC2 shows on the node's ENIs (secondary addresses only). */
function ec2Addresses(kit: DaemonKit): Set<string> {
  return new Set(kit.attachedEnis().flatMap(secondaryIps));
}

test('a second daemon over the same checkpoint keeps every assignment and never hands an address twice', async () => {
  const kit = await startDaemonKit();
  try {
    const first = kit.newIpamd();
    await first.init();
    const addresses = new Map<string, string>();
    for (let i = 0; i < 7; i++) addresses.set(`c-pod-${i}`, (await addPod(kit, first, `pod-${i}`)).addresses[0]!.ipv4);
    assert.equal(kit.attachedEnis().length, 2);
    // While the daemon is down: pod-6 is deleted (its veth goes), and pod-5's address is taken away in EC2.
    kit.network.removeLink(hostVethName('eni', { namespace: 'default', name: 'pod-6' }));
    const lostEni = kit.attachedEnis().find((eni) => secondaryIps(eni).includes(addresses.get('c-pod-5')!));
    await kit.emu.ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: lostEni?.networkInterfaceId, PrivateIpAddresses: [addresses.get('c-pod-5')!] }));

    const second = kit.newIpamd();
    await second.init();
    const restored = await checkpointAddresses(kit);
    const kept = new Map([...addresses].filter(([id]) => id !== 'c-pod-5' && id !== 'c-pod-6'));
    assert.deepEqual(restored, kept);
    assert.deepEqual(kit.network.removedPodRules, [addresses.get('c-pod-6')]);
    // The pods still running get their own address again (idempotent ADD after the restart).
    for (let i = 0; i < 5; i++) {
      const reply = assertAdded(await second.service.add(addRequest(`c-pod-${i}`, `pod-${i}`)));
      assert.equal(reply.addresses[0]?.ipv4, addresses.get(`c-pod-${i}`));
    }
    // New pods never get a restored address, and every address is one EC2 shows on the node.
    for (let i = 0; i < 8; i++) await addPod(kit, second, `new-${i}`);
    const all = await checkpointAddresses(kit);
    assert.equal(all.size, 13);
    assert.equal(new Set(all.values()).size, 13, 'no address is held twice');
    const inEc2 = ec2Addresses(kit);
    for (const [id, ip] of all) assert.ok(inEc2.has(ip), `${id}'s ${ip} is on one of the node's ENIs in EC2`);
    const view = JSON.parse(second.views.enisJson()) as Record<string, { AssignedIPs: number }>;
    assert.equal(view['0']?.AssignedIPs, 13);
  } finally {
    await kit.close();
  }
});

test('init() refuses a checkpoint of another version rather than lose assignments', async () => {
  const kit = await startDaemonKit();
  try {
    await writeFile(kit.store.path, '{"version":"vpc-cni-ipam/2","allocations":[]}\n');
    const ipamd = kit.newIpamd();
    await assert.rejects(ipamd.init(), { name: 'CheckpointError', message: /version "vpc-cni-ipam\/2" is not "vpc-cni-ipam\/1"/ });
    assert.equal(ipamd.service.status().ready, false);
    assert.equal((await ipamd.service.add(addRequest('c-1', 'one'))).reason, 'daemon-unavailable');
    assert.equal(await readFile(kit.store.path, 'utf8'), '{"version":"vpc-cni-ipam/2","allocations":[]}\n');
  } finally {
    await kit.close();
  }
});

test('init() with prefix delegation newly on releases the unused secondary IPs and keeps the ones pods hold', async () => {
  const kit = await startDaemonKit();
  try {
    const before = kit.newIpamd();
    await before.init();
    const held = (await addPod(kit, before, 'old-pod')).addresses[0]!.ipv4;
    assert.equal(secondaryIps(kit.attachedEnis()[0]!).length, 5);
    const after = kit.newIpamd({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' });
    await after.init();
    const primary = kit.attachedEnis()[0]!;
    assert.deepEqual(secondaryIps(primary), [held]);
    assert.equal(primary.ipv4Prefixes.length, 1);
    // The old pod keeps its /32; new pods get addresses of the prefix.
    assert.deepEqual(assertAdded(await after.service.add(addRequest('c-old-pod', 'old-pod'))).addresses[0]?.ipv4, held);
    const fresh = await addPod(kit, after, 'new-pod');
    assert.equal(`${fresh.addresses[0]?.ipv4}/28`, primary.ipv4Prefixes[0]);
  } finally {
    await kit.close();
  }
});
