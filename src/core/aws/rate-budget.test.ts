import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EC2_BUCKET_SIZES, RateBudget, nodeBucketSize, rateCategoryOf } from './rate-budget.ts';

test('rateCategoryOf() puts the daemon actions in EC2 categories', () => {
  assert.equal(rateCategoryOf('DescribeNetworkInterfaces'), 'describe');
  assert.equal(rateCategoryOf('DescribeInstanceTypes'), 'describe');
  assert.equal(rateCategoryOf('AssignPrivateIpAddresses'), 'assign');
  assert.equal(rateCategoryOf('UnassignPrivateIpAddresses'), 'assign');
  assert.equal(rateCategoryOf('CreateNetworkInterface'), 'eni');
  assert.equal(rateCategoryOf('DeleteNetworkInterface'), 'eni');
  assert.equal(rateCategoryOf('ModifyNetworkInterfaceAttribute'), 'modify-eni');
  assert.equal(rateCategoryOf('CreateTags'), 'tags');
  assert.equal(rateCategoryOf('AttachNetworkInterface'), 'mutating');
  assert.equal(rateCategoryOf('DetachNetworkInterface'), 'mutating');
});

test('RateBudget() uses half of each EC2 bucket by default', () => {
  const budget = new RateBudget();
  assert.deepEqual(budget.sizeOf('DescribeSubnets'), { max: 50, refillPerSecond: 10 });
  assert.deepEqual(budget.sizeOf('AssignPrivateIpAddresses'), { max: 50, refillPerSecond: 2.5 });
  assert.deepEqual(budget.sizeOf('CreateTags'), { max: 50, refillPerSecond: 5 });
  assert.deepEqual(budget.sizeOf('AttachNetworkInterface'), { max: 25, refillPerSecond: 2.5 });
});

test('RateBudget() takes a share and account sizes', () => {
  const budget = new RateBudget({ share: 1, accountSizes: { assign: { max: 200, refillPerSecond: 10 } } });
  assert.deepEqual(budget.sizeOf('AssignPrivateIpAddresses'), { max: 200, refillPerSecond: 10 });
  assert.deepEqual(budget.sizeOf('CreateNetworkInterface'), EC2_BUCKET_SIZES.eni);
});

test('RateBudget() rejects a share outside (0, 1] and buckets that never grant', () => {
  assert.throws(() => new RateBudget({ share: 0 }), RangeError);
  assert.throws(() => new RateBudget({ share: 1.5 }), RangeError);
  assert.throws(() => new RateBudget({ share: Number.NaN }), RangeError);
  assert.throws(() => new RateBudget({ accountSizes: { tags: { max: 10, refillPerSecond: 0 } } }), /tags/);
  assert.throws(() => new RateBudget({ accountSizes: { tags: { max: 0.5, refillPerSecond: 1 } } }), RangeError);
});

test('nodeBucketSize() never goes below one request', () => {
  assert.deepEqual(nodeBucketSize({ max: 1, refillPerSecond: 1 }, 0.1), { max: 1, refillPerSecond: 0.1 });
});

test('reserve() grants the whole bucket at once, then says how long to wait for the next token', () => {
  const budget = new RateBudget({ share: 1, accountSizes: { assign: { max: 3, refillPerSecond: 5 } } });
  const now = 1_000_000;
  assert.deepEqual([0, 1, 2].map(() => budget.reserve('AssignPrivateIpAddresses', now)), [0, 0, 0]);
  assert.equal(budget.reserve('AssignPrivateIpAddresses', now), 200);
  assert.equal(budget.reserve('AssignPrivateIpAddresses', now + 150), 50, 'a refused reserve takes nothing');
  assert.equal(budget.reserve('AssignPrivateIpAddresses', now + 200), 0);
  assert.equal(budget.reserve('AssignPrivateIpAddresses', now + 200), 200);
});

test('reserve() keeps one bucket per action, as EC2 evaluates each API individually', () => {
  const budget = new RateBudget({ share: 1, accountSizes: { assign: { max: 1, refillPerSecond: 1 } } });
  assert.equal(budget.reserve('AssignPrivateIpAddresses', 0), 0);
  assert.equal(budget.reserve('UnassignPrivateIpAddresses', 0), 0);
  assert.equal(budget.reserve('AssignPrivateIpAddresses', 0), 1000);
});

test('reserve() refills no further than the bucket size', () => {
  const budget = new RateBudget({ share: 1, accountSizes: { tags: { max: 2, refillPerSecond: 10 } } });
  budget.reserve('CreateTags', 0);
  assert.equal(budget.available('CreateTags', 60_000), 2);
});

test('drain() empties the bucket after EC2 throttled the action', () => {
  const budget = new RateBudget();
  budget.drain('AttachNetworkInterface', 0);
  assert.equal(budget.reserve('AttachNetworkInterface', 0), 400);
  assert.equal(budget.reserve('DetachNetworkInterface', 0), 0, 'other actions keep their tokens');
});

test('reserve() never grants more than max + refill * elapsed within any run of calls', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 200 }), (gaps) => {
      const budget = new RateBudget({ share: 1, accountSizes: { assign: { max: 4, refillPerSecond: 5 } } });
      let now = 0;
      let granted = 0;
      for (const gap of gaps) {
        now += gap;
        if (budget.reserve('AssignPrivateIpAddresses', now) === 0) granted += 1;
      }
      assert.ok(granted <= 4 + (now * 5) / 1000 + 1e-9);
    }),
  );
});

test('reserve() grants after exactly the wait it announced', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.1, max: 100, noNaN: true }), (max, refill) => {
      const budget = new RateBudget({ share: 1, accountSizes: { mutating: { max, refillPerSecond: refill } } });
      for (let i = 0; i < max; i++) budget.reserve('AttachNetworkInterface', 0);
      const wait = budget.reserve('AttachNetworkInterface', 0);
      assert.ok(wait > 0);
      assert.equal(budget.reserve('AttachNetworkInterface', wait), 0);
    }),
  );
});
