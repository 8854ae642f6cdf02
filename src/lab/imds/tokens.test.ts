import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStore, parseTokenTtl } from './tokens.ts';
import { FakeClock } from './test-fixtures.ts';

test('parseTokenTtl() accepts 1..21600 seconds only', () => {
  assert.equal(parseTokenTtl('1'), 1);
  assert.equal(parseTokenTtl('21600'), 21600);
  assert.equal(parseTokenTtl(' 60 '), 60);
  for (const bad of [undefined, '', '0', '21601', '-5', '1.5', 'abc', '60s', '999999']) {
    assert.equal(parseTokenTtl(bad), undefined, String(bad));
  }
});

test('TokenStore.check() accepts a token until its TTL has passed', () => {
  const clock = new FakeClock();
  const tokens = new TokenStore(clock.read);
  const token = tokens.issue('i-1', 60);
  assert.deepEqual(tokens.check(token, 'i-1'), { valid: true, remainingSeconds: 60 });
  clock.advance(59_500);
  assert.deepEqual(tokens.check(token, 'i-1'), { valid: true, remainingSeconds: 1 });
  clock.advance(500);
  assert.deepEqual(tokens.check(token, 'i-1'), { valid: false, reason: 'expired' });
});

test('TokenStore.check() rejects a token of another instance and unknown tokens', () => {
  const tokens = new TokenStore(new FakeClock().read);
  const token = tokens.issue('i-1', 60);
  assert.deepEqual(tokens.check(token, 'i-2'), { valid: false, reason: 'wrong-instance' });
  assert.deepEqual(tokens.check(`${token}x`, 'i-1'), { valid: false, reason: 'unknown' });
});

test('TokenStore.issue() makes distinct tokens and drops expired ones', () => {
  const clock = new FakeClock();
  const tokens = new TokenStore(clock.read);
  const first = tokens.issue('i-1', 1);
  const second = tokens.issue('i-1', 1);
  assert.notEqual(first, second);
  assert.ok(first.length >= 40);
  clock.advance(1000);
  tokens.issue('i-1', 1);
  assert.equal(tokens.size, 1);
});
