import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDecision } from './apply-decision.ts';
import type { PoolSnapshot } from './pool.ts';
import { blocks, eni, FRESH_NODE, replay, targetsFor } from './pool-simulation.test-support.ts';
import { decidePool } from './warm-pool.ts';

const T3 = targetsFor('t3.small');
const pool = (...enis: PoolSnapshot['enis']): PoolSnapshot => ({ enis });

test('decidePool() fills the lowest-numbered ENI with room before attaching another', () => {
  const decision = decidePool(pool(eni(0, blocks(0, 3, { assigned: 3 })), eni(2, blocks(2, 1, { assigned: 1 })), eni(1, blocks(1, 2, { assigned: 2 }))), T3);
  assert.deepEqual(decision.actions, [{ kind: 'assign-to-eni', eniId: 'eni-1', count: 1, unit: 'ip' }]);
  const full = decidePool(pool(eni(0, blocks(0, 3, { assigned: 3 }))), T3);
  assert.deepEqual(full.actions, [{ kind: 'attach-eni', count: 3, unit: 'ip' }]);
});

test('decidePool() never puts pod addresses on the primary ENI with custom networking', () => {
  const custom = targetsFor('t3.small', { customNetworking: true });
  assert.deepEqual(decidePool(FRESH_NODE, custom).actions, [{ kind: 'attach-eni', count: 3, unit: 'ip' }]);
  const settled = replay(custom, 4);
  assert.deepEqual(settled.enis.map((e) => [e.deviceNumber, e.cidrs.length]), [[0, 0], [1, 3], [2, 3]]);
});

test('decidePool() stops growing once total addresses reach max pods, without capping the last request (upstream)', () => {
  const capped = targetsFor('p3dn.24xlarge', { maxPods: 20 });
  assert.deepEqual(decidePool(FRESH_NODE, capped).actions, [{ kind: 'assign-to-eni', eniId: 'eni-0', count: 49, unit: 'ip' }]);
  const decision = decidePool(pool(eni(0, blocks(0, 49, { assigned: 19 }))), capped);
  assert.deepEqual([decision.tooLow, decision.actions, decision.growBlockedBy], [false, [], 'max-pods']);
});

test('decidePool() reports eni-limit when the pool is low and every ENI slot is used (MAX_ENI)', () => {
  const maxTwo = targetsFor('t3.small', { maxEni: 2 });
  const decision = decidePool(pool(eni(0, blocks(0, 3, { assigned: 3 })), eni(1, blocks(1, 3, { assigned: 2 }))), maxTwo);
  assert.deepEqual([decision.tooLow, decision.actions, decision.growBlockedBy], [true, [], 'eni-limit']);
});

test('decidePool() keeps an ENI slot for the trunk while security groups for pods has none, and counts unmanaged ENIs', () => {
  const full = pool(eni(0, blocks(0, 3, { assigned: 3 })), eni(1, blocks(1, 3, { assigned: 3 })));
  assert.equal(decidePool(full, T3).actions[0]?.kind, 'attach-eni');
  assert.equal(decidePool(full, targetsFor('t3.small', { podEni: true })).growBlockedBy, 'eni-limit');
  assert.equal(decidePool({ ...full, unmanagedEnis: 1 }, T3).growBlockedBy, 'eni-limit');
  const withTrunk = pool(eni(0, blocks(0, 3, { assigned: 3 })), eni(1, [], { isTrunk: true }));
  assert.deepEqual(decidePool(withTrunk, targetsFor('t3.small', { podEni: true })).actions, [{ kind: 'attach-eni', count: 3, unit: 'ip' }]);
});

test('decidePool() neither counts nor fills ENIs excluded for pod IPs', () => {
  const snapshot = pool(eni(0, blocks(0, 3, { assigned: 3 })), eni(1, blocks(1, 1), { excludedForPodIps: true }));
  const decision = decidePool(snapshot, T3);
  assert.deepEqual([decision.stats.totalIps, decision.stats.availableIps], [3, 0]);
  assert.deepEqual(decision.actions, [{ kind: 'attach-eni', count: 3, unit: 'ip' }]);
});

test('decidePool() shrinks only down to WARM_IP_TARGET and MINIMUM_IP_TARGET', () => {
  const targets = targetsFor('p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 });
  const over = decidePool(pool(eni(0, blocks(0, 20, { assigned: 5 }))), targets);
  assert.equal(over.tooHigh, true);
  assert.deepEqual(over.actions, [{ kind: 'release-cidrs', eniId: 'eni-0', cidrs: blocks(0, 20).slice(5, 15).map((b) => b.cidr) }]);
  const atMinimum = decidePool(pool(eni(0, blocks(0, 12))), targets);
  assert.deepEqual(atMinimum.actions, [{ kind: 'release-cidrs', eniId: 'eni-0', cidrs: ['0.0', '0.1'] }]);
});

test('decidePool() keeps blocks with addresses in cooldown when shrinking (vpcnet; upstream frees them)', () => {
  const targets = targetsFor('p3dn.24xlarge', { warmIpTarget: 1 });
  const decision = decidePool(pool(eni(0, blocks(0, 4, { cooling: 2 }))), targets);
  assert.deepEqual([decision.tooHigh, decision.actions], [true, [{ kind: 'release-cidrs', eniId: 'eni-0', cidrs: ['0.2', '0.3'] }]]);
});

test('decidePool() reports too high but releases nothing while shrinking is not allowed', () => {
  const targets = targetsFor('p3dn.24xlarge', { warmIpTarget: 1 });
  const decision = decidePool(pool(eni(0, blocks(0, 4))), targets, { shrinkAllowed: false });
  assert.deepEqual([decision.tooHigh, decision.actions], [true, []]);
});

test('decidePool() frees free prefixes beyond WARM_PREFIX_TARGET, newest ENI first', () => {
  const targets = targetsFor('t3.small', { poolMode: 'prefix', warmPrefixTarget: 1 });
  const snapshot = pool(eni(0, blocks(0, 3, { isPrefix: true, assigned: 20 })), eni(1, blocks(1, 2, { isPrefix: true })));
  const decision = decidePool(snapshot, targets);
  assert.deepEqual(decision.actions[0], { kind: 'release-cidrs', eniId: 'eni-1', cidrs: ['1.0', '1.1'] });
});

test('decidePool() never returns single addresses with only WARM_ENI_TARGET, but releases a spare ENI', () => {
  const spare = pool(eni(0, blocks(0, 3, { assigned: 1 })), eni(1, blocks(1, 3)), eni(2, blocks(2, 3)));
  const decision = decidePool(spare, T3);
  assert.deepEqual([decision.tooHigh, decision.actions], [false, [{ kind: 'release-eni', eniId: 'eni-2' }]]);
  const notSpare = pool(eni(0, blocks(0, 3, { assigned: 2 })), eni(1, blocks(1, 3)));
  assert.deepEqual(decidePool(notSpare, T3).actions, []);
});

test('decidePool() frees unused addresses and then the emptied ENI in one round, as upstream', () => {
  const targets = targetsFor('t3.small', { warmIpTarget: 1 });
  const decision = decidePool(pool(eni(0, blocks(0, 3, { assigned: 2 })), eni(1, blocks(1, 3))), targets);
  assert.deepEqual(decision.actions, [
    { kind: 'release-cidrs', eniId: 'eni-1', cidrs: ['1.0', '1.1', '1.2'] },
    { kind: 'release-eni', eniId: 'eni-1' },
  ]);
});

test('decidePool() never releases an ENI that is primary, has pods, cools, is young, trunk, EFA or needed for a target', () => {
  const warm3 = targetsFor('p3dn.24xlarge', { warmIpTarget: 3 });
  const busy = eni(0, blocks(0, 49, { assigned: 46 })); // exactly WARM_IP_TARGET (3) free
  const cases: ReadonlyArray<readonly [string, PoolSnapshot, ReturnType<typeof targetsFor>]> = [
    ['primary', pool(eni(0, blocks(0, 4))), warm3],
    ['has pods', pool(busy, eni(1, blocks(1, 4, { assigned: 1 }))), warm3],
    ['cooling', pool(busy, eni(1, blocks(1, 4, { cooling: 1 }))), warm3],
    ['young', pool(busy, eni(1, [], { recentlyAttached: true })), warm3],
    ['trunk', pool(busy, eni(1, [], { isTrunk: true })), warm3],
    ['EFA', pool(busy, eni(1, [], { isEfa: true })), warm3],
    ['WARM_IP_TARGET', pool(eni(0, blocks(0, 49, { assigned: 47 })), eni(1, blocks(1, 1))), warm3],
    ['MINIMUM_IP_TARGET', pool(busy, eni(1, blocks(1, 2))), targetsFor('p3dn.24xlarge', { minimumIpTarget: 50 })],
    ['WARM_PREFIX_TARGET', pool(eni(0, blocks(0, 1, { isPrefix: true, assigned: 3 })), eni(1, blocks(1, 1, { isPrefix: true }))),
      targetsFor('p3dn.24xlarge', { poolMode: 'prefix', warmPrefixTarget: 1 })],
  ];
  for (const [why, snapshot, targets] of cases) {
    const released = decidePool(snapshot, targets, { shrinkAllowed: false }).actions.filter((a) => a.kind === 'release-eni');
    assert.deepEqual(released, [], why);
  }
  // Control: the same spare ENI goes when nothing holds it.
  assert.deepEqual(decidePool(pool(busy, eni(1, [])), warm3).actions, [{ kind: 'release-eni', eniId: 'eni-1' }]);
});

test('decidePool() keeps one warm and one minimum address on network cards above 0', () => {
  const card1 = targetsFor('p3dn.24xlarge', { networkCard: 1, warmEniTarget: 3 });
  assert.deepEqual(decidePool(pool(eni(1, [])), card1).actions, [{ kind: 'assign-to-eni', eniId: 'eni-1', count: 1, unit: 'ip' }]);
  assert.deepEqual(decidePool(pool(eni(1, blocks(1, 3, { assigned: 1 }))), card1).actions, [{ kind: 'release-cidrs', eniId: 'eni-1', cidrs: ['1.1'] }]);
});

test('applyDecision() adds unused blocks and a young ENI, and removes released ones, without touching its input', () => {
  const before = pool(eni(0, blocks(0, 2, { assigned: 1 })));
  const after = applyDecision(before, [
    { kind: 'assign-to-eni', eniId: 'eni-0', count: 1, unit: 'ip' },
    { kind: 'attach-eni', count: 2, unit: 'prefix' },
    { kind: 'release-cidrs', eniId: 'eni-0', cidrs: ['0.1'] },
  ]);
  assert.deepEqual(after.enis.map((e) => [e.eniId, e.deviceNumber, e.recentlyAttached ?? false, e.cidrs.map((c) => [c.cidr, c.isPrefix])]), [
    ['eni-0', 0, false, [['0.0', false], ['eni-0/ip-2', false]]],
    ['eni-new-1', 1, true, [['eni-new-1/prefix-0', true], ['eni-new-1/prefix-1', true]]],
  ]);
  assert.equal(before.enis[0]?.cidrs.length, 2);
  assert.deepEqual(applyDecision(after, [{ kind: 'release-eni', eniId: 'eni-new-1' }]).enis.length, 1);
});
