import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCidr } from '../ip/cidr.ts';
import { formatIpv4, parseIpv4 } from '../ip/ipv4.ts';
import type { PoolMode } from '../limits/max-pods.ts';
import { chooseAddress, isCooling } from './address-choice.ts';
import type { AddressUse, CandidateBlock } from './address-choice.ts';

const NOW = 1_000_000;
const CLOCK = { nowMs: NOW, cooldownMs: 30_000 };

/** A block with uses written as `{ '10.0.0.1': 'assigned' | <release time> }`. */
function block(cidr: string, uses: Readonly<Record<string, 'assigned' | number>> = {}): CandidateBlock {
  const map = new Map<number, AddressUse>();
  for (const [address, use] of Object.entries(uses)) {
    map.set(parseIpv4(address), use === 'assigned' ? { assigned: true, unassignedAtMs: undefined } : { assigned: false, unassignedAtMs: use });
  }
  return { block: parseCidr(cidr), uses: map };
}

function choose(blocks: readonly CandidateBlock[], poolMode: PoolMode): string | undefined {
  const choice = chooseAddress(blocks, poolMode, CLOCK);
  return choice === undefined ? undefined : `${choice.blockIndex}:${formatIpv4(choice.address)}`;
}

test('isCooling() is true from release until exactly cooldownMs later, and never for assigned or unreleased addresses', () => {
  const cases: [AddressUse, number, boolean][] = [
    [{ assigned: false, unassignedAtMs: NOW }, NOW, true],
    [{ assigned: false, unassignedAtMs: NOW - 29_999 }, NOW, true],
    [{ assigned: false, unassignedAtMs: NOW - 30_000 }, NOW, false],
    [{ assigned: false, unassignedAtMs: NOW + 5_000 }, NOW, true], // the clock went backwards: stay safe
    [{ assigned: true, unassignedAtMs: undefined }, NOW, false],
    [{ assigned: false, unassignedAtMs: undefined }, NOW, false],
  ];
  for (const [use, nowMs, expected] of cases) assert.equal(isCooling(use, { nowMs, cooldownMs: 30_000 }), expected, JSON.stringify(use));
  assert.equal(isCooling({ assigned: false, unassignedAtMs: NOW }, { nowMs: NOW, cooldownMs: 0 }), false);
});

test('chooseAddress() picks by the rules of each pool mode', () => {
  const cases: { name: string; mode: PoolMode; blocks: CandidateBlock[]; expected: string | undefined }[] = [
    { name: 'no blocks', mode: 'secondary-ip', blocks: [], expected: undefined },
    { name: 'first never-used /32', mode: 'secondary-ip', blocks: [block('10.0.0.9/32', { '10.0.0.9': 'assigned' }), block('10.0.0.5/32'), block('10.0.0.4/32')], expected: '1:10.0.0.5' },
    { name: 'never-used beats long released', mode: 'secondary-ip', blocks: [block('10.0.0.1/32', { '10.0.0.1': 0 }), block('10.0.0.2/32')], expected: '1:10.0.0.2' },
    { name: 'released longest ago', mode: 'secondary-ip', blocks: [block('10.0.0.1/32', { '10.0.0.1': 500_000 }), block('10.0.0.2/32', { '10.0.0.2': 100_000 }), block('10.0.0.3/32', { '10.0.0.3': 900_000 })], expected: '1:10.0.0.2' },
    { name: 'cooling and assigned skipped', mode: 'secondary-ip', blocks: [block('10.0.0.1/32', { '10.0.0.1': NOW - 1 }), block('10.0.0.2/32', { '10.0.0.2': 'assigned' })], expected: undefined },
    { name: 'prefix base address first', mode: 'prefix', blocks: [block('10.0.0.16/28')], expected: '0:10.0.0.16' },
    { name: 'lowest never-used in prefix', mode: 'prefix', blocks: [block('10.0.0.16/28', { '10.0.0.16': 'assigned', '10.0.0.17': 0, '10.0.0.19': 'assigned' })], expected: '0:10.0.0.18' },
    { name: 'used prefix first', mode: 'prefix', blocks: [block('10.0.0.0/28'), block('10.0.0.16/28', { '10.0.0.16': 'assigned' })], expected: '1:10.0.0.17' },
    { name: 'prefix with only cooling records is not "used"', mode: 'prefix', blocks: [block('10.0.0.0/28'), block('10.0.0.16/28', { '10.0.0.16': NOW })], expected: '0:10.0.0.0' },
    {
      name: 'full used prefix falls through to next',
      mode: 'prefix',
      blocks: [block('10.0.0.16/28', Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`10.0.0.${16 + i}`, i === 3 ? NOW : 'assigned' as const]))), block('10.0.0.32/28')],
      expected: '1:10.0.0.32',
    },
    {
      name: 'released longest ago within a full prefix',
      mode: 'prefix',
      blocks: [block('10.0.0.16/28', Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`10.0.0.${16 + i}`, i === 3 ? 10 : i === 7 ? 5 : 'assigned' as const])))],
      expected: '0:10.0.0.23',
    },
  ];
  for (const { name, mode, blocks, expected } of cases) assert.equal(choose(blocks, mode), expected, name);
});
