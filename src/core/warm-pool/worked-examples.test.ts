import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolSnapshot } from './pool.ts';
import { poolStats } from './pool-stats.ts';
import { replay, targetsFor } from './pool-simulation.test-support.ts';
import type { PoolTargetsInput } from './targets.ts';

// Upstream docs/eni-and-ip-target.md and docs/prefix-and-ip-target.md, replayed by adding pods one at a time
// and letting the pool settle after each. Upstream picks ENIs in Go map order, so per-ENI lists are compared
// sorted (largest first); everything else is compared exactly.

const desc = (values: readonly number[]): number[] => [...values].sort((a, b) => b - a);

function describePool(pool: PoolSnapshot, prefixMode: boolean) {
  const stats = poolStats(pool, prefixMode ? 'prefix' : 'secondary-ip');
  return {
    enis: pool.enis.length,
    totalIps: stats.totalIps,
    unusedIps: stats.availableIps,
    blocksPerEni: desc(pool.enis.map((e) => e.cidrs.length)),
    freePrefixes: stats.freePrefixes,
    podsPerPrefix: desc(pool.enis.flatMap((e) => e.cidrs.map((c) => c.assigned))),
  };
}

type Targets = Partial<Pick<PoolTargetsInput, 'warmEniTarget' | 'warmIpTarget' | 'minimumIpTarget' | 'warmPrefixTarget'>>;

// [instance type, targets, pods, ENIs, secondary IPs, unused IPs, IPs per ENI]
const SECONDARY_IP_ROWS: ReadonlyArray<readonly [string, Targets, number, number, number, number, readonly number[]]> = [
  ['t3.small', { warmEniTarget: 1 }, 0, 1, 3, 3, [3]],
  ['t3.small', { warmEniTarget: 1 }, 5, 3, 9, 4, [3, 3, 3]],
  ['t3.small', { warmEniTarget: 1 }, 9, 3, 9, 0, [3, 3, 3]],
  ['t3.small', { warmIpTarget: 1, minimumIpTarget: 1 }, 0, 1, 1, 1, [1]],
  ['t3.small', { warmIpTarget: 1, minimumIpTarget: 1 }, 5, 2, 6, 1, [3, 3]],
  ['t3.small', { warmIpTarget: 1, minimumIpTarget: 1 }, 9, 3, 9, 0, [3, 3, 3]],
  ['t3.small', { warmIpTarget: 2, minimumIpTarget: 5 }, 0, 2, 5, 5, [2, 3]],
  ['t3.small', { warmIpTarget: 2, minimumIpTarget: 5 }, 5, 3, 7, 2, [3, 3, 1]],
  ['t3.small', { warmIpTarget: 2, minimumIpTarget: 5 }, 9, 3, 9, 0, [3, 3, 3]],
  ['p3dn.24xlarge', { warmEniTarget: 1 }, 0, 1, 49, 49, [49]],
  ['p3dn.24xlarge', { warmEniTarget: 1 }, 3, 2, 98, 95, [49, 49]],
  ['p3dn.24xlarge', { warmEniTarget: 1 }, 95, 3, 147, 52, [49, 49, 49]],
  ['p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 }, 0, 1, 10, 10, [10]],
  ['p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 }, 7, 1, 12, 5, [12]],
  ['p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 }, 15, 1, 20, 5, [20]],
  ['p3dn.24xlarge', { warmIpTarget: 5, minimumIpTarget: 10 }, 45, 2, 50, 5, [49, 1]],
];

for (const [type, targets, pods, enis, totalIps, unusedIps, perEni] of SECONDARY_IP_ROWS) {
  test(`decidePool() matches eni-and-ip-target.md: ${type} ${JSON.stringify(targets)} with ${pods} pods`, () => {
    const described = describePool(replay(targetsFor(type, targets), pods), false);
    assert.deepEqual(
      { enis: described.enis, totalIps: described.totalIps, unusedIps: described.unusedIps, perEni: described.blocksPerEni },
      { enis, totalIps, unusedIps, perEni: desc(perEni) });
  });
}

interface PrefixRow {
  readonly type: string;
  readonly targets: Targets;
  readonly pods: number;
  readonly enis: number;
  readonly prefixesPerEni: readonly number[];
  readonly freePrefixes: number;
  readonly unusedIps: number;
  readonly podsPerPrefix?: readonly number[];
  /** Why the HEAD code differs from the doc's row, when it does. */
  readonly docDiffers?: string;
}

const WARM_PREFIX_1 = { warmPrefixTarget: 1 };
const P3DN_EXTRA_ENIS = 'doc shows extra ENIs, but the code fills the existing ENI first and ignores WARM_ENI_TARGET in prefix mode';
const PREFIX_ROWS: readonly PrefixRow[] = [
  { type: 't3.small', targets: WARM_PREFIX_1, pods: 0, enis: 1, prefixesPerEni: [1], freePrefixes: 1, unusedIps: 16, podsPerPrefix: [0] },
  { type: 't3.small', targets: WARM_PREFIX_1, pods: 5, enis: 1, prefixesPerEni: [2], freePrefixes: 1, unusedIps: 27, podsPerPrefix: [5, 0] },
  { type: 't3.small', targets: WARM_PREFIX_1, pods: 16, enis: 1, prefixesPerEni: [2], freePrefixes: 1, unusedIps: 16, podsPerPrefix: [16, 0] },
  { type: 't3.small', targets: WARM_PREFIX_1, pods: 17, enis: 1, prefixesPerEni: [3], freePrefixes: 1, unusedIps: 31, podsPerPrefix: [16, 1, 0] },
  { type: 't3.small', targets: WARM_PREFIX_1, pods: 58, enis: 2, prefixesPerEni: [3, 2], freePrefixes: 1, unusedIps: 22, podsPerPrefix: [16, 16, 16, 10, 0] },
  { type: 't3.small', targets: { warmIpTarget: 1, minimumIpTarget: 1 }, pods: 0, enis: 1, prefixesPerEni: [1], freePrefixes: 1, unusedIps: 16, podsPerPrefix: [0] },
  { type: 't3.small', targets: { warmIpTarget: 1, minimumIpTarget: 1 }, pods: 5, enis: 1, prefixesPerEni: [1], freePrefixes: 0, unusedIps: 11, podsPerPrefix: [5] },
  { type: 't3.small', targets: { warmIpTarget: 1, minimumIpTarget: 1 }, pods: 17, enis: 1, prefixesPerEni: [2], freePrefixes: 0, unusedIps: 15, podsPerPrefix: [16, 1] },
  { type: 't3.small', targets: { warmIpTarget: 1, minimumIpTarget: 1 }, pods: 58, enis: 2, prefixesPerEni: [3, 1], freePrefixes: 0, unusedIps: 6, podsPerPrefix: [16, 16, 16, 10] },
  {
    type: 't3.small', targets: { warmIpTarget: 7, minimumIpTarget: 20 }, pods: 0, enis: 1, prefixesPerEni: [2], freePrefixes: 2, unusedIps: 32, podsPerPrefix: [0, 0],
    docDiffers: 'doc says 1 prefix and 16 unused IPs, but short = max(7, 20) = 20 needs ceil(20/16) = 2 prefixes',
  },
  { type: 't3.small', targets: { warmIpTarget: 7, minimumIpTarget: 20 }, pods: 5, enis: 1, prefixesPerEni: [2], freePrefixes: 1, unusedIps: 27, podsPerPrefix: [5, 0] },
  { type: 't3.small', targets: { warmIpTarget: 7, minimumIpTarget: 20 }, pods: 17, enis: 1, prefixesPerEni: [2], freePrefixes: 0, unusedIps: 15, podsPerPrefix: [16, 1] },
  { type: 't3.small', targets: { warmIpTarget: 7, minimumIpTarget: 20 }, pods: 58, enis: 2, prefixesPerEni: [3, 2], freePrefixes: 1, unusedIps: 22, podsPerPrefix: [16, 16, 16, 10, 0] },
  { type: 'p3dn.24xlarge', targets: WARM_PREFIX_1, pods: 0, enis: 1, prefixesPerEni: [1], freePrefixes: 1, unusedIps: 16 },
  { type: 'p3dn.24xlarge', targets: WARM_PREFIX_1, pods: 3, enis: 1, prefixesPerEni: [2], freePrefixes: 1, unusedIps: 29, docDiffers: P3DN_EXTRA_ENIS },
  { type: 'p3dn.24xlarge', targets: WARM_PREFIX_1, pods: 95, enis: 1, prefixesPerEni: [7], freePrefixes: 1, unusedIps: 17, docDiffers: P3DN_EXTRA_ENIS },
  { type: 'p3dn.24xlarge', targets: { warmIpTarget: 5, minimumIpTarget: 10 }, pods: 0, enis: 1, prefixesPerEni: [1], freePrefixes: 1, unusedIps: 16 },
  { type: 'p3dn.24xlarge', targets: { warmIpTarget: 5, minimumIpTarget: 10 }, pods: 7, enis: 1, prefixesPerEni: [1], freePrefixes: 0, unusedIps: 9 },
  { type: 'p3dn.24xlarge', targets: { warmIpTarget: 5, minimumIpTarget: 10 }, pods: 15, enis: 1, prefixesPerEni: [2], freePrefixes: 1, unusedIps: 17 },
  { type: 'p3dn.24xlarge', targets: { warmIpTarget: 5, minimumIpTarget: 10 }, pods: 45, enis: 1, prefixesPerEni: [4], freePrefixes: 1, unusedIps: 19, docDiffers: P3DN_EXTRA_ENIS },
];

for (const row of PREFIX_ROWS) {
  const follows = row.docDiffers === undefined ? '' : ` (follows the code, not the doc: ${row.docDiffers})`;
  test(`decidePool() matches prefix-and-ip-target.md: ${row.type} ${JSON.stringify(row.targets)} with ${row.pods} pods${follows}`, () => {
    const described = describePool(replay(targetsFor(row.type, { poolMode: 'prefix', ...row.targets }), row.pods), true);
    assert.deepEqual(
      { enis: described.enis, prefixesPerEni: described.blocksPerEni, freePrefixes: described.freePrefixes, unusedIps: described.unusedIps },
      { enis: row.enis, prefixesPerEni: desc(row.prefixesPerEni), freePrefixes: row.freePrefixes, unusedIps: row.unusedIps });
    if (row.podsPerPrefix !== undefined) assert.deepEqual(described.podsPerPrefix, desc(row.podsPerPrefix));
  });
}
