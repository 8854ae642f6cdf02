import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Datastore, DEFAULT_IP_COOLDOWN_MS } from './datastore.ts';
import { datastoreWith, eniAt, key, pod, slash32s, T0 } from './datastore.test-support.ts';
import { DatastoreError, PoolExhaustedError } from './errors.ts';

function assertDatastoreError(fn: () => unknown, code: DatastoreError['code']): void {
  assert.throws(fn, (error: unknown) => error instanceof DatastoreError && error.code === code);
}

function assertExhausted(fn: () => unknown, reason: PoolExhaustedError['reason']): PoolExhaustedError {
  let caught: unknown;
  assert.throws(fn, (error: unknown) => {
    caught = error;
    return error instanceof PoolExhaustedError && error.reason === reason;
  });
  return caught as PoolExhaustedError;
}

test('addEni() resolves flags and the route table: 254 for device 0, device + 1 otherwise', () => {
  const datastore = new Datastore({ poolMode: 'secondary-ip' });
  const cases = [
    { init: eniAt(0), routeTableId: 254 },
    { init: eniAt(1), routeTableId: 2 },
    { init: eniAt(5, { isEfa: true }), routeTableId: 6 },
    { init: eniAt(2, { routeTableId: 10_002 }), routeTableId: 10_002 },
  ];
  for (const { init, routeTableId } of cases) {
    const added = datastore.addEni(init);
    assert.equal(added.routeTableId, routeTableId, init.eniId);
    assert.deepEqual(datastore.eni(init.eniId), added);
  }
  assert.deepEqual(datastore.eni('eni-00'), {
    eniId: 'eni-00', deviceNumber: 0, isPrimary: true, isTrunk: false, isEfa: false, excludedForPodIps: false,
    subnetId: 'subnet-0a1b2c3d', subnetCidr: '10.0.0.0/16', routeTableId: 254, attachedAtMs: T0 - 3_600_000,
  });
  assert.equal(datastore.eni('eni-05')?.isEfa, true);
  assert.equal(datastore.eni('eni-99'), undefined);
});

test('addEni() refuses a known ENI and a bad device number', () => {
  const datastore = datastoreWith('secondary-ip', { 0: [] });
  assertDatastoreError(() => datastore.addEni(eniAt(0)), 'duplicate-eni');
  assert.throws(() => datastore.addEni(eniAt(-1)), RangeError);
  assert.throws(() => datastore.addEni(eniAt(1.5)), RangeError);
});

test('new Datastore() refuses a negative or fractional cooldown and defaults it to 30 s', () => {
  assert.equal(new Datastore({ poolMode: 'prefix' }).ipCooldownMs, DEFAULT_IP_COOLDOWN_MS);
  assert.equal(DEFAULT_IP_COOLDOWN_MS, 30_000);
  assert.equal(new Datastore({ poolMode: 'prefix', networkCard: 1 }).networkCard, 1);
  assert.throws(() => new Datastore({ poolMode: 'prefix', ipCooldownMs: -1 }), RangeError);
  assert.throws(() => new Datastore({ poolMode: 'prefix', ipCooldownMs: 0.5 }), RangeError);
});

test('addCidr() takes /32 secondary addresses and /28 prefixes only, normalised', () => {
  const datastore = datastoreWith('prefix', { 0: [] });
  assert.equal(datastore.addCidr('eni-00', '10.0.0.10/32'), '10.0.0.10/32');
  assert.equal(datastore.addCidr('eni-00', '10.0.1.16/28'), '10.0.1.16/28');
  assert.deepEqual(datastore.describe()[0]?.cidrs.map((c) => [c.cidr, c.isPrefix]), [['10.0.0.10/32', false], ['10.0.1.16/28', true]]);
  const refused: [string, ErrorConstructor][] = [
    ['10.0.2.0/24', RangeError],
    ['10.0.2.0/29', RangeError],
    ['10.0.2.17/28', RangeError], // host bits set
    ['10.0.2', SyntaxError],
    ['10.0.2.1', SyntaxError],
  ];
  for (const [cidr, type] of refused) assert.throws(() => datastore.addCidr('eni-00', cidr), type, cidr);
});

test('addCidr() refuses a known block, one overlapping a block of any ENI, and an unknown ENI', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.1.16/28'], 1: ['10.0.0.10/32'] });
  assertDatastoreError(() => datastore.addCidr('eni-00', '10.0.1.16/28'), 'duplicate-cidr');
  assertDatastoreError(() => datastore.addCidr('eni-00', '10.0.1.20/32'), 'duplicate-cidr');
  assertDatastoreError(() => datastore.addCidr('eni-00', '10.0.0.10/32'), 'duplicate-cidr');
  assertDatastoreError(() => datastore.addCidr('eni-01', '10.0.1.31/32'), 'duplicate-cidr');
  assertDatastoreError(() => datastore.addCidr('eni-09', '10.0.9.9/32'), 'unknown-eni');
  assert.equal(datastore.addCidr('eni-01', '10.0.1.32/32'), '10.0.1.32/32');
});

test('assign() returns the address with its ENI device number and route table', () => {
  const datastore = datastoreWith('secondary-ip', { 1: ['10.0.1.5/32'] });
  const assignment = datastore.assign(key(1), pod('web-1'), T0);
  assert.deepEqual(assignment, {
    ipv4: '10.0.1.5',
    deviceNumber: 1,
    routeTableId: 2,
    key: key(1),
    pod: pod('web-1'),
    eniId: 'eni-01',
    cidr: '10.0.1.5/32',
    assignedAt: { ms: T0, subMsNanos: 0 },
  });
});

test('assign() is idempotent per IPAM key: the same key gets the same address, another ifName another one', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 3) });
  const first = datastore.assign(key(1), pod('web-1'), T0);
  const again = datastore.assign(key(1), pod('renamed'), T0 + 5_000);
  assert.deepEqual(again, first);
  const second = datastore.assign(key(1, 'eth1'), pod('web-1'), T0);
  assert.notEqual(second.ipv4, first.ipv4);
  assert.equal(datastore.stats(T0).assignedIps, 2);
});

test('assign() hands out never-assigned addresses first, lowest device number then lowest address', () => {
  const datastore = datastoreWith('secondary-ip', { 1: ['10.0.1.7/32', '10.0.1.5/32'], 0: ['10.0.0.12/32', '10.0.0.11/32'] });
  const order = [1, 2, 3, 4].map((id) => datastore.assign(key(id), pod(`p${id}`), T0).ipv4);
  assert.deepEqual(order, ['10.0.0.11', '10.0.0.12', '10.0.1.5', '10.0.1.7']);
  assertExhausted(() => datastore.assign(key(5), pod('p5'), T0), 'pool-empty');
});

test('assign() never hands out an address in cooldown, and does from exactly ipCooldownMs after its release', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 2) });
  const first = datastore.assign(key(1), pod('a'), T0);
  datastore.assign(key(2), pod('b'), T0);
  datastore.unassign(key(1), T0 + 1_000);
  const cases = [
    { atMs: T0 + 1_000, free: false },
    { atMs: T0 + 15_000, free: false },
    { atMs: T0 + 30_999, free: false },
    { atMs: T0 + 31_000, free: true },
  ];
  for (const { atMs, free } of cases) {
    if (free) {
      assert.equal(datastore.assign(key(3), pod('c'), atMs).ipv4, first.ipv4);
    } else {
      const error = assertExhausted(() => datastore.assign(key(3), pod('c'), atMs), 'cooling');
      assert.deepEqual(error.stats, { totalIps: 2, assignedIps: 1, coolingIps: 1, availableIps: 1, totalPrefixes: 0, freePrefixes: 0 });
      assert.match(error.message, /cooldown/);
    }
  }
});

test('assign() honours a configured cooldown, and a cooldown of 0 reuses an address at once', () => {
  for (const [cooldownMs, reusableAfterMs] of [[5_000, 5_000], [0, 0], [120_000, 120_000]] as const) {
    const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] }, cooldownMs);
    datastore.assign(key(1), pod('a'), T0);
    datastore.unassign(key(1), T0);
    if (reusableAfterMs > 0) assertExhausted(() => datastore.assign(key(2), pod('b'), T0 + reusableAfterMs - 1), 'cooling');
    assert.equal(datastore.assign(key(2), pod('b'), T0 + reusableAfterMs).ipv4, '10.0.0.10', `cooldown ${cooldownMs}`);
  }
});

test('assign() reuses the address released longest ago once every address has been used', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 3) });
  for (const id of [1, 2, 3]) datastore.assign(key(id), pod(`p${id}`), T0);
  datastore.unassign(key(2), T0 + 1_000); // .11 first
  datastore.unassign(key(3), T0 + 2_000); // .12
  datastore.unassign(key(1), T0 + 3_000); // .10 last
  const later = T0 + 100_000;
  assert.deepEqual([4, 5, 6].map((id) => datastore.assign(key(id), pod(`p${id}`), later).ipv4), ['10.0.0.11', '10.0.0.12', '10.0.0.10']);
});

test('assign() in secondary-IP mode prefers a never-used address on any ENI over a released one', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] });
  datastore.assign(key(1), pod('a'), T0);
  datastore.unassign(key(1), T0);
  datastore.addEni(eniAt(1));
  datastore.addCidr('eni-01', '10.0.1.10/32');
  assert.equal(datastore.assign(key(2), pod('b'), T0 + 60_000).ipv4, '10.0.1.10');
});

test('assign() in prefix mode hands out a /28 from its base address and fills used prefixes first', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.32/28', '10.0.0.16/28'] });
  const first = datastore.assign(key(1), pod('p1'), T0);
  assert.equal(first.ipv4, '10.0.0.16');
  assert.equal(first.cidr, '10.0.0.16/28');
  const next = Array.from({ length: 15 }, (_, index) => datastore.assign(key(index + 2), pod(`p${index + 2}`), T0).ipv4);
  assert.deepEqual(next, Array.from({ length: 15 }, (_, index) => `10.0.0.${17 + index}`));
  assert.equal(datastore.assign(key(17), pod('p17'), T0).ipv4, '10.0.0.32');
  // Once out of cooldown, an address released from the first prefix is its next free address...
  datastore.unassign(key(3), T0);
  assert.equal(datastore.assign(key(18), pod('p18'), T0 + 60_000).ipv4, '10.0.0.18');
  // ...and a prefix with pods is preferred over an empty one of a lower address.
  datastore.addCidr('eni-00', '10.0.0.0/28');
  assert.equal(datastore.assign(key(19), pod('p19'), T0 + 60_000).ipv4, '10.0.0.33');
  assert.equal(datastore.stats(T0 + 60_000).freePrefixes, 1);
});

test('assign() in prefix mode skips a used prefix whose free addresses are all cooling', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.16/28', '10.0.0.32/28'] });
  for (let id = 1; id <= 16; id += 1) datastore.assign(key(id), pod(`p${id}`), T0);
  datastore.unassign(key(5), T0);
  assert.equal(datastore.assign(key(20), pod('p20'), T0 + 1_000).ipv4, '10.0.0.32');
  assert.equal(datastore.assign(key(21), pod('p21'), T0 + 1_000).ipv4, '10.0.0.33');
  // Out of cooldown, the released address of the first (used) prefix is preferred over .34.
  assert.equal(datastore.assign(key(22), pod('p22'), T0 + 30_000).ipv4, '10.0.0.20');
});

test('assign() takes only blocks of the active unit (an ENI may hold both after a mode change)', () => {
  const mixed = { 0: ['10.0.0.10/32', '10.0.0.16/28'] };
  assert.equal(datastoreWith('secondary-ip', mixed).assign(key(1), pod('a'), T0).ipv4, '10.0.0.10');
  assert.equal(datastoreWith('prefix', mixed).assign(key(1), pod('a'), T0).ipv4, '10.0.0.16');
  assertExhausted(() => datastoreWith('prefix', { 0: ['10.0.0.10/32'] }).assign(key(1), pod('a'), T0), 'pool-empty');
  assertExhausted(() => datastoreWith('secondary-ip', { 0: ['10.0.0.16/28'] }).assign(key(1), pod('a'), T0), 'pool-empty');
});

test('assign() skips ENIs excluded for pod IPs until they are included again', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'], 1: ['10.0.1.10/32'] });
  datastore.setEniExcluded('eni-00', true);
  assert.equal(datastore.assign(key(1), pod('a'), T0).ipv4, '10.0.1.10');
  assertExhausted(() => datastore.assign(key(2), pod('b'), T0), 'pool-empty');
  datastore.setEniExcluded('eni-00', false);
  assert.equal(datastore.assign(key(2), pod('b'), T0).ipv4, '10.0.0.10');
  assertDatastoreError(() => datastore.setEniExcluded('eni-07', true), 'unknown-eni');
});

test('assign() on an empty datastore fails with pool-empty and zero stats', () => {
  const error = assertExhausted(() => new Datastore({ poolMode: 'prefix' }).assign(key(1), pod('a'), T0), 'pool-empty');
  assert.equal(error.stats.totalIps, 0);
  assert.match(error.message, /^Cannot assign an address: the pool is empty \(0 of 0 free, 0 in cooldown\)$/);
});

test('unassign() returns the released assignment, then undefined; unknown keys give undefined', () => {
  const datastore = datastoreWith('secondary-ip', { 2: ['10.0.2.10/32'] });
  const assigned = datastore.assign(key(1), pod('a'), T0);
  assert.deepEqual(datastore.unassign(key(1), T0 + 10), assigned);
  assert.equal(datastore.unassign(key(1), T0 + 20), undefined);
  assert.equal(datastore.unassign(key(99), T0), undefined);
  assert.equal(datastore.lookup(key(1)), undefined);
  const record = datastore.describe()[0]?.cidrs[0]?.records[0];
  assert.deepEqual(record, { address: '10.0.2.10', key: undefined, pod: undefined, assignedAt: { ms: T0, subMsNanos: 0 }, unassignedAtMs: T0 + 10 });
});

test('unassign() falls back to the key of a pod migrated from CRI (same container id), like upstream DEL', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] });
  const migrated = { networkName: '_migrated-from-cri', containerId: 'container-7', ifName: 'unknown' };
  datastore.place({ key: migrated, pod: { namespace: 'kube-system', name: 'coredns-1', interfacesCount: 0 }, ipv4: '10.0.0.10', assignedAt: { ms: T0, subMsNanos: 5 } });
  assert.equal(datastore.unassign(key(8), T0), undefined);
  assert.equal(datastore.unassign(key(7), T0)?.ipv4, '10.0.0.10');
  assert.equal(datastore.assignments().length, 0);
});

test('lookup() and assignments() list what is assigned, ENIs by device number, addresses in order', () => {
  const datastore = datastoreWith('secondary-ip', { 1: ['10.0.1.10/32'], 0: slash32s('10.0.0.10', 2) });
  for (const id of [1, 2, 3]) datastore.assign(key(id), pod(`p${id}`), T0 + id);
  datastore.unassign(key(2), T0 + 10);
  assert.deepEqual(datastore.assignments().map((a) => [a.ipv4, a.key.containerId, a.eniId]), [
    ['10.0.0.10', 'container-1', 'eni-00'],
    ['10.0.1.10', 'container-3', 'eni-01'],
  ]);
  assert.equal(datastore.lookup(key(3))?.ipv4, '10.0.1.10');
  assert.equal(datastore.lookup(key(2)), undefined);
});

test('removeCidr() refuses a block with assigned addresses, allows a cooling one, and forces on request', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 2) });
  datastore.assign(key(1), pod('a'), T0);
  datastore.assign(key(2), pod('b'), T0);
  assertDatastoreError(() => datastore.removeCidr('eni-00', '10.0.0.10/32'), 'cidr-in-use');
  datastore.unassign(key(1), T0);
  assert.deepEqual(datastore.removeCidr('eni-00', '10.0.0.10/32'), []);
  assertDatastoreError(() => datastore.removeCidr('eni-00', '10.0.0.10/32'), 'unknown-cidr');
  assertDatastoreError(() => datastore.removeCidr('eni-05', '10.0.0.10/32'), 'unknown-eni');
  const forced = datastore.removeCidr('eni-00', '10.0.0.11/32', { force: true });
  assert.deepEqual(forced.map((a) => [a.ipv4, a.key.containerId]), [['10.0.0.11', 'container-2']]);
  assert.equal(datastore.lookup(key(2)), undefined);
  assert.equal(datastore.stats(T0).totalIps, 0);
});

test('removeEni() refuses an ENI with pods, removes it once empty, and forces on request', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'], 1: slash32s('10.0.1.10', 2) });
  datastore.assign(key(1), pod('a'), T0);
  datastore.assign(key(2), pod('b'), T0);
  datastore.assign(key(3), pod('c'), T0);
  assertDatastoreError(() => datastore.removeEni('eni-01'), 'eni-in-use');
  const forced = datastore.removeEni('eni-01', { force: true });
  assert.deepEqual(forced.map((a) => a.ipv4), ['10.0.1.10', '10.0.1.11']);
  assert.equal(datastore.eni('eni-01'), undefined);
  assert.equal(datastore.lookup(key(2)), undefined);
  datastore.unassign(key(1), T0);
  assert.deepEqual(datastore.removeEni('eni-00'), []);
  assertDatastoreError(() => datastore.removeEni('eni-00'), 'unknown-eni');
  assert.deepEqual(datastore.describe(), []);
  // The keys of force-released pods are free again.
  datastore.addEni(eniAt(3));
  datastore.addCidr('eni-03', '10.0.3.10/32');
  assert.equal(datastore.assign(key(2), pod('b'), T0).ipv4, '10.0.3.10');
});

test('place() puts a known assignment where its address lives, whichever unit, and refuses conflicts', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.10/32'], 1: ['10.0.1.16/28'] });
  const assignedAt = { ms: T0 - 5_000, subMsNanos: 123_456 };
  const placed = datastore.place({ key: key(1), pod: pod('a'), ipv4: '10.0.0.10', assignedAt });
  assert.deepEqual([placed.eniId, placed.cidr, placed.assignedAt], ['eni-00', '10.0.0.10/32', assignedAt]);
  assert.deepEqual(datastore.place({ key: key(1), pod: pod('a'), ipv4: '10.0.0.10', assignedAt }), placed);
  assert.equal(datastore.place({ key: key(2), pod: pod('b'), ipv4: '10.0.1.20', assignedAt }).cidr, '10.0.1.16/28');
  assertDatastoreError(() => datastore.place({ key: key(3), pod: pod('c'), ipv4: '10.0.1.20', assignedAt }), 'address-in-use');
  assertDatastoreError(() => datastore.place({ key: key(1), pod: pod('a'), ipv4: '10.0.1.21', assignedAt }), 'address-in-use');
  assertDatastoreError(() => datastore.place({ key: key(4), pod: pod('d'), ipv4: '10.0.9.9', assignedAt }), 'unknown-cidr');
  // A placed address is never handed out again.
  const handedOut = Array.from({ length: 15 }, (_, index) => datastore.assign(key(10 + index), pod(`q${index}`), T0).ipv4);
  assert.ok(!handedOut.includes('10.0.1.20'));
  assertExhausted(() => datastore.assign(key(99), pod('z'), T0), 'pool-empty');
});

test('locate() finds the ENI and block of an address and who holds it', () => {
  const datastore = datastoreWith('prefix', { 1: ['10.0.1.16/28'] });
  datastore.assign(key(1), pod('a'), T0);
  assert.deepEqual(datastore.locate('10.0.1.17'), { eniId: 'eni-01', cidr: '10.0.1.16/28', assignment: undefined });
  assert.equal(datastore.locate('10.0.1.16')?.assignment?.key.containerId, 'container-1');
  assert.equal(datastore.locate('10.0.1.32'), undefined);
  assert.throws(() => datastore.locate('not-an-ip'), SyntaxError);
});

test('describe() returns copies: changing them does not change the datastore', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] });
  datastore.assign(key(1), pod('a'), T0);
  const view = datastore.describe();
  const record = view[0]?.cidrs[0]?.records[0];
  (record?.key as { containerId: string }).containerId = 'changed';
  (datastore.lookup(key(1))?.pod as { name: string }).name = 'changed';
  (view as unknown[]).length = 0;
  assert.equal(datastore.describe().length, 1);
  assert.equal(datastore.lookup(key(1))?.pod.name, 'a');
  assert.equal(datastore.describe()[0]?.cidrs[0]?.records[0]?.key?.containerId, 'container-1');
});
