import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyDecision } from './apply-decision.ts';
import type { PoolCidr, PoolDecision, PoolEni, PoolSnapshot } from './pool.ts';
import { poolStats } from './pool-stats.ts';
import { poolTargets } from './targets.ts';
import type { PoolTargets } from './targets.ts';
import { decidePool } from './warm-pool.ts';

const RUNS = { numRuns: 1000 };

const arbTargets: fc.Arbitrary<PoolTargets> = fc.record({
  poolMode: fc.constantFrom('secondary-ip' as const, 'prefix' as const),
  warmEniTarget: fc.integer({ min: 0, max: 3 }),
  warmIpTarget: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 40 })),
  minimumIpTarget: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 80 })),
  warmPrefixTarget: fc.integer({ min: 0, max: 3 }),
  maxEni: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  customNetworking: fc.boolean(),
  podEni: fc.boolean(),
  trunkingCompatible: fc.boolean(),
  eniLimit: fc.integer({ min: 1, max: 6 }),
  ipv4Limit: fc.integer({ min: 2, max: 8 }),
  maxPods: fc.integer({ min: 1, max: 300 }),
})
  // parseDaemonConfig refuses prefix mode with all three targets at 0 (upstream's entrypoint does too).
  .filter((t) => t.poolMode === 'secondary-ip' || t.warmPrefixTarget + t.warmIpTarget + t.minimumIpTarget > 0)
  .map(poolTargets);

function arbCidr(isPrefix: boolean): fc.Arbitrary<Omit<PoolCidr, 'cidr'>> {
  const size = isPrefix ? 16 : 1;
  // Mostly unused blocks, so that pools over target (shrink, ENI release) are common too.
  const arbAssigned = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: size }), weight: 3 });
  return arbAssigned.chain((assigned) =>
    fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: size - assigned }), weight: 1 })
      .map((cooling) => ({ isPrefix, assigned, cooling })));
}

function arbEni(device: number, targets: PoolTargets): fc.Arbitrary<PoolEni> {
  const isPrimary = device === 0;
  const maxBlocks = isPrimary && !targets.primaryEniCarriesPods ? 0 : targets.cidrsPerEni;
  return fc.record({
    cidrs: fc.array(arbCidr(targets.poolMode === 'prefix'), { maxLength: maxBlocks, size: 'max' }),
    recentlyAttached: isPrimary ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
    isEfa: isPrimary ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
    isTrunk: isPrimary || !targets.reserveTrunkEni ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  }).map(({ cidrs, recentlyAttached, isEfa, isTrunk }) => ({
    eniId: `eni-${device}`,
    deviceNumber: device,
    isPrimary,
    recentlyAttached,
    isEfa,
    isTrunk,
    cidrs: isTrunk ? [] : cidrs.map((c, index) => ({ ...c, cidr: `${device}.${index}` })),
  }));
}

const arbCase: fc.Arbitrary<{ targets: PoolTargets; snapshot: PoolSnapshot }> = arbTargets.chain((targets) =>
  fc.record({
    enis: fc.integer({ min: 0, max: targets.maxEni - 1 }).chain((extra) =>
      fc.tuple(...Array.from({ length: extra + 1 }, (_, device) => arbEni(device, targets)))),
    unmanagedEnis: fc.integer({ min: 0, max: 1 }),
  }).map((snapshot) => ({ targets, snapshot })));

const grows = (decision: PoolDecision) => decision.actions.filter((a) => a.kind === 'assign-to-eni' || a.kind === 'attach-eni');

test('decidePool() never exceeds an ENI\'s block limit or the ENI limit, nor fills the primary ENI with custom networking', () => {
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const unit = targets.poolMode === 'prefix' ? 'prefix' : 'ip';
    const trunkReserve = targets.reserveTrunkEni && !snapshot.enis.some((e) => e.isTrunk === true) ? 1 : 0;
    for (const action of grows(decidePool(snapshot, targets))) {
      assert.equal(action.unit, unit);
      assert.ok(action.count >= 1);
      if (action.kind === 'attach-eni') {
        assert.ok(action.count <= targets.cidrsPerEni);
        assert.ok(snapshot.enis.length + (snapshot.unmanagedEnis ?? 0) + trunkReserve < targets.maxEni);
      } else {
        const target = snapshot.enis.find((e) => e.eniId === action.eniId);
        assert.ok(target !== undefined && target.isTrunk !== true);
        assert.ok(target.cidrs.length + action.count <= targets.cidrsPerEni);
        assert.ok(targets.primaryEniCarriesPods || !target.isPrimary);
      }
    }
  }), RUNS);
});

test('decidePool() never grows once total addresses reach max pods', () => {
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const decision = decidePool(snapshot, targets);
    if (decision.stats.totalIps >= targets.maxPods) assert.deepEqual(grows(decision), []);
  }), RUNS);
});

test('decidePool() never releases an address in use or cooling, nor an ENI that is primary, busy, cooling, young, trunk or EFA', () => {
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const released = new Set<string>();
    for (const action of decidePool(snapshot, targets).actions) {
      if (action.kind === 'release-cidrs') {
        const owner = snapshot.enis.find((e) => e.eniId === action.eniId);
        for (const name of action.cidrs) {
          const cidr = owner?.cidrs.find((c) => c.cidr === name);
          assert.ok(cidr !== undefined && cidr.assigned === 0 && cidr.cooling === 0, name);
          assert.ok(!released.has(name));
          released.add(name);
        }
      } else if (action.kind === 'release-eni') {
        const gone = snapshot.enis.find((e) => e.eniId === action.eniId);
        assert.ok(gone !== undefined && !gone.isPrimary && gone.recentlyAttached !== true && gone.isTrunk !== true && gone.isEfa !== true);
        assert.ok(gone.cidrs.every((c) => c.assigned === 0 && c.cooling === 0));
      }
    }
  }), RUNS);
});

test('decidePool() never takes the pool below WARM_IP_TARGET or MINIMUM_IP_TARGET when releasing', () => {
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const decision = decidePool(snapshot, targets);
    if (!targets.warmIpTargetsDefined || grows(decision).length > 0) return;
    const before = decision.stats;
    const after = poolStats(applyDecision(snapshot, decision.actions), targets.poolMode);
    assert.ok(after.availableIps >= Math.min(targets.warmIpTarget, before.availableIps));
    assert.ok(after.totalIps >= Math.min(targets.minimumIpTarget, before.totalIps));
  }), RUNS);
});

test('decidePool() never asks to shrink right after its own grow is applied', () => {
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const decision = decidePool(snapshot, targets);
    if (grows(decision).length === 0) return;
    const next = decidePool(applyDecision(snapshot, decision.actions), targets);
    assert.deepEqual(next.actions.filter((a) => a.kind === 'release-cidrs'), []);
    assert.equal(next.tooHigh, false);
  }), RUNS);
});

test('decidePool() is deterministic and leaves its (frozen) input alone', () => {
  const freeze = <T>(value: T): T => {
    if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) freeze(inner);
      Object.freeze(value);
    }
    return value;
  };
  fc.assert(fc.property(arbCase, ({ targets, snapshot }) => {
    const frozen = freeze(structuredClone(snapshot));
    assert.deepEqual(decidePool(frozen, targets), decidePool(snapshot, targets));
  }), RUNS);
});
