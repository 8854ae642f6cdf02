import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareInstants, formatRfc3339Nano, formatUnixNanos, GO_ZERO_TIME, instantFromMs, parseUnixNanos } from './instant.ts';

test('parseUnixNanos() keeps every digit of int64 nanoseconds beyond 2^53', () => {
  const cases: [string, number, number][] = [
    ['1647904840550836685', 1_647_904_840_550, 836_685],
    ['1714560000123000000', 1_714_560_000_123, 0],
    ['0', 0, 0],
    ['999999', 0, 999_999],
    ['-1', -1, 999_999],
    ['-1000000', -1, 0],
    ['9223372036854775807', 9_223_372_036_854, 775_807],
  ];
  for (const [text, ms, subMsNanos] of cases) {
    assert.deepEqual(parseUnixNanos(text), { ms, subMsNanos }, text);
    assert.equal(formatUnixNanos(parseUnixNanos(text)), text);
  }
});

test('parseUnixNanos() refuses what Go refuses to decode into an int64', () => {
  for (const bad of ['1.5', '1e18', '', '-', '01', '+1', ' 1', '0x10']) assert.throws(() => parseUnixNanos(bad), SyntaxError, bad);
  for (const big of ['9223372036854775808', '-9223372036854775809']) assert.throws(() => parseUnixNanos(big), RangeError, big);
});

test('formatUnixNanos() of a millisecond instant appends six zeros, exactly', () => {
  assert.equal(formatUnixNanos(instantFromMs(1_736_935_200_000)), '1736935200000000000');
  assert.throws(() => instantFromMs(1.5), RangeError);
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (nanos) => formatUnixNanos(parseUnixNanos(nanos.toString())) === nanos.toString()));
});

test('formatRfc3339Nano() writes Go RFC3339Nano in UTC, trimming trailing zeros', () => {
  const cases: [Parameters<typeof formatRfc3339Nano>[0], string][] = [
    [undefined, GO_ZERO_TIME],
    [{ ms: 1_647_904_840_550, subMsNanos: 836_685 }, '2022-03-21T23:20:40.550836685Z'],
    [{ ms: 1_736_935_200_000, subMsNanos: 0 }, '2025-01-15T10:00:00Z'],
    [{ ms: 1_736_935_200_120, subMsNanos: 0 }, '2025-01-15T10:00:00.12Z'],
    [{ ms: 1_736_935_200_000, subMsNanos: 1 }, '2025-01-15T10:00:00.000000001Z'],
    [{ ms: -1, subMsNanos: 999_999 }, '1969-12-31T23:59:59.999999999Z'],
  ];
  for (const [instant, expected] of cases) assert.equal(formatRfc3339Nano(instant), expected);
  assert.equal(GO_ZERO_TIME, '0001-01-01T00:00:00Z');
});

test('compareInstants() orders by milliseconds then nanoseconds', () => {
  assert.ok(compareInstants({ ms: 1, subMsNanos: 999 }, { ms: 2, subMsNanos: 0 }) < 0);
  assert.ok(compareInstants({ ms: 2, subMsNanos: 5 }, { ms: 2, subMsNanos: 4 }) > 0);
  assert.equal(compareInstants({ ms: 2, subMsNanos: 4 }, { ms: 2, subMsNanos: 4 }), 0);
});
