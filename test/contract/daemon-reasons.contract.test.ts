/**
 * The reasons an ADD on an empty pool gives when growth cannot help, against the EC2 emulator: `throttled`
 * when EC2 throttles the growth the ADD triggers (the emulator's request-rate buckets), `max-pods` when the
 * pool already holds max pods addresses. Each failure is checked whole: code, message (the condition only)
 * and detail facts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Env } from '../../src/core/config/index.ts';
import type { ThrottleCategory } from '../../src/lab/ec2/throttle.ts';
import { addPod, addRequest, secondaryIps, startDaemonKit } from './daemon-kit.ts';

/** Fast retries, so the adapter gives up on a throttled call well within the ADD's wait. */
const QUICK_RETRY = { maxAttempts: 2, backoff: { baseMs: 10, capMs: 20, jitter: 'full' } } as const;
const ADD_WAIT_MS = 1_500;

interface ThrottleCase {
  /** What grows the pool once the first addresses are taken. */
  readonly growth: string;
  readonly action: string;
  /** The bucket of that action, and its size: 0 tokens, or 1 for init's own call; never refilled. */
  readonly category: ThrottleCategory;
  readonly tokens: number;
  readonly env: Env;
  readonly pods: number;
}

const THROTTLE_CASES: readonly ThrottleCase[] = [
  { growth: 'a new ENI', action: 'CreateNetworkInterface', category: 'eni', tokens: 0, env: {}, pods: 5 },
  { growth: 'more addresses on the primary ENI', action: 'AssignPrivateIpAddresses', category: 'assign', tokens: 1, env: { WARM_IP_TARGET: '2' }, pods: 2 },
];

for (const scenario of THROTTLE_CASES) {
  test(`service.add() on an empty pool fails with throttled when EC2 throttles ${scenario.action} (${scenario.growth})`, async () => {
    const kit = await startDaemonKit({
      throttle: { buckets: { [scenario.category]: { max: scenario.tokens, refillPerSecond: 0 } } },
      ec2Retry: QUICK_RETRY,
    });
    try {
      const calls: string[] = [];
      const ipamd = kit.newIpamd(scenario.env, { addWaitMs: ADD_WAIT_MS, observer: { ec2Call: (action, outcome) => calls.push(`${action}:${outcome}`) } });
      await ipamd.init();
      for (let i = 0; i < scenario.pods; i++) await addPod(kit, ipamd, `pod-${i}`);
      const started = Date.now();
      const failed = await ipamd.service.add(addRequest('c-late', 'late'));
      const waited = Date.now() - started;
      assert.deepEqual(failed, {
        version: 'vpcnet.ipamd/1',
        reason: 'throttled',
        message: 'EC2 throttled the allocation of addresses (RequestLimitExceeded)',
      });
      assert.ok(calls.includes(`${scenario.action}:throttled`), `the growth was tried and throttled: ${calls.join(' ')}`);
      // Throttling passes, so the ADD waits its whole bounded time for the growth (and no longer).
      assert.ok(waited >= ADD_WAIT_MS - 100 && waited < ADD_WAIT_MS + 2_000, `waited ${waited} ms`);
      assert.equal(kit.attachedEnis().length, 1);
      assert.equal(kit.emu.model.state.networkInterfaces.size, 1, 'no ENI was made');
      assert.equal(secondaryIps(kit.attachedEnis()[0]!).length, scenario.pods);
    } finally {
      await kit.close();
    }
  });
}

test('service.add() fails at once with max-pods when the pool holds max pods addresses', async () => {
  const kit = await startDaemonKit();
  try {
    const ipamd = kit.newIpamd({}, { maxPods: 4 });
    await ipamd.init();
    for (let i = 0; i < 5; i++) await addPod(kit, ipamd, `pod-${i}`);
    const started = Date.now();
    const failed = await ipamd.service.add(addRequest('c-6', 'pod-6'));
    assert.deepEqual(failed, {
      version: 'vpcnet.ipamd/1',
      reason: 'max-pods',
      message: 'warm pool empty, max pods 4 reached on t3.medium (5 addresses held)',
      detail: { instanceType: 't3.medium', maxPods: 4 },
    });
    assert.ok(Date.now() - started < 1_000, 'growth cannot help, so the ADD does not wait');
    assert.equal(kit.attachedEnis().length, 1);
  } finally {
    await kit.close();
  }
});

test('service.add() in prefix mode fails with max-pods without asking EC2 for another prefix', async () => {
  const kit = await startDaemonKit();
  try {
    const assigns: string[] = [];
    const observer = { ec2Call: (action: string, outcome: string) => (action === 'AssignPrivateIpAddresses' ? assigns.push(outcome) : undefined) };
    const ipamd = kit.newIpamd({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }, { maxPods: 10, addWaitMs: ADD_WAIT_MS, observer });
    await ipamd.init();
    assert.deepEqual(assigns, ['ok'], 'init assigned one /28');
    // One /28 (16 addresses) already covers max pods 10: the pool does not grow past it.
    for (let i = 0; i < 16; i++) await addPod(kit, ipamd, `pod-${i}`);
    const started = Date.now();
    const failed = await ipamd.service.add(addRequest('c-17', 'pod-17'));
    assert.deepEqual(failed, {
      version: 'vpcnet.ipamd/1',
      reason: 'max-pods',
      message: 'warm pool empty, max pods 10 reached on t3.medium (16 addresses held)',
      detail: { instanceType: 't3.medium', maxPods: 10 },
    });
    assert.ok(Date.now() - started < 1_000, 'growth cannot help, so the ADD does not wait');
    assert.deepEqual(assigns, ['ok']);
    assert.equal(kit.attachedEnis()[0]?.ipv4Prefixes.length, 1);
  } finally {
    await kit.close();
  }
});
