/**
 * The reconciler and the leaked-ENI cleanup against the EC2 emulator and lab IMDS: ENIs and addresses
 * changed out of band (detached, attached, unassigned, assigned), EC2 trusted before an address is used,
 * and upstream's leaked-ENI rules (filters, 5-minute age, tag-now-and-skip).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  AssociateVpcCidrBlockCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DetachNetworkInterfaceCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import type { ReconcileCounts } from '../../src/daemon/ipamd.ts';
import { addPod, addRequest, assertAdded, secondaryIps, startDaemonKit } from './daemon-kit.ts';
import type { DaemonKit } from './daemon-kit.ts';

const NO_CHANGE: ReconcileCounts = { enisAdded: 0, enisRemoved: 0, cidrsAdded: 0, cidrsRemoved: 0, assignmentsLost: 0, snatReprogrammed: false };

function enisInView(json: string): string[] {
  const view = JSON.parse(json) as Record<string, { ENIs: Record<string, { AvailableIPv4Cidrs: Record<string, unknown> }> }>;
  return Object.keys(view['0']?.ENIs ?? {}).sort();
}

function cidrsInView(json: string, eniId: string): string[] {
  const view = JSON.parse(json) as Record<string, { ENIs: Record<string, { AvailableIPv4Cidrs: Record<string, unknown> }> }>;
  return Object.keys(view['0']?.ENIs[eniId]?.AvailableIPv4Cidrs ?? {}).sort();
}

async function createEni(kit: DaemonKit, options: { description: string; tags: Record<string, string>; ips?: number }): Promise<string> {
  const reply = await kit.emu.ec2.send(new CreateNetworkInterfaceCommand({
    SubnetId: kit.subnetId,
    Description: options.description,
    SecondaryPrivateIpAddressCount: options.ips,
    TagSpecifications: [{ ResourceType: 'network-interface', Tags: Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })) }],
  }));
  const id = reply.NetworkInterface?.NetworkInterfaceId;
  assert.ok(id !== undefined);
  return id;
}

test('reconcileOnce() removes an ENI detached out of band, and the pods on it lose their addresses', async () => {
  const kit = await startDaemonKit();
  try {
    const reconciled: ReconcileCounts[] = [];
    const ipamd = kit.newIpamd({}, { observer: { reconciled: (counts) => reconciled.push(counts) } });
    await ipamd.init();
    assert.deepEqual(await ipamd.reconcileOnce(), NO_CHANGE);
    for (let i = 0; i < 6; i++) await addPod(kit, ipamd, `pod-${i}`);
    const [, second] = kit.attachedEnis();
    assert.ok(second?.attachment !== undefined);
    const onSecond = secondaryIps(second);
    await kit.emu.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: second.attachment.attachmentId, Force: true }));
    const counts = await ipamd.reconcileOnce();
    assert.deepEqual(counts, { ...NO_CHANGE, enisRemoved: 1, assignmentsLost: 1 });
    assert.deepEqual(reconciled, [counts]);
    assert.ok(!enisInView(ipamd.views.enisJson()).includes(second.networkInterfaceId));
    const checkpoint = JSON.parse(await readFile(kit.store.path, 'utf8')) as { allocations: { ipv4: string }[] };
    assert.equal(checkpoint.allocations.length, 5);
    assert.ok(checkpoint.allocations.every((entry) => !onSecond.includes(entry.ipv4)));
    assert.deepEqual(kit.network.plannedRules().filter((rule) => rule.endsWith('prio 32765')), []);
    assert.ok(kit.logger.entries.some((entry) => entry.level === 'warn' && /pods lost their addresses/.test(entry.message)));
  } finally {
    await kit.close();
  }
});

test('reconcileOnce() drops addresses unassigned out of band and adds ENIs and addresses EC2 and IMDS both show', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd();
    await ipamd.init();
    const primary = kit.attachedEnis()[0]!;
    const [taken] = secondaryIps(primary);
    await kit.emu.ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: primary.networkInterfaceId, PrivateIpAddresses: [taken!] }));
    assert.deepEqual(await ipamd.reconcileOnce(), { ...NO_CHANGE, cidrsRemoved: 1 });
    assert.ok(!cidrsInView(ipamd.views.enisJson(), primary.networkInterfaceId).includes(`${taken}/32`));

    await kit.emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary.networkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
    const eniId = await createEni(kit, { description: 'attached by hand', tags: {}, ips: 2 });
    await kit.emu.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: kit.instanceId, DeviceIndex: 2 }));
    assert.deepEqual(await ipamd.reconcileOnce(), { ...NO_CHANGE, enisAdded: 1, cidrsAdded: 3 });
    assert.deepEqual(cidrsInView(ipamd.views.enisJson(), primary.networkInterfaceId), secondaryIps(kit.attachedEnis()[0]!).map((ip) => `${ip}/32`).sort());
    const added = kit.emu.model.state.networkInterfaces.get(eniId)!;
    assert.deepEqual(cidrsInView(ipamd.views.enisJson(), eniId), secondaryIps(added).map((ip) => `${ip}/32`).sort());
    assert.equal(kit.network.secondaryEnis.get(added.macAddress)?.deviceNumber, 2);
    assert.equal(added.tags.get('node.k8s.amazonaws.com/instance_id'), kit.instanceId, 'the new ENI gets the management tags');
    assert.deepEqual(await ipamd.reconcileOnce(), NO_CHANGE);
  } finally {
    await kit.close();
  }
});

test('reconcileOnce() adds an address only once IMDS shows it too (IMDS lagging 600 ms)', async () => {
  const kit = await startDaemonKit({ imdsLagMs: 600 });
  try {
    const describes: string[] = [];
    const ipamd = kit.newIpamd({ WARM_IP_TARGET: '1' }, { observer: { ec2Call: (action) => (action === 'DescribeInstances' ? describes.push(action) : undefined) } });
    await ipamd.init();
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.deepEqual(await ipamd.reconcileOnce(), NO_CHANGE);
    const describedAtInit = describes.length;
    assert.equal(describedAtInit, 1, 'IMDS agrees with the datastore: no EC2 call');
    // The pool grows (EC2 and the datastore have the new address at once, IMDS 600 ms later), and someone
    // assigns one more address by hand: EC2 has it, IMDS does not yet.
    await addPod(kit, ipamd, 'pod-0');
    assert.equal((await ipamd.runPoolOnce()).added, 1);
    const primary = kit.attachedEnis()[0]!;
    await kit.emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary.networkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
    assert.deepEqual(await ipamd.reconcileOnce(), NO_CHANGE);
    assert.equal(describes.length, describedAtInit + 1, 'IMDS disagrees: EC2 was asked');
    assert.equal(cidrsInView(ipamd.views.enisJson(), primary.networkInterfaceId).length, 2);
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.deepEqual(await ipamd.reconcileOnce(), { ...NO_CHANGE, cidrsAdded: 1 });
    assert.deepEqual(cidrsInView(ipamd.views.enisJson(), primary.networkInterfaceId), secondaryIps(kit.attachedEnis()[0]!).map((ip) => `${ip}/32`).sort());
  } finally {
    await kit.close();
  }
});

test('cleanupLeakedEnis() deletes old available ENIs of ipamd and tags the ones without createdAt', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ CLUSTER_NAME: 'lab' });
    await ipamd.init();
    const mine = { 'node.k8s.amazonaws.com/instance_id': 'i-0gone', 'cluster.k8s.amazonaws.com/name': 'lab' };
    const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const old = await createEni(kit, { description: 'aws-K8S-i-0gone', tags: { ...mine, 'node.k8s.amazonaws.com/createdAt': createdAt } });
    const untagged = await createEni(kit, { description: 'aws-K8S-i-0gone', tags: mine });
    const foreign = await createEni(kit, { description: 'made by someone else', tags: { ...mine, 'node.k8s.amazonaws.com/createdAt': createdAt } });
    const otherCluster = await createEni(kit, { description: 'aws-K8S-i-0gone', tags: { ...mine, 'cluster.k8s.amazonaws.com/name': 'other', 'node.k8s.amazonaws.com/createdAt': createdAt } });

    assert.deepEqual(await ipamd.cleanupLeakedEnis(), { deleted: [], tagged: [untagged], ran: true });
    assert.match(kit.emu.model.state.networkInterfaces.get(untagged)?.tags.get('node.k8s.amazonaws.com/createdAt') ?? '', /Z$/);
    kit.clock.advance(6 * 60_000);
    const result = await ipamd.cleanupLeakedEnis();
    assert.deepEqual([...result.deleted].sort(), [old, untagged].sort());
    const left = [...kit.emu.model.state.networkInterfaces.keys()];
    assert.ok(!left.includes(old) && !left.includes(untagged));
    assert.ok(left.includes(foreign) && left.includes(otherCluster));
    assert.equal(kit.attachedEnis().length, 1, "the node's own ENIs are untouched");

    const disabled = kit.newIpamd({ DISABLE_LEAKED_ENI_CLEANUP: 'true' });
    await disabled.init();
    assert.deepEqual(await disabled.cleanupLeakedEnis(), { deleted: [], tagged: [], ran: false });
  } finally {
    await kit.close();
  }
});

test('reconcileOnce() re-programs SNAT when the VPC gets another CIDR block', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd();
    await ipamd.init();
    assert.deepEqual(kit.network.snat?.vpcCidrs, ['10.30.0.0/16']);
    await kit.emu.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: kit.vpcId, CidrBlock: '100.64.0.0/16' }));
    assert.deepEqual(await ipamd.reconcileOnce(), { ...NO_CHANGE, snatReprogrammed: true });
    assert.deepEqual(kit.network.snat?.vpcCidrs, ['10.30.0.0/16', '100.64.0.0/16']);
    assert.equal(kit.network.snatHistory.length, 2);
    assert.deepEqual(assertAdded(await ipamd.service.add(addRequest('c-1', 'one'))).vpcCidrs, ['10.30.0.0/16', '100.64.0.0/16']);
    assert.deepEqual(await ipamd.reconcileOnce(), NO_CHANGE);
  } finally {
    await kit.close();
  }
});
