/**
 * SdkEc2Api's error translation and throttling against the EC2 emulator: every Ec2Error kind the daemon
 * branches on, the adapter's bounded retries, and the client-side rate budget.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SdkEc2Api, DEFAULT_EC2_MAX_ATTEMPTS } from '../../src/adapters/aws/sdk-ec2-api.ts';
import type { SdkEc2ApiOptions } from '../../src/adapters/aws/sdk-ec2-api.ts';
import { Ec2Error } from '../../src/core/aws/ec2-error.ts';
import type { Ec2ErrorKind } from '../../src/core/aws/ec2-error.ts';
import { RateBudget } from '../../src/core/aws/rate-budget.ts';
import type { BucketSize } from '../../src/lab/ec2/throttle.ts';
import { launch, newNetwork } from './compute-helpers.ts';
import { ec2For, startTestEmulator } from './harness.ts';
import type { TestEmulator } from './harness.ts';

const DENIED_KEY = 'AKIDNOENIS';

let emu: TestEmulator;
let subnetId: string;
let smallSubnetId: string;

before(async () => {
  emu = await startTestEmulator({ permissions: { deny: { [DENIED_KEY]: ['CreateNetworkInterface', 'ec2:Attach*'] } } });
  ({ subnetIds: [subnetId = '', smallSubnetId = ''] } = await newNetwork(emu, '10.50.0.0/16', [{ cidr: '10.50.0.0/20' }, { cidr: '10.50.16.0/28' }]));
});

after(async () => emu.close());

/** An adapter on `emu` that records each attempt's outcome. */
function recordingApi(options: Partial<SdkEc2ApiOptions> = {}): { api: SdkEc2Api; outcomes: string[] } {
  const outcomes: string[] = [];
  const api = new SdkEc2Api({ client: emu.ec2, onCall: (_action, outcome) => outcomes.push(outcome), ...options });
  return { api, outcomes };
}

/** Asserts that `promise` fails with an Ec2Error of this kind, code and action, keeping the SDK error. */
async function assertEc2Error(promise: Promise<unknown>, expected: { kind: Ec2ErrorKind; code: string; action: string }): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof Ec2Error);
    assert.deepEqual({ kind: error.kind, code: error.code, action: error.action }, expected);
    assert.ok(error.message.startsWith(`${expected.action}: ${expected.code}: `), error.message);
    assert.equal((error.cause as Error).name, expected.code, 'the SDK error is kept as cause');
    return true;
  });
}

test('assignPrivateIps() fails with ip-limit past the t3.medium limit, without retrying', async () => {
  const { api, outcomes } = recordingApi();
  const instance = await api.describeInstance(await launch(emu, subnetId, 't3.medium'));
  const primaryId = instance.networkInterfaces[0]?.networkInterfaceId ?? '';
  outcomes.length = 0;
  await assertEc2Error(api.assignPrivateIps(primaryId, { count: 6 }), { kind: 'ip-limit', code: 'PrivateIpAddressLimitExceeded', action: 'AssignPrivateIpAddresses' });
  assert.deepEqual(outcomes, ['PrivateIpAddressLimitExceeded']);
});

test('attachNetworkInterface() fails with eni-limit on a full t3.medium', async () => {
  const { api, outcomes } = recordingApi();
  const instanceId = await launch(emu, subnetId, 't3.medium');
  for (const deviceIndex of [1, 2]) {
    const eni = await api.createNetworkInterface({ subnetId, description: `aws-K8S-${instanceId}`, groupIds: [], tags: {} });
    await api.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId, deviceIndex, networkCardIndex: 0 });
  }
  const extra = await api.createNetworkInterface({ subnetId, description: `aws-K8S-${instanceId}`, groupIds: [], tags: {} });
  outcomes.length = 0;
  const attach = api.attachNetworkInterface({ networkInterfaceId: extra.networkInterfaceId, instanceId, deviceIndex: 3, networkCardIndex: 0 });
  await assertEc2Error(attach, { kind: 'eni-limit', code: 'AttachmentLimitExceeded', action: 'AttachNetworkInterface' });
  assert.deepEqual(outcomes, ['AttachmentLimitExceeded']);
});

test('createNetworkInterface() fails with subnet-full and no-cidr on a /28', async () => {
  const { api, outcomes } = recordingApi();
  const request = { subnetId: smallSubnetId, description: 'aws-K8S-i-1', groupIds: [], tags: {} };
  // A /28 has 16 - 5 reserved = 11 addresses: a primary and 11 secondaries do not fit.
  await assertEc2Error(api.createNetworkInterface({ ...request, secondaryIpCount: 11 }), { kind: 'subnet-full', code: 'InsufficientFreeAddressesInSubnet', action: 'CreateNetworkInterface' });
  await assertEc2Error(api.createNetworkInterface({ ...request, prefixCount: 1 }), { kind: 'no-cidr', code: 'InsufficientCidrBlocks', action: 'CreateNetworkInterface' });
  assert.deepEqual(outcomes, ['InsufficientFreeAddressesInSubnet', 'InsufficientCidrBlocks']);
});

test('unknown ENIs and attachments fail with not-found', async () => {
  const { api, outcomes } = recordingApi();
  await assertEc2Error(api.assignPrivateIps('eni-0000000000000dead', { count: 1 }), { kind: 'not-found', code: 'InvalidNetworkInterfaceID.NotFound', action: 'AssignPrivateIpAddresses' });
  await assertEc2Error(api.detachNetworkInterface('eni-attach-0000000000000dead'), { kind: 'not-found', code: 'InvalidAttachmentID.NotFound', action: 'DetachNetworkInterface' });
  await assertEc2Error(api.describeInstance('i-0000000000000dead'), { kind: 'not-found', code: 'InvalidInstanceID.NotFound', action: 'DescribeInstances' });
  assert.equal(outcomes.length, 3);
});

test('a missing IAM permission fails with unauthorized, naming the action', async () => {
  const client = ec2For(emu.url, DENIED_KEY);
  const outcomes: string[] = [];
  const api = new SdkEc2Api({ client, onCall: (_action, outcome) => outcomes.push(outcome) });
  try {
    await assertEc2Error(api.createNetworkInterface({ subnetId, description: 'd', groupIds: [], tags: {} }), { kind: 'unauthorized', code: 'UnauthorizedOperation', action: 'CreateNetworkInterface' });
    await assert.rejects(api.attachNetworkInterface({ networkInterfaceId: 'eni-1', instanceId: 'i-1', deviceIndex: 1, networkCardIndex: 0 }), /not authorized to perform: ec2:AttachNetworkInterface/);
    assert.equal((await api.describeSubnets({})).length, 2, 'other actions stay allowed');
    assert.deepEqual(outcomes, ['UnauthorizedOperation', 'UnauthorizedOperation', 'ok']);
  } finally {
    client.destroy();
  }
});

/** An emulator whose throttle runs on `time`, and one m5.4xlarge node (30 IPs per ENI). */
async function throttledNode(assign: BucketSize, time: { now: number }): Promise<{ throttled: TestEmulator; eniId: string }> {
  const throttled = await startTestEmulator({ throttle: { buckets: { assign }, clock: () => time.now } });
  const { subnetIds: [nodeSubnet = ''] } = await newNetwork(throttled, '10.60.0.0/16', [{ cidr: '10.60.0.0/20' }]);
  const instanceId = await launch(throttled, nodeSubnet, 'm5.4xlarge');
  return { throttled, eniId: throttled.model.state.instances.get(instanceId)?.primaryNetworkInterfaceId ?? '' };
}

/** Adapter options on fake time: sleeping moves `time` on at once. */
function fakeTime(time: { now: number }): Pick<SdkEc2ApiOptions, 'clock' | 'sleep' | 'random'> {
  return {
    clock: { now: () => time.now },
    sleep: (ms) => {
      time.now += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
  };
}

test('assignPrivateIps() rides out a tiny throttle bucket with retries: 10 quick assigns all succeed', async () => {
  const time = { now: Date.now() };
  const { throttled, eniId } = await throttledNode({ max: 2, refillPerSecond: 10 }, time);
  const outcomes: string[] = [];
  const api = new SdkEc2Api({ client: throttled.ec2, ...fakeTime(time), onCall: (_action, outcome) => outcomes.push(outcome) });
  try {
    for (let i = 0; i < 10; i++) assert.equal((await api.assignPrivateIps(eniId, { count: 1 })).addresses.length, 1);
    assert.equal(throttled.model.state.networkInterfaces.get(eniId)?.privateIps.length, 11);
    assert.equal(outcomes.filter((outcome) => outcome === 'ok').length, 10);
    assert.ok(outcomes.includes('RequestLimitExceeded'), 'the bucket did throttle');
  } finally {
    await throttled.close();
  }
});

test('assignPrivateIps() rides out throttling in real time when 10 assigns race', async () => {
  const { throttled, eniId } = await throttledNode({ max: 2, refillPerSecond: 10 }, { get now() { return Date.now(); } });
  const api = new SdkEc2Api({ client: throttled.ec2, backoff: { baseMs: 50, capMs: 1000, jitter: 'decorrelated' } });
  try {
    const results = await Promise.all(Array.from({ length: 10 }, () => api.assignPrivateIps(eniId, { count: 1 })));
    assert.equal(new Set(results.flatMap((result) => result.addresses)).size, 10);
  } finally {
    await throttled.close();
  }
});

test('assignPrivateIps() ends in Ec2Error throttled after its bounded retries when the bucket never refills', async () => {
  const time = { now: Date.now() };
  const { throttled, eniId } = await throttledNode({ max: 1, refillPerSecond: 0 }, time);
  const outcomes: string[] = [];
  const api = new SdkEc2Api({ client: throttled.ec2, ...fakeTime(time), onCall: (_action, outcome) => outcomes.push(outcome) });
  try {
    await api.assignPrivateIps(eniId, { count: 1 });
    await assert.rejects(api.assignPrivateIps(eniId, { count: 1 }), { name: 'Ec2Error', kind: 'throttled', code: 'RequestLimitExceeded', action: 'AssignPrivateIpAddresses' });
    assert.deepEqual(outcomes, ['ok', ...Array<string>(DEFAULT_EC2_MAX_ATTEMPTS).fill('RequestLimitExceeded')]);
  } finally {
    await throttled.close();
  }
});

test('the client-side rate budget keeps RequestLimitExceeded answers low', async () => {
  const bucket = { max: 5, refillPerSecond: 5 };
  async function throttleAnswers(budget: RateBudget): Promise<number> {
    const time = { now: Date.now() };
    const { throttled, eniId } = await throttledNode(bucket, time);
    let answers = 0;
    const api = new SdkEc2Api({ client: throttled.ec2, ...fakeTime(time), budget, onCall: (_action, outcome) => void (outcome === 'RequestLimitExceeded' && answers++) });
    try {
      for (let i = 0; i < 20; i++) await api.assignPrivateIps(eniId, { count: 1 });
      return answers;
    } finally {
      await throttled.close();
    }
  }
  const withBudget = await throttleAnswers(new RateBudget({ share: 1, accountSizes: { assign: bucket } }));
  const withoutBudget = await throttleAnswers(new RateBudget({ share: 1, accountSizes: { assign: { max: 1e6, refillPerSecond: 1e6 } } }));
  assert.equal(withBudget, 0);
  assert.ok(withoutBudget >= 5, `without a budget EC2 throttled ${withoutBudget} times`);
});
