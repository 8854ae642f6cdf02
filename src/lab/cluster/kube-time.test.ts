import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageSince, humanDuration, kubeTimestamp, rfc1123z } from './kube-time.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration()', () => {
  it('matches apimachinery duration.HumanDuration on its own test table', () => {
    const cases: [number, string][] = [
      [1 * S, '1s'], [70 * S, '70s'], [190 * S, '3m10s'], [70 * M, '70m'], [47 * H, '47h'], [49 * H, '2d1h'],
      [(8 * 24 + 2) * H, '8d'], [367 * D, '367d'], [(365 * 2 * 24 + 25) * H, '2y1d'], [(365 * 8 * 24 + 2) * H, '8y'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
  });

  it('shows seconds up to 119s, then minutes and seconds below 10m', () => {
    assert.equal(humanDuration(0), '0s');
    assert.equal(humanDuration(45 * S), '45s');
    assert.equal(humanDuration(119 * S + 999), '119s');
    assert.equal(humanDuration(120 * S), '2m');
    assert.equal(humanDuration(3 * M + 12 * S), '3m12s');
    assert.equal(humanDuration(5 * M), '5m');
    assert.equal(humanDuration(9 * M + 59 * S + 999), '9m59s');
    assert.equal(humanDuration(10 * M), '10m');
    assert.equal(humanDuration(10 * M + 59 * S), '10m');
  });

  it('shows minutes below 3h, hours and minutes below 8h, hours below 48h', () => {
    assert.equal(humanDuration(179 * M + 59 * S), '179m');
    assert.equal(humanDuration(3 * H), '3h');
    assert.equal(humanDuration(2 * H + 3 * M), '123m');
    assert.equal(humanDuration(3 * H + 5 * M + 59 * S), '3h5m');
    assert.equal(humanDuration(7 * H + 59 * M), '7h59m');
    assert.equal(humanDuration(8 * H + 59 * M), '8h');
    assert.equal(humanDuration(47 * H + 59 * M), '47h');
  });

  it('shows days and hours below 8 days, days below 2 years, then years', () => {
    assert.equal(humanDuration(2 * D), '2d');
    assert.equal(humanDuration(3 * D + 5 * H + 30 * M), '3d5h');
    assert.equal(humanDuration(7 * D + 23 * H), '7d23h');
    assert.equal(humanDuration(8 * D + 23 * H), '8d');
    assert.equal(humanDuration(729 * D + 23 * H), '729d');
    assert.equal(humanDuration(730 * D), '2y');
    assert.equal(humanDuration(365 * 7 * D + 364 * D), '7y364d');
    assert.equal(humanDuration(365 * 20 * D + 100 * D), '20y');
  });

  it('tolerates up to 2 seconds of clock skew, and calls more <invalid>', () => {
    assert.equal(humanDuration(-500), '0s');
    assert.equal(humanDuration(-1 * S), '0s');
    assert.equal(humanDuration(-1 * S - 999), '0s');
    assert.equal(humanDuration(-2 * S), '<invalid>');
    assert.equal(humanDuration(-1 * H), '<invalid>');
  });
});

describe('ageSince()', () => {
  const now = new Date('2024-01-15T12:00:00.000Z');

  it('is the human duration from the timestamp to now', () => {
    assert.equal(ageSince('2024-01-15T11:56:48.000Z', now), '3m12s');
    assert.equal(ageSince('2024-01-12T07:00:00Z', now), '3d5h');
  });

  it('is <unknown> without a valid timestamp', () => {
    assert.equal(ageSince(undefined, now), '<unknown>');
    assert.equal(ageSince('not a time', now), '<unknown>');
  });
});

describe('rfc1123z()', () => {
  it("formats like Go's time.RFC1123Z in UTC", () => {
    assert.equal(rfc1123z('2024-01-15T09:05:03.999Z'), 'Mon, 15 Jan 2024 09:05:03 +0000');
    assert.equal(rfc1123z('2023-12-31T23:59:59Z'), 'Sun, 31 Dec 2023 23:59:59 +0000');
    assert.equal(rfc1123z('2024-02-29T10:00:00+02:00'), 'Thu, 29 Feb 2024 08:00:00 +0000');
  });
});

describe('kubeTimestamp()', () => {
  it('drops the milliseconds, as metav1.Time does in JSON', () => {
    assert.equal(kubeTimestamp('2024-01-15T09:05:03.999Z'), '2024-01-15T09:05:03Z');
    assert.equal(kubeTimestamp('2024-01-15T11:05:03+02:00'), '2024-01-15T09:05:03Z');
  });
});
