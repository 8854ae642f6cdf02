import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolStats } from './pool.ts';
import { targetsFor } from './pool-simulation.test-support.ts';
import { targetState } from './target-state.ts';
import { poolTargets } from './targets.ts';
import type { PoolTargetsInput } from './targets.ts';

const BASE: PoolTargetsInput = {
  poolMode: 'secondary-ip', warmEniTarget: 1, warmIpTarget: 0, minimumIpTarget: 0, warmPrefixTarget: 0, maxEni: undefined,
  customNetworking: false, podEni: false, eniLimit: 3, ipv4Limit: 4, maxPods: 11,
};

test('poolTargets() derives per-ENI capacity from IPv4Limit - 1, times 16 in prefix mode', () => {
  assert.deepEqual([poolTargets(BASE).cidrsPerEni, poolTargets(BASE).ipsPerEni], [3, 3]);
  const prefix = poolTargets({ ...BASE, poolMode: 'prefix' });
  assert.deepEqual([prefix.cidrsPerEni, prefix.ipsPerEni], [3, 48]);
});

test('poolTargets() caps ENIs at MAX_ENI only when it is below the instance limit', () => {
  assert.equal(poolTargets(BASE).maxEni, 3);
  assert.equal(poolTargets({ ...BASE, maxEni: 2 }).maxEni, 2);
  assert.equal(poolTargets({ ...BASE, maxEni: 8 }).maxEni, 3);
});

test('poolTargets() treats IP targets as defined when either is non-zero, and always on network cards above 0', () => {
  assert.equal(poolTargets(BASE).warmIpTargetsDefined, false);
  assert.equal(poolTargets({ ...BASE, minimumIpTarget: 4 }).warmIpTargetsDefined, true);
  const otherCard = poolTargets({ ...BASE, warmIpTarget: 9, minimumIpTarget: 9, networkCard: 1, podEni: true });
  assert.deepEqual([otherCard.warmIpTargetsDefined, otherCard.warmIpTarget, otherCard.minimumIpTarget, otherCard.reserveTrunkEni], [true, 1, 1, false]);
});

test('poolTargets() reserves a trunk slot only with ENABLE_POD_ENI on a trunking-compatible type', () => {
  assert.equal(poolTargets({ ...BASE, podEni: true }).reserveTrunkEni, true);
  assert.equal(poolTargets({ ...BASE, podEni: true, trunkingCompatible: false }).reserveTrunkEni, false);
  assert.equal(poolTargets(BASE).reserveTrunkEni, false);
  assert.equal(poolTargets({ ...BASE, customNetworking: true }).primaryEniCarriesPods, false);
});

test('poolTargets() throws RangeError on negative targets and impossible limits', () => {
  assert.throws(() => poolTargets({ ...BASE, warmIpTarget: -1 }), RangeError);
  assert.throws(() => poolTargets({ ...BASE, ipv4Limit: 1 }), /ipv4Limit must be an integer >= 2/);
  assert.throws(() => poolTargets({ ...BASE, maxEni: 0 }), RangeError);
  assert.throws(() => poolTargets({ ...BASE, eniLimit: 1.5 }), RangeError);
});

function stats(totalIps: number, assignedIps: number, totalPrefixes = 0, freePrefixes = 0): PoolStats {
  return { totalIps, assignedIps, coolingIps: 0, availableIps: totalIps - assignedIps, totalPrefixes, freePrefixes };
}

test('targetState() is undefined without WARM_IP_TARGET and MINIMUM_IP_TARGET', () => {
  assert.equal(targetState(stats(3, 0), targetsFor('t3.small')), undefined);
});

test('targetState() computes short and over in addresses, as datastoreTargetState', () => {
  const p3dn = targetsFor('p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 });
  const cases: ReadonlyArray<readonly [PoolStats, number, number]> = [
    [stats(0, 0), 10, 0],    // short = max(5 - 0, 10 - 0)
    [stats(10, 6), 1, 0],    // 4 available: one short of WARM_IP_TARGET
    [stats(10, 0), 0, 0],    // 10 available, but MINIMUM_IP_TARGET keeps all 10
    [stats(20, 5), 0, 10],   // 15 available: 10 over WARM, and 20 - 10 = 10 above MINIMUM
    [stats(12, 0), 0, 2],    // 12 available: 7 over WARM, but only 2 above MINIMUM
    [stats(49, 48), 4, 0],
  ];
  for (const [input, short, over] of cases) assert.deepEqual(targetState(input, p3dn), { short, over }, JSON.stringify(input));
});

test('targetState() rounds to whole prefixes in prefix mode ("MINIMUM_IP_TARGET above N*16 is the same as (N+1)*16")', () => {
  const prefix = (warmIpTarget: number, minimumIpTarget: number) => targetsFor('p3dn.24xlarge', { poolMode: 'prefix', warmIpTarget, minimumIpTarget });
  const cases: ReadonlyArray<readonly [ReturnType<typeof prefix>, PoolStats, number, number]> = [
    [prefix(7, 20), stats(0, 0), 2, 0],           // short 20 addresses = 2 prefixes
    [prefix(7, 20), stats(32, 0, 2, 2), 0, 0],    // 2 free prefixes, but MINIMUM needs ceil(20/16) = 2
    [prefix(7, 17), stats(48, 0, 3, 3), 0, 1],    // 17 needs 2 prefixes: the third may go
    [prefix(16, 0), stats(32, 1, 2, 1), 0, 0],    // 1 assigned + 16 warm needs 2 prefixes, though 15 addresses are "over"
    [prefix(1, 1), stats(48, 17, 3, 1), 0, 1],    // third prefix free; 17 + 1 needs only 2
    [prefix(5, 10), stats(16, 12, 1, 0), 1, 0],   // 4 available: one address short is one prefix
  ];
  for (const [targets, input, short, over] of cases) assert.deepEqual(targetState(input, targets), { short, over }, JSON.stringify(input));
});

test('targetState() counts addresses, not prefixes, on network cards above 0 even in prefix mode (upstream)', () => {
  const card1 = targetsFor('p3dn.24xlarge', { poolMode: 'prefix', networkCard: 1 });
  assert.deepEqual(targetState(stats(32, 0, 2, 2), card1), { short: 0, over: 31 });
});
