import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Backoff, decorrelatedJitterDelay, fullJitterDelay } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';

const FULL: BackoffPolicy = { baseMs: 100, capMs: 1000, jitter: 'full' };
const DECORRELATED: BackoffPolicy = { baseMs: 100, capMs: 1000, jitter: 'decorrelated' };
const ALMOST_ONE = 1 - Number.EPSILON;

test('fullJitterDelay() draws from [0, base * 2^retry), capped', () => {
  assert.equal(fullJitterDelay(FULL, 0, () => 0), 0);
  assert.equal(fullJitterDelay(FULL, 0, () => 0.5), 50);
  assert.equal(fullJitterDelay(FULL, 2, () => 0.5), 200);
  assert.equal(fullJitterDelay(FULL, 10, () => 0.5), 500, 'capped at 1000');
  assert.equal(fullJitterDelay(FULL, 3, () => ALMOST_ONE), 799);
});

test('decorrelatedJitterDelay() draws from [base, previous * 3), capped', () => {
  assert.equal(decorrelatedJitterDelay(DECORRELATED, 100, () => 0), 100);
  assert.equal(decorrelatedJitterDelay(DECORRELATED, 100, () => 0.5), 200);
  assert.equal(decorrelatedJitterDelay(DECORRELATED, 300, () => 0.5), 500);
  assert.equal(decorrelatedJitterDelay(DECORRELATED, 900, () => ALMOST_ONE), 1000);
});

test('Backoff.next() grows with full jitter and stays under the cap', () => {
  const backoff = new Backoff(FULL, () => ALMOST_ONE);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => backoff.next()), [99, 199, 399, 799, 999]);
  backoff.reset();
  assert.equal(backoff.next(), 99);
});

test('Backoff.next() feeds each decorrelated delay into the next', () => {
  const backoff = new Backoff(DECORRELATED, () => ALMOST_ONE);
  assert.deepEqual([1, 2, 3].map(() => backoff.next()), [299, 896, 1000]);
});

test('Backoff() rejects a cap below the base', () => {
  assert.throws(() => new Backoff({ baseMs: 10, capMs: 5, jitter: 'full' }, Math.random), RangeError);
});

test('Backoff.next() always lies within [0, cap] and decorrelated delays never fall below the base', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: ALMOST_ONE, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.boolean(), (draws, full) => {
      const policy = full ? FULL : DECORRELATED;
      let index = 0;
      const backoff = new Backoff(policy, () => draws[index++ % draws.length] ?? 0);
      for (let i = 0; i < draws.length; i++) {
        const delay = backoff.next();
        assert.ok(delay >= (full ? 0 : policy.baseMs) && delay <= policy.capMs);
      }
    }),
  );
});
