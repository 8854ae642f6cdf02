import type { Instant } from './types.ts';

const NANOS_PER_MS = 1_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** What Go's `time.Time{}` marshals to: the zero time, shown for addresses never released. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** The instant at a whole millisecond. */
export function instantFromMs(ms: number): Instant {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`Cannot make an instant: ${ms} is not an integer number of milliseconds`);
  return { ms, subMsNanos: 0 };
}

/** Unix nanoseconds as decimal text (Go's `UnixNano()`), exact beyond 2^53. */
export function formatUnixNanos(instant: Instant): string {
  return (BigInt(instant.ms) * NANOS_PER_MS + BigInt(instant.subMsNanos)).toString();
}

/**
 * Parses unix nanoseconds written as a JSON integer (`1714560000123456789`), exactly: Go's int64 range,
 * no fraction or exponent (Go refuses to decode those into an int64). `SyntaxError`/`RangeError` otherwise.
 */
export function parseUnixNanos(text: string): Instant {
  if (!/^-?(0|[1-9][0-9]*)$/.test(text)) throw new SyntaxError(`Cannot parse unix nanoseconds: "${text}" is not an integer`);
  const nanos = BigInt(text);
  if (nanos > INT64_MAX || nanos < INT64_MIN) throw new RangeError(`Cannot parse unix nanoseconds: "${text}" overflows int64`);
  // Floor division, so that the sub-millisecond part is never negative.
  let ms = nanos / NANOS_PER_MS;
  if (nanos < 0n && ms * NANOS_PER_MS !== nanos) ms -= 1n;
  return { ms: Number(ms), subMsNanos: Number(nanos - ms * NANOS_PER_MS) };
}

/**
 * Formats as Go's `time.RFC3339Nano` in UTC (`2024-05-01T12:00:00.1234Z`: fraction without trailing zeros,
 * none when whole); undefined gives Go's zero time.
 */
export function formatRfc3339Nano(instant: Instant | undefined): string {
  if (instant === undefined) return GO_ZERO_TIME;
  const seconds = new Date(instant.ms).toISOString().slice(0, 19);
  const msInSecond = ((instant.ms % 1000) + 1000) % 1000;
  const fraction = String(msInSecond * 1_000_000 + instant.subMsNanos).padStart(9, '0').replace(/0+$/, '');
  return fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`;
}

/** Orders instants: negative when `a` is earlier. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.subMsNanos - b.subMsNanos;
}
