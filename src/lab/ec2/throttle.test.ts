import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ec2ApiError } from './errors.ts';
import { Throttle, categoryOf } from './throttle.ts';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function takeAll(throttle: Throttle, action: string, count: number): void {
  for (let i = 0; i < count; i++) throttle.take(action);
}

function assertThrottled(throttle: Throttle, action: string): void {
  assert.throws(
    () => throttle.take(action),
    (error: unknown) =>
      error instanceof Ec2ApiError &&
      error.code === 'RequestLimitExceeded' &&
      error.message === 'Request limit exceeded.' &&
      error.httpStatus === 503,
  );
}

describe('categoryOf()', () => {
  test('categoryOf() puts actions in EC2 throttling categories', () => {
    assert.equal(categoryOf('DescribeNetworkInterfaces'), 'describe');
    assert.equal(categoryOf('AssignPrivateIpAddresses'), 'assign');
    assert.equal(categoryOf('UnassignIpv6Addresses'), 'assign');
    assert.equal(categoryOf('CreateNetworkInterface'), 'eni');
    assert.equal(categoryOf('DeleteNetworkInterface'), 'eni');
    assert.equal(categoryOf('ModifyNetworkInterfaceAttribute'), 'modify-eni');
    assert.equal(categoryOf('CreateTags'), 'tags');
    assert.equal(categoryOf('DeleteTags'), 'tags');
    assert.equal(categoryOf('AttachNetworkInterface'), 'mutating');
    assert.equal(categoryOf('RunInstances'), 'mutating');
  });
});

describe('Throttle', () => {
  test('take() allows 50 mutating calls at once, refuses the 51st, and allows one more after 200 ms', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now });
    takeAll(throttle, 'AttachNetworkInterface', 50);
    assertThrottled(throttle, 'RunInstances');
    clock.advance(199);
    assertThrottled(throttle, 'AttachNetworkInterface');
    clock.advance(1);
    throttle.take('AttachNetworkInterface');
    assertThrottled(throttle, 'AttachNetworkInterface');
  });

  test('take() gives describe calls a bucket of 100 refilling 20 per second', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now });
    takeAll(throttle, 'DescribeVpcs', 60);
    takeAll(throttle, 'DescribeSubnets', 40);
    assertThrottled(throttle, 'DescribeInstances');
    throttle.take('CreateTags');
    clock.advance(1000);
    takeAll(throttle, 'DescribeVpcs', 20);
    assertThrottled(throttle, 'DescribeVpcs');
  });

  test('take() gives CreateNetworkInterface and DeleteNetworkInterface separate buckets', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now });
    takeAll(throttle, 'CreateNetworkInterface', 100);
    assertThrottled(throttle, 'CreateNetworkInterface');
    takeAll(throttle, 'DeleteNetworkInterface', 100);
    assertThrottled(throttle, 'DeleteNetworkInterface');
    takeAll(throttle, 'AssignPrivateIpAddresses', 100);
    takeAll(throttle, 'ModifyNetworkInterfaceAttribute', 100);
    takeAll(throttle, 'CreateTags', 100);
    takeAll(throttle, 'RunInstances', 50);
  });

  test('available() refills up to the bucket size and never beyond', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now });
    takeAll(throttle, 'CreateTags', 100);
    clock.advance(500);
    assert.equal(throttle.available('DeleteTags'), 5);
    clock.advance(3_600_000);
    assert.equal(throttle.available('DeleteTags'), 100);
  });

  test('take() ignores a clock that goes backwards', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now });
    takeAll(throttle, 'RunInstances', 50);
    clock.advance(-10_000);
    assertThrottled(throttle, 'RunInstances');
    clock.advance(10_200);
    throttle.take('RunInstances');
  });

  test('take() uses overridden bucket sizes', () => {
    const clock = fakeClock();
    const throttle = new Throttle({ clock: clock.now, buckets: { mutating: { max: 2, refillPerSecond: 1 } } });
    takeAll(throttle, 'RunInstances', 2);
    assertThrottled(throttle, 'RunInstances');
    clock.advance(1000);
    throttle.take('RunInstances');
    takeAll(throttle, 'DescribeVpcs', 100);
  });
});
