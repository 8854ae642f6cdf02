import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKPOINT_VERSION, checkpointPathForCard, formatCheckpoint, parseCheckpoint, serializeCheckpoint } from './checkpoint.ts';
import type { CheckpointEntry } from './checkpoint.ts';
import { Datastore } from './datastore.ts';
import { datastoreWith, key, pod, slash32s, T0 } from './datastore.test-support.ts';
import { CheckpointError } from './errors.ts';
import { UPSTREAM_CHECKPOINT, UPSTREAM_CONTAINERS } from './upstream-checkpoint.test-support.ts';

function assertCheckpointError(text: string, kind: CheckpointError['kind']): void {
  assert.throws(() => parseCheckpoint(text), (error: unknown) => error instanceof CheckpointError && error.kind === kind, text);
}

test('serializeCheckpoint() of an empty datastore is the upstream empty file', () => {
  assert.equal(serializeCheckpoint(new Datastore({ poolMode: 'secondary-ip' })), '{"version":"vpc-cni-ipam/1","allocations":[]}\n');
  assert.equal(CHECKPOINT_VERSION, 'vpc-cni-ipam/1');
});

test('serializeCheckpoint() writes upstream field names, order and omitempty, nanoseconds as an integer', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 3) });
  datastore.assign(key(1), pod('web-1'), T0);
  datastore.assign(key(2), { namespace: 'kube-system', name: 'coredns-1', interfacesCount: 1 }, T0 + 123);
  datastore.assign(key(3), pod('gone'), T0);
  datastore.unassign(key(3), T0 + 1);
  assert.equal(serializeCheckpoint(datastore),
    '{"version":"vpc-cni-ipam/1","allocations":[' +
    '{"networkName":"aws-cni","containerID":"container-1","ifName":"eth0","ipv4":"10.0.0.10","allocationTimestamp":1736935200000000000,"metadata":{"k8sPodNamespace":"default","k8sPodName":"web-1","interfacesCount":1}},' +
    '{"networkName":"aws-cni","containerID":"container-2","ifName":"eth0","ipv4":"10.0.0.11","allocationTimestamp":1736935200123000000,"metadata":{"k8sPodNamespace":"kube-system","k8sPodName":"coredns-1","interfacesCount":1}}' +
    ']}\n');
});

test('formatCheckpoint() omits empty metadata fields and ipv4/ipv6 as Go omitempty does', () => {
  const entry: CheckpointEntry = {
    key: { networkName: '_migrated-from-cri', containerId: 'abc', ifName: 'unknown' },
    ipv4: '',
    ipv6: '2001:db8::5',
    assignedAt: { ms: 0, subMsNanos: 42 },
    pod: { namespace: '', name: '', interfacesCount: 0 },
  };
  assert.equal(formatCheckpoint([entry]),
    '{"version":"vpc-cni-ipam/1","allocations":[{"networkName":"_migrated-from-cri","containerID":"abc","ifName":"unknown","ipv6":"2001:db8::5","allocationTimestamp":42,"metadata":{}}]}\n');
});

test('parseCheckpoint() reads a file written by upstream ipamd, nanoseconds exactly', () => {
  const entries = parseCheckpoint(UPSTREAM_CHECKPOINT);
  assert.equal(entries.length, 6);
  assert.deepEqual(entries[0], {
    key: { networkName: 'aws-cni', containerId: UPSTREAM_CONTAINERS.samplePod, ifName: 'eth0' },
    ipv4: '192.168.38.17',
    ipv6: '',
    assignedAt: { ms: 1_736_934_812_345, subMsNanos: 678_901 },
    pod: { namespace: 'default', name: 'sample-pod', interfacesCount: 1 },
  });
  assert.deepEqual(entries[2]?.key, { networkName: '_migrated-from-cri', containerId: UPSTREAM_CONTAINERS.migrated, ifName: 'unknown' });
  assert.deepEqual(entries[2]?.pod, { namespace: 'kube-system', name: 'aws-load-balancer-controller-588487d8fc-fcn4m', interfacesCount: 0 });
  assert.deepEqual(entries[3]?.pod, { namespace: '', name: '', interfacesCount: 0 });
});

test('formatCheckpoint() of a parsed upstream file gives it back byte for byte', () => {
  assert.equal(formatCheckpoint(parseCheckpoint(UPSTREAM_CHECKPOINT)), UPSTREAM_CHECKPOINT);
});

test('parseCheckpoint() decodes as Go would: zero values for null and missing, unknown fields ignored, names case-insensitive', () => {
  const cases: [string, CheckpointEntry[]][] = [
    ['{"version":"vpc-cni-ipam/1"}', []],
    ['{"version":"vpc-cni-ipam/1","allocations":null}', []],
    ['{"Version":"vpc-cni-ipam/1","ALLOCATIONS":[],"extra":{"x":[1,2]}}', []],
    [' {"version":"vpc-cni-ipam/1","allocations":[null]}\n', [{ key: { networkName: '', containerId: '', ifName: '' }, ipv4: '', ipv6: '', assignedAt: { ms: 0, subMsNanos: 0 }, pod: { namespace: '', name: '', interfacesCount: 0 } }]],
    [
      '{"version":"vpc-cni-ipam/1","allocations":[{"networkname":"n","containerID":"c","IfName":"eth0","ipv4":"10.0.0.1","metadata":null,"future":true}]}',
      [{ key: { networkName: 'n', containerId: 'c', ifName: 'eth0' }, ipv4: '10.0.0.1', ipv6: '', assignedAt: { ms: 0, subMsNanos: 0 }, pod: { namespace: '', name: '', interfacesCount: 0 } }],
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseCheckpoint(text), expected, text);
});

test('parseCheckpoint() refuses a file upstream ipamd would refuse to start with', () => {
  const badVersion = [
    '{"version":"vpc-cni-ipam/2","allocations":[]}',
    '{"allocations":[]}',
    '{}',
    'null',
  ];
  for (const text of badVersion) assertCheckpointError(text, 'bad-version');
  const badJson = [
    '',
    '{"version":"vpc-cni-ipam/1","allocations":[',
    '[]',
    '"vpc-cni-ipam/1"',
    '{"version":1,"allocations":[]}',
    '{"version":"vpc-cni-ipam/1","allocations":{}}',
    '{"version":"vpc-cni-ipam/1","allocations":["x"]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"ipv4":5}]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"allocationTimestamp":"1736934812345678901"}]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"allocationTimestamp":1.7e18}]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"allocationTimestamp":9223372036854775808}]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"metadata":{"interfacesCount":1.5}}]}',
    '{"version":"vpc-cni-ipam/1","allocations":[{"metadata":[]}]}',
  ];
  for (const text of badJson) assertCheckpointError(text, 'bad-json');
});

test('parseCheckpoint() errors name the problem', () => {
  assert.throws(() => parseCheckpoint('{"version":"vpc-cni-ipam/1","allocations":[{},{"ipv4":5}]}'), /allocations\[1\]\.ipv4 must be a string/);
  assert.throws(() => parseCheckpoint('{"version":"v0"}'), /version "v0" is not "vpc-cni-ipam\/1"/);
});

test('checkpointPathForCard() names extra network cards\' files as upstream InitializeDataStores does', () => {
  const cases: [string, number, string][] = [
    ['/var/run/aws-node/ipam.json', 0, '/var/run/aws-node/ipam.json'],
    ['/var/run/aws-node/ipam.json', 1, '/var/run/aws-node/ipam-nic-1.json'],
    ['/var/run/aws-node/ipam.json', 15, '/var/run/aws-node/ipam-nic-15.json'],
    ['/custom/state', 2, '/custom/state-nic-2.json'],
  ];
  for (const [path, card, expected] of cases) assert.equal(checkpointPathForCard(path, card), expected);
  assert.throws(() => checkpointPathForCard('/x.json', -1), RangeError);
});
