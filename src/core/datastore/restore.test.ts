import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostVethName, podNameHash } from '../cni/names.ts';
import { formatCheckpoint, parseCheckpoint, serializeCheckpoint } from './checkpoint.ts';
import type { CheckpointEntry } from './checkpoint.ts';
import { Datastore } from './datastore.ts';
import { datastoreWith, eniAt, key, pod, T0 } from './datastore.test-support.ts';
import { CheckpointError } from './errors.ts';
import { restoreCheckpoint } from './restore.ts';
import type { RestoreOptions } from './restore.ts';
import { UPSTREAM_CHECKPOINT, UPSTREAM_CONTAINERS, UPSTREAM_NODE } from './upstream-checkpoint.test-support.ts';

/** The node's links as `ip link` lists them: the daemon checks suffixes, as upstream does. */
function linksOf(names: readonly string[]): RestoreOptions {
  return { podVethExists: ({ namespace, name }) => names.some((link) => link.endsWith(podNameHash({ namespace, name }))) };
}

const ALL_PODS_ALIVE: RestoreOptions = { podVethExists: () => true };

function entry(containerId: string, ipv4: string, podName = containerId): CheckpointEntry {
  return { key: key(containerId), ipv4, ipv6: '', assignedAt: { ms: T0 - 60_000, subMsNanos: 7 }, pod: pod(podName) };
}

function upstreamNode(): Datastore {
  const datastore = new Datastore({ poolMode: 'secondary-ip' });
  datastore.addEni(eniAt(0, { eniId: UPSTREAM_NODE.primary.eniId, subnetCidr: '192.168.32.0/19' }));
  datastore.addEni(eniAt(1, { eniId: UPSTREAM_NODE.secondary.eniId, subnetCidr: '192.168.32.0/19' }));
  for (const cidr of UPSTREAM_NODE.primary.blocks) datastore.addCidr(UPSTREAM_NODE.primary.eniId, cidr);
  for (const cidr of UPSTREAM_NODE.secondary.blocks) datastore.addCidr(UPSTREAM_NODE.secondary.eniId, cidr);
  return datastore;
}

test('restoreCheckpoint() takes over a node from the Amazon VPC CNI without draining', () => {
  const datastore = upstreamNode();
  // The pods still running have their veths (Calico-style names); batch-job-x7k2p was deleted while no daemon ran.
  const links = ['lo', 'ens5', 'ens6', hostVethName('eni', { namespace: 'default', name: 'sample-pod' }), hostVethName('eni', { namespace: 'kube-system', name: 'coredns-57ff979f67-qqbdh' }),
    hostVethName('eni', { namespace: 'kube-system', name: 'aws-load-balancer-controller-588487d8fc-fcn4m' }), hostVethName('eni', { namespace: 'default', name: 'left-behind' })];
  const result = restoreCheckpoint(datastore, parseCheckpoint(UPSTREAM_CHECKPOINT), linksOf(links));

  assert.deepEqual(result.restored.map((a) => [a.ipv4, a.eniId, a.deviceNumber, a.routeTableId]), [
    ['192.168.38.17', UPSTREAM_NODE.primary.eniId, 0, 254],
    ['192.168.45.211', UPSTREAM_NODE.primary.eniId, 0, 254],
    ['192.168.51.4', UPSTREAM_NODE.secondary.eniId, 1, 2],
    ['192.168.60.99', UPSTREAM_NODE.secondary.eniId, 1, 2],
  ]);
  assert.deepEqual(result.dropped.map((d) => [d.entry.key.containerId, d.reason]), [
    [UPSTREAM_CONTAINERS.deletedPod, 'veth-gone'],
    [UPSTREAM_CONTAINERS.oldSubnet, 'unknown-address'],
  ]);
  assert.deepEqual(datastore.stats(T0), { totalIps: 7, assignedIps: 4, coolingIps: 0, availableIps: 3, totalPrefixes: 0, freePrefixes: 0 });

  // The rewritten checkpoint keeps every surviving entry exactly, original nanoseconds included.
  const kept = parseCheckpoint(UPSTREAM_CHECKPOINT).filter((e) => e.key.containerId !== UPSTREAM_CONTAINERS.deletedPod && e.key.containerId !== UPSTREAM_CONTAINERS.oldSubnet);
  const byIp = (a: CheckpointEntry, b: CheckpointEntry): number => a.ipv4.localeCompare(b.ipv4);
  assert.deepEqual(parseCheckpoint(serializeCheckpoint(datastore)).sort(byIp), [...kept].sort(byIp));
  assert.equal(serializeCheckpoint(datastore).length, formatCheckpoint(kept).length);

  // New pods never get a restored address; the pod recovered from CRI is released by its plugin's DEL.
  const handedOut = [1, 2, 3].map((id) => datastore.assign(key(id), pod(`new-${id}`), T0).ipv4);
  assert.deepEqual(handedOut, ['192.168.33.5', '192.168.40.2', '192.168.52.8']);
  const del = { networkName: 'aws-cni', containerId: UPSTREAM_CONTAINERS.migrated, ifName: 'eth0' };
  assert.equal(datastore.unassign(del, T0)?.ipv4, '192.168.51.4');
});

test('restoreCheckpoint() keeps entries with an empty namespace or name without asking about veths', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'] });
  const asked: string[] = [];
  const options: RestoreOptions = { podVethExists: ({ namespace, name }) => { asked.push(`${namespace}/${name}`); return false; } };
  const entries = [
    { ...entry('a', '10.0.0.10'), pod: { namespace: '', name: '', interfacesCount: 0 } },
    { ...entry('b', '10.0.0.11'), pod: { namespace: 'default', name: '', interfacesCount: 1 } },
    { ...entry('c', '10.0.0.12'), pod: { namespace: 'default', name: 'gone', interfacesCount: 1 } },
  ];
  const result = restoreCheckpoint(datastore, entries, options);
  assert.deepEqual(result.restored.map((a) => a.ipv4), ['10.0.0.10', '10.0.0.11']);
  assert.deepEqual(result.dropped.map((d) => d.reason), ['veth-gone']);
  assert.deepEqual(asked, ['default/gone']);
});

test('restoreCheckpoint() drops IPv6-only, malformed and unknown addresses as stale', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] });
  const entries = [{ ...entry('v6', ''), ipv6: '2001:db8::1' }, entry('bad', '10.0.0.300'), entry('far', '172.16.0.1'), entry('ok', '10.0.0.10')];
  const result = restoreCheckpoint(datastore, entries, ALL_PODS_ALIVE);
  assert.deepEqual(result.restored.map((a) => a.key.containerId), ['container-ok']);
  assert.deepEqual(result.dropped.map((d) => [d.entry.key.containerId, d.reason]), [
    ['container-v6', 'unknown-address'], ['container-bad', 'unknown-address'], ['container-far', 'unknown-address'],
  ]);
});

test('restoreCheckpoint() restores into whichever unit holds the address, and on excluded ENIs (as upstream)', () => {
  // The node moved to prefix mode: old pods keep their /32s until they go.
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.10/32', '10.0.0.16/28'], 1: ['10.0.1.10/32'] });
  datastore.setEniExcluded('eni-01', true);
  const result = restoreCheckpoint(datastore, [entry('a', '10.0.0.10'), entry('b', '10.0.0.20'), entry('c', '10.0.1.10')], ALL_PODS_ALIVE);
  assert.deepEqual(result.restored.map((a) => a.cidr), ['10.0.0.10/32', '10.0.0.16/28', '10.0.1.10/32']);
  assert.equal(result.restored[1]?.assignedAt.subMsNanos, 7);
  assert.equal(datastore.stats(T0).assignedIps, 1);
});

test('restoreCheckpoint() drops later entries of the same IPAM key', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32', '10.0.0.11/32'] });
  const result = restoreCheckpoint(datastore, [entry('a', '10.0.0.10'), entry('a', '10.0.0.11')], ALL_PODS_ALIVE);
  assert.deepEqual(result.restored.map((a) => a.ipv4), ['10.0.0.10']);
  assert.deepEqual(result.dropped.map((d) => [d.entry.ipv4, d.reason]), [['10.0.0.11', 'duplicate-key']]);
});

test('restoreCheckpoint() refuses an address held twice and changes nothing (upstream fails to start)', () => {
  const conflicts: [string, CheckpointEntry[], (d: Datastore) => void][] = [
    ['two entries', [entry('a', '10.0.0.10'), entry('b', '10.0.0.11'), entry('c', '10.0.0.11')], () => undefined],
    ['live assignment', [entry('a', '10.0.0.10'), entry('b', '10.0.0.11')], (d) => { d.assign(key('x'), pod('x'), T0); d.assign(key('y'), pod('y'), T0); }],
    ['key holds another address', [entry('x', '10.0.0.11')], (d) => { d.assign(key('x'), pod('x'), T0); }],
  ];
  for (const [name, entries, prepare] of conflicts) {
    const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32', '10.0.0.11/32'] });
    prepare(datastore);
    const before = serializeCheckpoint(datastore);
    assert.throws(() => restoreCheckpoint(datastore, entries, ALL_PODS_ALIVE), (error: unknown) => error instanceof CheckpointError && error.kind === 'conflict', name);
    assert.equal(serializeCheckpoint(datastore), before, name);
  }
});

test('restoreCheckpoint() of the datastore\'s own checkpoint changes nothing (restart after kill -9)', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.16/28'] });
  for (const id of [1, 2, 3]) datastore.assign(key(id), pod(`p${id}`), T0 + id);
  const text = serializeCheckpoint(datastore);
  const again = restoreCheckpoint(datastore, parseCheckpoint(text), ALL_PODS_ALIVE);
  assert.equal(again.restored.length, 3);
  assert.equal(serializeCheckpoint(datastore), text);
  const fresh = datastoreWith('prefix', { 0: ['10.0.0.16/28'] });
  restoreCheckpoint(fresh, parseCheckpoint(text), ALL_PODS_ALIVE);
  assert.equal(serializeCheckpoint(fresh), text);
  assert.deepEqual(fresh.assignments(), datastore.assignments());
});
