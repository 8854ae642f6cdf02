import assert from 'node:assert/strict';
import { test } from 'node:test';
import { targetsFor } from '../warm-pool/pool-simulation.test-support.ts';
import { poolStats } from '../warm-pool/pool-stats.ts';
import { decidePool } from '../warm-pool/warm-pool.ts';
import { Datastore } from './datastore.ts';
import { datastoreWith, eniAt, key, pod, slash32s, T0 } from './datastore.test-support.ts';

test('stats() counts the active unit on usable ENIs; cooling addresses count as available (section c)', () => {
  const datastore = datastoreWith('secondary-ip', { 0: [...slash32s('10.0.0.10', 3), '10.0.0.32/28'], 1: slash32s('10.0.1.10', 2) });
  datastore.assign(key(1), pod('a'), T0);
  datastore.assign(key(2), pod('b'), T0);
  datastore.unassign(key(2), T0 + 1_000);
  datastore.assign(key(3), pod('c'), T0);
  datastore.setEniExcluded('eni-01', true);
  const cases = [
    // key(3) went to .12 on eni-00; eni-01 is excluded; the /28 is not the active unit but counts as a prefix.
    { atMs: T0 + 1_000, expected: { totalIps: 3, assignedIps: 2, coolingIps: 1, availableIps: 1, totalPrefixes: 1, freePrefixes: 1 } },
    { atMs: T0 + 30_999, expected: { totalIps: 3, assignedIps: 2, coolingIps: 1, availableIps: 1, totalPrefixes: 1, freePrefixes: 1 } },
    { atMs: T0 + 31_000, expected: { totalIps: 3, assignedIps: 2, coolingIps: 0, availableIps: 1, totalPrefixes: 1, freePrefixes: 1 } },
  ];
  for (const { atMs, expected } of cases) assert.deepEqual(datastore.stats(atMs), expected, `at +${atMs - T0} ms`);
});

test('stats() in prefix mode: 16 addresses per prefix, prefix totals over every ENI (excluded ones too, as upstream)', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.16/28', '10.0.0.32/28', '10.0.0.5/32'], 1: ['10.0.1.16/28'] });
  for (let id = 1; id <= 5; id += 1) datastore.assign(key(id), pod(`p${id}`), T0);
  datastore.unassign(key(4), T0);
  datastore.unassign(key(5), T0);
  datastore.setEniExcluded('eni-01', true);
  assert.deepEqual(datastore.stats(T0 + 10), { totalIps: 32, assignedIps: 3, coolingIps: 2, availableIps: 29, totalPrefixes: 3, freePrefixes: 2 });
});

test('toPoolSnapshot() gives the warm-pool its exact input: blocks with assigned and cooling counts, young ENIs', () => {
  const datastore = new Datastore({ poolMode: 'prefix' });
  datastore.addEni(eniAt(0));
  datastore.addEni(eniAt(1, { attachedAtMs: T0, isTrunk: false, isEfa: true }));
  datastore.addEni(eniAt(2, { attachedAtMs: T0, isTrunk: true, excludedForPodIps: true }));
  datastore.addCidr('eni-00', '10.0.0.32/28');
  datastore.addCidr('eni-00', '10.0.0.16/28');
  datastore.addCidr('eni-01', '10.0.1.10/32');
  for (let id = 1; id <= 3; id += 1) datastore.assign(key(id), pod(`p${id}`), T0);
  datastore.unassign(key(2), T0 + 40_000);
  const atMs = T0 + 59_999;
  assert.deepEqual(datastore.toPoolSnapshot(atMs), {
    enis: [
      { eniId: 'eni-00', deviceNumber: 0, isPrimary: true, isTrunk: false, isEfa: false, excludedForPodIps: false, recentlyAttached: false, cidrs: [
        { cidr: '10.0.0.16/28', isPrefix: true, assigned: 2, cooling: 1 },
        { cidr: '10.0.0.32/28', isPrefix: true, assigned: 0, cooling: 0 },
      ] },
      { eniId: 'eni-01', deviceNumber: 1, isPrimary: false, isTrunk: false, isEfa: true, excludedForPodIps: false, recentlyAttached: true, cidrs: [
        { cidr: '10.0.1.10/32', isPrefix: false, assigned: 0, cooling: 0 },
      ] },
      { eniId: 'eni-02', deviceNumber: 2, isPrimary: false, isTrunk: true, isEfa: false, excludedForPodIps: true, recentlyAttached: true, cidrs: [] },
    ],
  });
  // An ENI is young for MIN_ENI_LIFETIME_MS (60 s) after its attachment; the cooldown ends 30 s after release.
  const later = datastore.toPoolSnapshot(T0 + 60_000);
  assert.deepEqual(later.enis.map((eni) => eni.recentlyAttached), [false, false, false]);
  assert.equal(later.enis[0]?.cidrs[0]?.cooling, 1);
  assert.equal(datastore.toPoolSnapshot(T0 + 70_000).enis[0]?.cidrs[0]?.cooling, 0);
});

test('stats() equals the warm-pool poolStats() of toPoolSnapshot() at any instant', () => {
  const datastore = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 4), 1: ['10.0.1.16/28'] });
  datastore.assign(key(1), pod('a'), T0);
  datastore.assign(key(2), pod('b'), T0);
  datastore.unassign(key(1), T0 + 100);
  for (const atMs of [T0, T0 + 100, T0 + 20_000, T0 + 30_100, T0 + 90_000]) {
    assert.deepEqual(datastore.stats(atMs), poolStats(datastore.toPoolSnapshot(atMs), 'secondary-ip'));
  }
});

test('toPoolSnapshot() drives decidePool(): a fresh t3.small fills its primary ENI, a busy one attaches an ENI', () => {
  const targets = targetsFor('t3.small');
  const fresh = datastoreWith('secondary-ip', { 0: [] });
  assert.deepEqual(decidePool(fresh.toPoolSnapshot(T0), targets).actions, [{ kind: 'assign-to-eni', eniId: 'eni-00', count: 3, unit: 'ip' }]);
  const busy = datastoreWith('secondary-ip', { 0: slash32s('10.0.0.10', 3) });
  for (const id of [1, 2]) busy.assign(key(id), pod(`p${id}`), T0);
  assert.deepEqual(decidePool(busy.toPoolSnapshot(T0), targets).actions, [{ kind: 'attach-eni', count: 3, unit: 'ip' }]);
});
