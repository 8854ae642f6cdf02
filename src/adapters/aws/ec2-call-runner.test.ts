import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2Error } from '../../core/aws/ec2-error.ts';
import { RateBudget } from '../../core/aws/rate-budget.ts';
import { networkError, serviceError } from './aws-errors.test-support.ts';
import { Ec2CallRunner } from './ec2-call-runner.ts';
import type { Ec2CallSettings } from './ec2-call-runner.ts';

/** A runner on fake time: sleeping moves the clock; every sleep and attempt is recorded. */
function fakeRunner(overrides: Partial<Ec2CallSettings> = {}): { runner: Ec2CallRunner; sleeps: number[]; calls: [string, string][]; time: { now: number } } {
  const time = { now: 1_000_000 };
  const sleeps: number[] = [];
  const calls: [string, string][] = [];
  const runner = new Ec2CallRunner({
    clock: { now: () => time.now },
    sleep: (ms) => {
      sleeps.push(ms);
      time.now += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    budget: new RateBudget({ share: 1 }),
    maxAttempts: 4,
    backoff: { baseMs: 100, capMs: 1000, jitter: 'full' },
    attemptTimeoutMs: 1000,
    onCall: (action, outcome) => calls.push([action, outcome]),
    ...overrides,
  });
  return { runner, sleeps, calls, time };
}

/** A send function that fails with the given errors in turn, then answers `reply`. */
function failingThen<T>(errors: Error[], reply: T): { send: () => Promise<T>; attempts: () => number } {
  let attempts = 0;
  return {
    send: () => {
      const error = errors[attempts++];
      return error === undefined ? Promise.resolve(reply) : Promise.reject(error);
    },
    attempts: () => attempts,
  };
}

test('call() retries RequestLimitExceeded with backoff and then returns the mapped reply', async () => {
  const { runner, sleeps, calls } = fakeRunner({ budget: new RateBudget({ share: 1, accountSizes: { assign: { max: 100, refillPerSecond: 1000 } } }) });
  const fake = failingThen([serviceError('RequestLimitExceeded', 503), serviceError('RequestLimitExceeded', 503)], { n: 2 });
  const result = await runner.call('AssignPrivateIpAddresses', fake.send, (reply) => reply.n * 10);
  assert.equal(result, 20);
  assert.equal(fake.attempts(), 3);
  assert.deepEqual(calls, [
    ['AssignPrivateIpAddresses', 'RequestLimitExceeded'],
    ['AssignPrivateIpAddresses', 'RequestLimitExceeded'],
    ['AssignPrivateIpAddresses', 'ok'],
  ]);
  assert.ok(sleeps.includes(50) && sleeps.includes(100), `backoff 50 then 100 ms, got ${sleeps.join(',')}`);
});

test('call() ends in Ec2Error kind throttled after maxAttempts', async () => {
  const { runner, calls } = fakeRunner();
  const fake = failingThen(Array.from({ length: 10 }, () => serviceError('RequestLimitExceeded', 503)), 'never');
  await assert.rejects(runner.call('AttachNetworkInterface', fake.send, (reply) => reply), (error) => {
    assert.ok(error instanceof Ec2Error);
    assert.deepEqual([error.kind, error.code, error.action], ['throttled', 'RequestLimitExceeded', 'AttachNetworkInterface']);
    return true;
  });
  assert.equal(fake.attempts(), 4);
  assert.equal(calls.length, 4);
});

test('call() never retries limit, not-found or permission errors', async () => {
  for (const [code, kind] of [
    ['PrivateIpAddressLimitExceeded', 'ip-limit'],
    ['AttachmentLimitExceeded', 'eni-limit'],
    ['InsufficientFreeAddressesInSubnet', 'subnet-full'],
    ['InvalidAttachmentID.NotFound', 'not-found'],
    ['UnauthorizedOperation', 'unauthorized'],
  ] as const) {
    const { runner, sleeps } = fakeRunner();
    const fake = failingThen([serviceError(code, code === 'UnauthorizedOperation' ? 403 : 400)], 'ok');
    await assert.rejects(runner.call('CreateNetworkInterface', fake.send, (reply) => reply), { name: 'Ec2Error', kind, code });
    assert.equal(fake.attempts(), 1, code);
    assert.deepEqual(sleeps, []);
  }
});

test('call() retries server faults and network failures', async () => {
  const { runner } = fakeRunner();
  const fake = failingThen([serviceError('InternalError', 500), networkError('ECONNRESET'), new DOMException('timed out', 'TimeoutError')], 'done');
  assert.equal(await runner.call('DescribeInstances', fake.send, (reply) => reply), 'done');
  assert.equal(fake.attempts(), 4);
});

test('call() waits for the rate budget before sending', async () => {
  const budget = new RateBudget({ share: 1, accountSizes: { mutating: { max: 2, refillPerSecond: 4 } } });
  const { runner, sleeps } = fakeRunner({ budget });
  const send = () => Promise.resolve('ok');
  for (let i = 0; i < 4; i++) await runner.call('DetachNetworkInterface', send, (reply) => reply);
  assert.deepEqual(sleeps, [250, 250]);
});

test('call() empties the budget bucket when EC2 throttles, so the next call waits', async () => {
  const budget = new RateBudget({ share: 1, accountSizes: { tags: { max: 100, refillPerSecond: 10 } } });
  const { runner, sleeps, time } = fakeRunner({ budget, maxAttempts: 1 });
  await assert.rejects(runner.call('CreateTags', failingThen([serviceError('RequestLimitExceeded', 503)], 'x').send, (r) => r));
  assert.equal(budget.available('CreateTags', time.now), 0);
  await runner.call('CreateTags', () => Promise.resolve('ok'), (reply) => reply);
  assert.deepEqual(sleeps, [100]);
});

test('call() reports a reply the map rejects as MalformedReply', async () => {
  const { runner } = fakeRunner();
  await assert.rejects(
    runner.call('AttachNetworkInterface', () => Promise.resolve({}), () => {
      throw new Error('the reply has no AttachmentId');
    }),
    { name: 'Ec2Error', kind: 'other', code: 'MalformedReply' },
  );
});

test('call() gives each attempt an abort signal that fires at the attempt timeout', async () => {
  const { runner } = fakeRunner({ attemptTimeoutMs: 20, maxAttempts: 2 });
  let attempts = 0;
  const hang = (signal: AbortSignal): Promise<string> => {
    attempts++;
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  };
  await assert.rejects(runner.call('DescribeSubnets', hang, (reply) => reply), { name: 'Ec2Error', code: 'TimeoutError' });
  assert.equal(attempts, 2, 'a timed-out attempt is retried');
});

test('Ec2CallRunner() rejects fewer than one attempt', () => {
  assert.throws(() => fakeRunner({ maxAttempts: 0 }), RangeError);
});
