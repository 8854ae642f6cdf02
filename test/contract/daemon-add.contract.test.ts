/**
 * The daemon's plugin service against the EC2 emulator and lab IMDS: ADD/DEL with the checkpoint written
 * before the reply, idempotent ADD, ADD on an empty pool that waits for the growth it triggers, and the
 * precise failure reasons (eni-limit, subnet-full, daemon-unavailable, unknown-pod; throttled and max-pods are
 * in daemon-reasons).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { addPod, addRequest, assertAdded, delRequest, secondaryIps, startDaemonKit } from './daemon-kit.ts';

interface CheckpointJson {
  version: string;
  allocations: { networkName: string; containerID: string; ifName: string; ipv4: string; allocationTimestamp: number; metadata: Record<string, unknown> }[];
}

test('service.add() and service.del() round trip, with the checkpoint written before each reply', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '172.16.0.0/12' });
    assert.equal((await ipamd.service.add(addRequest('c-early', 'early'))).reason, 'daemon-unavailable');
    await ipamd.init();
    const before = Date.now();
    const reply = assertAdded(await ipamd.service.add(addRequest('c-nginx', 'nginx')));
    const [address] = reply.addresses;
    assert.ok(address !== undefined);
    assert.ok(secondaryIps(kit.attachedEnis()[0]!).includes(address.ipv4), 'the address is one EC2 shows on the primary ENI');
    assert.deepEqual([address.deviceNumber, address.routeTableId], [0, 254]);
    assert.deepEqual(reply.vpcCidrs, ['10.30.0.0/16', '172.16.0.0/12']);
    assert.equal(reply.useExternalSnat, false);
    const text = await readFile(kit.store.path, 'utf8');
    assert.match(text, /^\{"version":"vpc-cni-ipam\/1","allocations":\[\{"networkName":"aws-cni","containerID":"c-nginx","ifName":"eth0","ipv4":"[0-9.]+","allocationTimestamp":\d+,"metadata":\{"k8sPodNamespace":"default","k8sPodName":"nginx","interfacesCount":1\}\}\]\}\n$/);
    const checkpoint = JSON.parse(text) as CheckpointJson;
    assert.equal(checkpoint.allocations[0]?.ipv4, address.ipv4);
    const nanos = BigInt(/"allocationTimestamp":(\d+)/.exec(text)?.[1] ?? '0');
    assert.ok(nanos >= BigInt(before) * 1_000_000n);

    const released = await ipamd.service.del(delRequest('c-nginx', 'nginx'));
    assert.deepEqual(released, { version: 'vpcnet.ipamd/1', reason: 'ok', addresses: [address] });
    assert.deepEqual((JSON.parse(await readFile(kit.store.path, 'utf8')) as CheckpointJson).allocations, []);
    const again = await ipamd.service.del(delRequest('c-nginx', 'nginx'));
    assert.equal(again.reason, 'unknown-pod');
    // The released address cools down: the next pod gets another one.
    const next = assertAdded(await ipamd.service.add(addRequest('c-next', 'next')));
    assert.notEqual(next.addresses[0]?.ipv4, address.ipv4);
  } finally {
    await kit.close();
  }
});

test('service.add() is idempotent per IPAM key', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' });
    await ipamd.init();
    const first = assertAdded(await ipamd.service.add(addRequest('c-1', 'one')));
    const second = assertAdded(await ipamd.service.add(addRequest('c-1', 'one')));
    assert.deepEqual(second, first);
    assert.deepEqual(first.vpcCidrs, ['10.30.0.0/16']);
    assert.equal(first.useExternalSnat, true);
    const other = assertAdded(await ipamd.service.add({ ...addRequest('c-1', 'one'), key: { networkName: 'aws-cni', containerId: 'c-1', ifName: 'eth1' } }));
    assert.notEqual(other.addresses[0]?.ipv4, first.addresses[0]?.ipv4);
    const checkpoint = JSON.parse(await readFile(kit.store.path, 'utf8')) as CheckpointJson;
    assert.equal(checkpoint.allocations.length, 2);
  } finally {
    await kit.close();
  }
});

test('service.add() on an empty pool triggers growth at once and waits for it (IMDS lagging 400 ms)', async () => {
  const kit = await startDaemonKit({ imdsLagMs: 400 });
  try {
    const ipamd = kit.newIpamd();
    await ipamd.init();
    for (let i = 0; i < 5; i++) await addPod(kit, ipamd, `fill-${i}`);
    assert.equal(kit.attachedEnis().length, 1);
    const started = Date.now();
    const reply = await addPod(kit, ipamd, 'waiter');
    const waited = Date.now() - started;
    assert.deepEqual([reply.addresses[0]?.deviceNumber, reply.addresses[0]?.routeTableId], [1, 2]);
    assert.ok(secondaryIps(kit.attachedEnis()[1]!).includes(reply.addresses[0]!.ipv4));
    assert.ok(waited >= 300, `the ADD waited for the new ENI to show in IMDS (${waited} ms)`);
  } finally {
    await kit.close();
  }
});

test('service.add() with addWaitMs 0 fails fast with pool-empty but starts the growth', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({}, { addWaitMs: 0 });
    await ipamd.init();
    for (let i = 0; i < 5; i++) await addPod(kit, ipamd, `fill-${i}`);
    const failed = await ipamd.service.add(addRequest('c-late', 'late'));
    assert.equal(failed.reason, 'pool-empty');
    assert.match('message' in failed ? failed.message : '', /warm pool empty \(0 of 5 addresses free\)/);
    // The growth it started lands; the kubelet's retry then succeeds.
    await ipamd.runPoolOnce();
    assert.equal(kit.attachedEnis().length, 2);
    assertAdded(await ipamd.service.add(addRequest('c-late', 'late')));
  } finally {
    await kit.close();
  }
});

test('service.add() fails with eni-limit once every ENI of the instance is attached and full', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd();
    await ipamd.init();
    for (let i = 0; i < 15; i++) await addPod(kit, ipamd, `pod-${i}`);
    assert.deepEqual(kit.attachedEnis().map((eni) => secondaryIps(eni).length), [5, 5, 5]);
    const started = Date.now();
    const failed = await ipamd.service.add(addRequest('c-16', 'pod-16'));
    assert.deepEqual(failed, {
      version: 'vpcnet.ipamd/1',
      reason: 'eni-limit',
      message: 'warm pool empty, ENI limit 3 of 3 reached on t3.medium',
      detail: { instanceType: 't3.medium', enis: 3, eniLimit: 3 },
    });
    assert.ok(Date.now() - started < 2_000, 'growth cannot help, so the ADD does not wait');
  } finally {
    await kit.close();
  }
});

test('service.add() fails with subnet-full on a tiny subnet, and growth backs off', async () => {
  // A /28 has 11 usable addresses: the instance takes 1, init 5 more; a second ENI with 5 needs 6.
  const kit = await startDaemonKit({ subnetCidr: '10.30.0.0/28' });
  try {
    const creates: string[] = [];
    const ipamd = kit.newIpamd({}, { observer: { ec2Call: (action, outcome) => (action === 'CreateNetworkInterface' ? creates.push(outcome) : undefined) } });
    await ipamd.init();
    for (let i = 0; i < 5; i++) await addPod(kit, ipamd, `pod-${i}`);
    const started = Date.now();
    const failed = await ipamd.service.add(addRequest('c-6', 'pod-6'));
    assert.ok(Date.now() - started < 1_000, 'once the subnet is known to be full the ADD does not wait');
    assert.equal(failed.reason, 'subnet-full');
    assert.deepEqual(creates, ['subnet-full']);
    assert.deepEqual('detail' in failed ? failed.detail : undefined, { subnetId: kit.subnetId });
    assert.equal(kit.attachedEnis().length, 1);
    assert.equal([...kit.emu.model.state.networkInterfaces.values()].length, 1, 'no half-made ENI is left behind');
    // Within the 120 s back-off no round calls EC2 again.
    const round = await ipamd.runPoolOnce();
    assert.equal(round.failure?.reason, 'subnet-full');
    assert.equal((await ipamd.service.add(addRequest('c-6', 'pod-6'))).reason, 'subnet-full');
    assert.deepEqual(creates, ['subnet-full']);
    kit.clock.advance(121_000);
    assert.equal((await ipamd.runPoolOnce()).failure?.reason, 'subnet-full');
    assert.deepEqual(creates, ['subnet-full', 'subnet-full']);
  } finally {
    await kit.close();
  }
});

test('runPoolOnce() releases an unused ENI beyond WARM_ENI_TARGET once it is a minute old', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({ IP_COOLDOWN_PERIOD: '0' });
    await ipamd.init();
    for (let i = 0; i < 10; i++) await addPod(kit, ipamd, `pod-${i}`);
    await ipamd.runPoolOnce();
    assert.equal(kit.attachedEnis().length, 3);
    for (let i = 0; i < 10; i++) assert.equal((await ipamd.service.del(delRequest(`c-pod-${i}`, `pod-${i}`))).reason, 'ok');
    // 15 free >= (1 + 1) * 5, but the ENIs are younger than a minute.
    await ipamd.runPoolOnce();
    assert.equal(kit.attachedEnis().length, 3);
    kit.clock.advance(61_000);
    await ipamd.runPoolOnce();
    // One ENI per round: 10 free >= 10 still, so the second goes too; then 5 free < 10 and the primary stays.
    assert.equal(kit.attachedEnis().length, 2);
    await ipamd.runPoolOnce();
    assert.equal(kit.attachedEnis().length, 1);
    await ipamd.runPoolOnce();
    assert.equal(kit.attachedEnis().length, 1);
    assert.equal(kit.emu.model.state.networkInterfaces.size, 1, 'the released ENIs are deleted, not left available');
    assert.equal(kit.network.plannedRules().filter((rule) => rule.endsWith('prio 32765')).length, 0);
  } finally {
    await kit.close();
  }
});

test('runPoolOnce() deletes a new ENI whose attachment fails', async () => {
  const kit = await startDaemonKit({ deny: ['AttachNetworkInterface'] });
  try {
    const calls: string[] = [];
    const ipamd = kit.newIpamd({}, { addWaitMs: 0, observer: { ec2Call: (action, outcome) => calls.push(`${action}:${outcome}`) } });
    await ipamd.init();
    for (let i = 0; i < 5; i++) await addPod(kit, ipamd, `pod-${i}`);
    calls.length = 0;
    const round = await ipamd.runPoolOnce();
    assert.equal(round.added, 0);
    assert.equal(round.failure?.reason, 'other');
    assert.deepEqual(calls, ['CreateNetworkInterface:ok', 'DescribeInstances:ok', 'AttachNetworkInterface:unauthorized', 'DeleteNetworkInterface:ok']);
    assert.equal(kit.emu.model.state.networkInterfaces.size, 1, 'the unattached ENI is deleted, not leaked');
    const failed = await ipamd.service.add(addRequest('c-6', 'pod-6'));
    assert.equal(failed.reason, 'pool-empty');
    assert.match('message' in failed ? failed.message : '', /the last allocation failed: .*not authorized to perform: ec2:AttachNetworkInterface/);
  } finally {
    await kit.close();
  }
});

test('service.add() and service.del() undo their change and fail with internal when the checkpoint cannot be written', async () => {
  const kit = await startDaemonKit();
  try {
    let failWrites = 0;
    const store = {
      read: () => kit.store.read(),
      write: async (text: string) => {
        if (failWrites > 0) {
          failWrites -= 1;
          throw new Error('EIO: disk on fire');
        }
        await kit.store.write(text);
      },
    };
    const ipamd = kit.newIpamd({}, { checkpointStore: store });
    await ipamd.init();
    failWrites = 1;
    const failed = await ipamd.service.add(addRequest('c-1', 'one'));
    assert.deepEqual([failed.reason, 'message' in failed ? failed.message : ''], ['internal', 'cannot write the IPAM checkpoint: EIO: disk on fire']);
    assert.equal((JSON.parse(ipamd.views.enisJson()) as Record<string, { AssignedIPs: number }>)['0']?.AssignedIPs, 0);
    const added = assertAdded(await ipamd.service.add(addRequest('c-1', 'one')));
    failWrites = 1;
    assert.equal((await ipamd.service.del(delRequest('c-1', 'one'))).reason, 'internal');
    // The release was undone: the pod still holds its address, in memory and on disk.
    assert.deepEqual(assertAdded(await ipamd.service.add(addRequest('c-1', 'one'))).addresses, added.addresses);
    assert.match(await readFile(kit.store.path, 'utf8'), new RegExp(`"ipv4":"${added.addresses[0]!.ipv4}"`));
  } finally {
    await kit.close();
  }
});
