/**
 * The daemon's warm pool against the real EC2 emulator (SdkEc2Api) and the lab IMDS (HttpImds): init and
 * pool rounds fill ENIs as WARM_ENI_TARGET, WARM_IP_TARGET/MINIMUM_IP_TARGET and prefix delegation require,
 * checked in EC2's own view (the model), with ipamd's description, tags and host setup.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { addPod, addRequest, delRequest, secondaryIps, startDaemonKit } from './daemon-kit.ts';

test('init() and runPoolOnce() fill ENIs as WARM_ENI_TARGET=1 requires on a t3.medium', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd();
    assert.equal(ipamd.service.status().ready, false);
    await ipamd.init();
    assert.equal(ipamd.service.status().ready, true);
    const [primary] = kit.attachedEnis();
    assert.ok(primary !== undefined);
    // One ENI's worth of free addresses: the primary ENI gets its 5 secondary IPs, no second ENI.
    assert.equal(kit.attachedEnis().length, 1);
    assert.equal(secondaryIps(primary).length, 5);
    assert.equal(primary.tags.get('node.k8s.amazonaws.com/instance_id'), kit.instanceId);
    assert.deepEqual(kit.network.primary, { mac: primary.macAddress, mtu: 9001 });
    assert.deepEqual(kit.network.snat?.vpcCidrs, ['10.30.0.0/16']);
    assert.equal(kit.network.snat?.primaryIp, primary.privateIps[0]?.address);
    const facts = ipamd.facts();
    assert.deepEqual([facts?.maxPods, facts?.targets.maxEni, facts?.poolMode], [17, 3, 'secondary-ip']);

    // A pod takes one: 4 free < 5, so the next round attaches an ENI with 5 more.
    await addPod(kit, ipamd, 'web-0');
    const round = await ipamd.runPoolOnce();
    assert.equal(round.added, 5);
    const [, second] = kit.attachedEnis();
    assert.ok(second?.attachment !== undefined);
    assert.equal(second.attachment.deviceIndex, 1);
    assert.equal(second.attachment.deleteOnTermination, true);
    assert.equal(second.description, `aws-K8S-${kit.instanceId}`);
    assert.equal(second.subnetId, kit.subnetId);
    assert.deepEqual(second.groupIds, [...primary.groupIds].sort());
    assert.equal(second.tags.get('node.k8s.amazonaws.com/instance_id'), kit.instanceId);
    assert.match(second.tags.get('node.k8s.amazonaws.com/createdAt') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(secondaryIps(second).length, 5);
    const setup = kit.network.secondaryEnis.get(second.macAddress);
    assert.deepEqual([setup?.deviceNumber, setup?.primaryIp, setup?.subnetCidr, setup?.mtu], [1, second.privateIps[0]?.address, '10.30.0.0/20', 9001]);
    assert.ok(kit.network.plannedRules().includes(`from ${second.privateIps[0]?.address} lookup 2 prio 32765`));

    // Nothing more is needed: 9 free >= 5.
    assert.equal((await ipamd.runPoolOnce()).added, 0);
    assert.equal(kit.attachedEnis().length, 2);
    for (let i = 1; i <= 5; i++) await addPod(kit, ipamd, `web-${i}`);
    // 6 pods: 4 free < 5, so the third ENI comes.
    await ipamd.runPoolOnce();
    assert.deepEqual(kit.attachedEnis().map((eni) => secondaryIps(eni).length), [5, 5, 5]);
    const view = JSON.parse(ipamd.views.enisJson()) as Record<string, { TotalIPs: number; AssignedIPs: number; ENIs: Record<string, unknown> }>;
    assert.deepEqual([view['0']?.TotalIPs, view['0']?.AssignedIPs, Object.keys(view['0']?.ENIs ?? {}).length], [15, 6, 3]);
    assert.deepEqual(ipamd.views.poolGauges(), {
      ...ipamd.views.poolGauges(),
      enis: 3, totalIps: 15, assignedIps: 6, idleIps: 9, eniMax: 3, ipMax: 15, maxPods: 17,
    });
  } finally {
    await kit.close();
  }
});

test('runPoolOnce() keeps WARM_IP_TARGET free and MINIMUM_IP_TARGET in total, and releases the excess', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '3' });
    await ipamd.init();
    const primary = () => kit.attachedEnis()[0]!;
    // short = max(2 - 0, 3 - 0) = 3.
    assert.equal(secondaryIps(primary()).length, 3);
    const pods: string[] = [];
    for (const name of ['a', 'b']) pods.push((await addPod(kit, ipamd, name)).addresses[0]!.ipv4);
    // 1 free < 2: one more.
    assert.equal((await ipamd.runPoolOnce()).added, 1);
    assert.equal(secondaryIps(primary()).length, 4);
    for (const name of ['c', 'd']) pods.push((await addPod(kit, ipamd, name)).addresses[0]!.ipv4);
    // short = 2, but a t3.medium ENI holds 5 secondary IPs: only 1 fits.
    assert.equal((await ipamd.runPoolOnce()).added, 1);
    assert.equal(secondaryIps(primary()).length, 5);
    assert.equal(kit.attachedEnis().length, 1);
    for (const name of ['a', 'b', 'c', 'd']) assert.equal((await ipamd.service.del(delRequest(`c-${name}`, name))).reason, 'ok');
    // 5 free: over = min(5 - 2, 5 - 3) = 2, but the 4 released addresses cool down for 30 s: only the one
    // never used goes back to EC2 now.
    await ipamd.runPoolOnce();
    assert.deepEqual(secondaryIps(primary()).sort(), [...pods].sort());
    kit.clock.advance(31_000);
    // 4 free: over = min(4 - 2, 4 - 3) = 1.
    await ipamd.runPoolOnce();
    assert.equal(secondaryIps(primary()).length, 3);
    const view = JSON.parse(ipamd.views.enisJson()) as Record<string, { TotalIPs: number }>;
    assert.equal(view['0']?.TotalIPs, 3);
  } finally {
    await kit.close();
  }
});

test('init() and runPoolOnce() delegate /28 prefixes with ENABLE_PREFIX_DELEGATION and WARM_PREFIX_TARGET=1', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' });
    await ipamd.init();
    assert.equal(ipamd.facts()?.poolMode, 'prefix');
    assert.equal(ipamd.facts()?.maxPods, 3 * 5 * 16 + 2);
    const primary = () => kit.attachedEnis()[0]!;
    assert.equal(primary().ipv4Prefixes.length, 1);
    assert.equal(secondaryIps(primary()).length, 0);
    const [prefix] = primary().ipv4Prefixes;
    const reply = await addPod(kit, ipamd, 'p-0');
    // A /28 hands out its base address first, as upstream.
    assert.equal(`${reply.addresses[0]?.ipv4}/28`, prefix);
    assert.deepEqual([reply.addresses[0]?.deviceNumber, reply.addresses[0]?.routeTableId], [0, 254]);
    // 15 free < 16: another prefix.
    assert.equal((await ipamd.runPoolOnce()).added, 1);
    assert.equal(primary().ipv4Prefixes.length, 2);
    assert.equal(kit.attachedEnis().length, 1);
  } finally {
    await kit.close();
  }
});

test('startPoolLoop() grows the pool in the background and stop() ends it', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({}, { random: () => 0 });
    await ipamd.init();
    await addPod(kit, ipamd, 'bg-0');
    ipamd.startPoolLoop();
    const deadline = Date.now() + 10_000;
    while (kit.attachedEnis().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await ipamd.stop();
    assert.equal(kit.attachedEnis().length, 2);
    // Stopped: no more growth, even when the pool is low.
    for (let i = 1; i <= 6; i++) await addPod(kit, ipamd, `bg-${i}`);
    assert.equal((await ipamd.runPoolOnce()).ran, false);
    assert.equal(kit.attachedEnis().length, 2);
  } finally {
    await kit.close();
  }
});

test('init(), service.add() and reconcileOnce() make no EC2 call with ENABLE_IMDS_ONLY_MODE', async () => {
  const kit = await startDaemonKit();
  try {
    const primaryId = kit.attachedEnis()[0]!.networkInterfaceId;
    await kit.emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primaryId, SecondaryPrivateIpAddressCount: 1 }));
    const calls: string[] = [];
    const ipamd = kit.newIpamd({ ENABLE_IMDS_ONLY_MODE: 'true' }, { addWaitMs: 0, observer: { ec2Call: (action) => calls.push(action) } });
    await ipamd.init();
    const [only] = secondaryIps(kit.attachedEnis()[0]!);
    assert.equal((await addPod(kit, ipamd, 'pod-0')).addresses[0]?.ipv4, only);
    const failed = await ipamd.service.add(addRequest('c-pod-1', 'pod-1'));
    assert.equal(failed.reason, 'pool-empty');
    assert.equal((await ipamd.runPoolOnce()).ran, false);
    await kit.emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primaryId, SecondaryPrivateIpAddressCount: 1 }));
    assert.equal((await ipamd.reconcileOnce()).cidrsAdded, 1);
    await addPod(kit, ipamd, 'pod-1');
    assert.deepEqual(calls, []);
  } finally {
    await kit.close();
  }
});
