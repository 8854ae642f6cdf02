import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PoolMode } from '../limits/max-pods.ts';
import { poolStats } from '../warm-pool/pool-stats.ts';
import { parseCheckpoint, serializeCheckpoint } from './checkpoint.ts';
import { Datastore } from './datastore.ts';
import { eniAt, key, pod, T0 } from './datastore.test-support.ts';
import { enisView } from './enis-view.ts';
import { DatastoreError, PoolExhaustedError } from './errors.ts';
import { restoreCheckpoint } from './restore.ts';

const DEVICES = 3;
/** Blocks 0-5 of an ENI are /32s (10.<device>.0.10+i), blocks 6-8 are /28s (10.<device>.1.16*(i-6)). */
const BLOCKS = 9;
const FIRST_PREFIX_BLOCK = 6;
const KEYS = 40;

type Op =
  | { readonly kind: 'add-eni' | 'remove-eni' | 'exclude'; readonly device: number; readonly flag: boolean }
  | { readonly kind: 'add-cidr' | 'remove-cidr'; readonly device: number; readonly block: number; readonly flag: boolean }
  | { readonly kind: 'assign' | 'unassign'; readonly key: number }
  | { readonly kind: 'advance'; readonly ms: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('add-eni' as const, 'remove-eni' as const, 'exclude' as const), device: fc.nat(DEVICES - 1), flag: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('add-cidr' as const, 'remove-cidr' as const), device: fc.nat(DEVICES - 1), block: fc.nat(BLOCKS - 1), flag: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constantFrom('assign' as const, 'unassign' as const), key: fc.nat(KEYS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 10_000, max: 40_000 })) }) },
);

function blockCidr(device: number, block: number): string {
  return block < FIRST_PREFIX_BLOCK ? `10.${device}.0.${10 + block}/32` : `10.${device}.1.${16 * (block - FIRST_PREFIX_BLOCK)}/28`;
}

function blockOf(ipv4: string): { device: number; block: number } {
  const [, device = 0, third = 0, last = 0] = ipv4.split('.').map(Number);
  return { device, block: third === 0 ? last - 10 : FIRST_PREFIX_BLOCK + Math.floor(last / 16) };
}

function blockSize(block: number): number {
  return block < FIRST_PREFIX_BLOCK ? 1 : 16;
}

function isActive(block: number, poolMode: PoolMode): boolean {
  return (block >= FIRST_PREFIX_BLOCK) === (poolMode === 'prefix');
}

/** What the datastore should hold, kept the simple way. */
class Model {
  readonly enis = new Map<number, { excluded: boolean; blocks: Set<number> }>();
  readonly assigned = new Map<number, string>();
  readonly releasedAt = new Map<string, number>();
  readonly poolMode: PoolMode;
  readonly cooldownMs: number;

  constructor(poolMode: PoolMode, cooldownMs: number) {
    this.poolMode = poolMode;
    this.cooldownMs = cooldownMs;
  }

  assignedIn(device: number, block?: number): number[] {
    return [...this.assigned].filter(([, ip]) => blockOf(ip).device === device && (block === undefined || blockOf(ip).block === block)).map(([k]) => k);
  }

  forgetReleases(device: number, block?: number): void {
    for (const ip of [...this.releasedAt.keys()]) {
      if (blockOf(ip).device === device && (block === undefined || blockOf(ip).block === block)) this.releasedAt.delete(ip);
    }
  }

  cooling(ip: string, nowMs: number): boolean {
    const at = this.releasedAt.get(ip);
    return at !== undefined && nowMs - at < this.cooldownMs && ![...this.assigned.values()].includes(ip);
  }

  /** Pool stats as section c defines them. */
  stats(nowMs: number): { totalIps: number; assignedIps: number; coolingIps: number; availableIps: number; totalPrefixes: number; freePrefixes: number } {
    let totalIps = 0;
    let totalPrefixes = 0;
    let freePrefixes = 0;
    const ips = [...this.assigned.values()];
    for (const [device, eni] of this.enis) {
      for (const block of eni.blocks) {
        if (block >= FIRST_PREFIX_BLOCK) {
          totalPrefixes += 1;
          if (!ips.some((ip) => blockOf(ip).device === device && blockOf(ip).block === block)) freePrefixes += 1;
        }
        if (!eni.excluded && isActive(block, this.poolMode)) totalIps += blockSize(block);
      }
    }
    const usable = (ip: string): boolean => {
      const { device, block } = blockOf(ip);
      const eni = this.enis.get(device);
      return eni !== undefined && !eni.excluded && eni.blocks.has(block) && isActive(block, this.poolMode);
    };
    const assignedIps = ips.filter(usable).length;
    const coolingIps = [...this.releasedAt.keys()].filter((ip) => usable(ip) && this.cooling(ip, nowMs)).length;
    return { totalIps, assignedIps, coolingIps, availableIps: totalIps - assignedIps, totalPrefixes, freePrefixes };
  }
}

function expectError(fn: () => unknown, code: DatastoreError['code']): void {
  assert.throws(fn, (error: unknown) => error instanceof DatastoreError && error.code === code);
}

function step(datastore: Datastore, model: Model, op: Op, nowMs: number): void {
  switch (op.kind) {
    case 'add-eni': {
      if (model.enis.has(op.device)) return expectError(() => datastore.addEni(eniAt(op.device)), 'duplicate-eni');
      datastore.addEni(eniAt(op.device));
      model.enis.set(op.device, { excluded: false, blocks: new Set() });
      return;
    }
    case 'remove-eni': {
      if (!model.enis.has(op.device)) return expectError(() => datastore.removeEni(eniAt(op.device).eniId), 'unknown-eni');
      const held = model.assignedIn(op.device);
      if (held.length > 0 && !op.flag) return expectError(() => datastore.removeEni(eniAt(op.device).eniId), 'eni-in-use');
      const released = datastore.removeEni(eniAt(op.device).eniId, { force: op.flag });
      assert.equal(released.length, held.length);
      for (const k of held) model.assigned.delete(k);
      model.enis.delete(op.device);
      model.forgetReleases(op.device);
      return;
    }
    case 'exclude': {
      const eni = model.enis.get(op.device);
      if (eni === undefined) return expectError(() => datastore.setEniExcluded(eniAt(op.device).eniId, op.flag), 'unknown-eni');
      datastore.setEniExcluded(eniAt(op.device).eniId, op.flag);
      eni.excluded = op.flag;
      return;
    }
    case 'add-cidr': {
      const eni = model.enis.get(op.device);
      const cidr = blockCidr(op.device, op.block);
      if (eni === undefined) return expectError(() => datastore.addCidr(eniAt(op.device).eniId, cidr), 'unknown-eni');
      if (eni.blocks.has(op.block)) return expectError(() => datastore.addCidr(eniAt(op.device).eniId, cidr), 'duplicate-cidr');
      datastore.addCidr(eniAt(op.device).eniId, cidr);
      eni.blocks.add(op.block);
      return;
    }
    case 'remove-cidr': {
      const eni = model.enis.get(op.device);
      const cidr = blockCidr(op.device, op.block);
      if (eni === undefined) return expectError(() => datastore.removeCidr(eniAt(op.device).eniId, cidr), 'unknown-eni');
      if (!eni.blocks.has(op.block)) return expectError(() => datastore.removeCidr(eniAt(op.device).eniId, cidr), 'unknown-cidr');
      const held = model.assignedIn(op.device, op.block);
      if (held.length > 0 && !op.flag) return expectError(() => datastore.removeCidr(eniAt(op.device).eniId, cidr), 'cidr-in-use');
      assert.equal(datastore.removeCidr(eniAt(op.device).eniId, cidr, { force: op.flag }).length, held.length);
      for (const k of held) model.assigned.delete(k);
      eni.blocks.delete(op.block);
      model.forgetReleases(op.device, op.block);
      return;
    }
    case 'assign':
      return assignStep(datastore, model, op.key, nowMs);
    case 'unassign': {
      const released = datastore.unassign(key(op.key), nowMs);
      assert.equal(released?.ipv4, model.assigned.get(op.key));
      if (released !== undefined) {
        model.assigned.delete(op.key);
        model.releasedAt.set(released.ipv4, nowMs);
      }
      return;
    }
    case 'advance':
      return;
  }
}

function assignStep(datastore: Datastore, model: Model, id: number, nowMs: number): void {
  const before = model.assigned.get(id);
  const stats = model.stats(nowMs);
  let ipv4: string;
  try {
    ipv4 = datastore.assign(key(id), pod(`pod-${id}`), nowMs).ipv4;
  } catch (error) {
    assert.ok(error instanceof PoolExhaustedError, String(error));
    assert.equal(before, undefined, 'a key holding an address always gets it back');
    // Refused only when every usable address is assigned or cooling.
    assert.equal(stats.availableIps - stats.coolingIps, 0);
    assert.equal(error.reason, stats.coolingIps > 0 ? 'cooling' : 'pool-empty');
    return;
  }
  if (before !== undefined) return assert.equal(ipv4, before, 'assign() is idempotent');
  assert.ok(![...model.assigned.values()].includes(ipv4), `${ipv4} assigned twice`);
  const releasedAt = model.releasedAt.get(ipv4);
  assert.ok(releasedAt === undefined || nowMs - releasedAt >= model.cooldownMs, `${ipv4} handed out in cooldown`);
  const { device, block } = blockOf(ipv4);
  const eni = model.enis.get(device);
  assert.ok(eni !== undefined && !eni.excluded && eni.blocks.has(block) && isActive(block, model.poolMode), `${ipv4} is not usable`);
  model.assigned.set(id, ipv4);
}

function checkInvariants(datastore: Datastore, model: Model, nowMs: number): void {
  const assignments = datastore.assignments();
  assert.deepEqual(new Map(assignments.map((a) => [Number(a.key.containerId.slice('container-'.length)), a.ipv4])), model.assigned);
  assert.equal(new Set(assignments.map((a) => a.ipv4)).size, assignments.length, 'an address is held twice');
  const stats = datastore.stats(nowMs);
  assert.deepEqual(stats, model.stats(nowMs));
  assert.deepEqual(stats, poolStats(datastore.toPoolSnapshot(nowMs), model.poolMode));
  assert.equal(enisView(datastore)['0']?.AssignedIPs, assignments.length);
}

/** A datastore with the same ENIs and blocks, restored from the checkpoint text. */
function restarted(datastore: Datastore, model: Model): Datastore {
  const fresh = new Datastore({ poolMode: model.poolMode, ipCooldownMs: model.cooldownMs });
  for (const [device, eni] of model.enis) {
    fresh.addEni(eniAt(device, { excludedForPodIps: eni.excluded }));
    for (const block of eni.blocks) fresh.addCidr(eniAt(device).eniId, blockCidr(device, block));
  }
  const result = restoreCheckpoint(fresh, parseCheckpoint(serializeCheckpoint(datastore)), { podVethExists: () => true });
  assert.deepEqual(result.dropped, []);
  return fresh;
}

test('Datastore property: random sequences never double-assign, respect cooldown, keep stats and survive a checkpoint round trip', () => {
  const arbConfig = fc.record({ poolMode: fc.constantFrom('secondary-ip' as const, 'prefix' as const), cooldownMs: fc.constantFrom(0, 1_000, 30_000) });
  const arbInitialBlocks = fc.subarray(Array.from({ length: BLOCKS }, (_, block) => block), { minLength: 1 });
  const arbOps = fc.array(arbOp, { minLength: 10, maxLength: 150, size: 'max' });
  fc.assert(fc.property(arbConfig, arbInitialBlocks, arbOps, ({ poolMode, cooldownMs }, initialBlocks, ops) => {
    const datastore = new Datastore({ poolMode, ipCooldownMs: cooldownMs });
    const model = new Model(poolMode, cooldownMs);
    let nowMs = T0;
    const setup: Op[] = [{ kind: 'add-eni', device: 0, flag: false }, ...initialBlocks.map((block) => ({ kind: 'add-cidr' as const, device: 0, block, flag: false }))];
    for (const op of [...setup, ...ops]) {
      if (op.kind === 'advance') nowMs += op.ms;
      step(datastore, model, op, nowMs);
      checkInvariants(datastore, model, nowMs);
    }
    const fresh = restarted(datastore, model);
    assert.deepEqual(fresh.assignments(), datastore.assignments());
    assert.equal(serializeCheckpoint(fresh), serializeCheckpoint(datastore));
  }), { numRuns: 200 });
});
