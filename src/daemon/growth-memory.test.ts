import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2Error } from '../core/aws/ec2-error.ts';
import type { Ec2ErrorKind } from '../core/aws/ec2-error.ts';
import { GrowthMemory, growthFailureReason, SUBNET_BACKOFF_MS } from './growth-memory.ts';

function ec2Error(kind: Ec2ErrorKind): Ec2Error {
  return new Ec2Error({ kind, action: 'CreateNetworkInterface', code: kind, message: kind });
}

test('growthFailureReason() maps EC2 error kinds to ADD reasons', () => {
  assert.deepEqual(
    (['subnet-full', 'no-cidr', 'eni-limit', 'ip-limit', 'throttled', 'unauthorized'] as const).map((kind) => growthFailureReason(ec2Error(kind))),
    ['subnet-full', 'no-contiguous-28', 'eni-limit', 'eni-limit', 'throttled', 'other'],
  );
  assert.equal(growthFailureReason(new Error('x')), 'other');
});

test('GrowthMemory.backoff() holds a subnet failure for 120 s, whatever fails after it', () => {
  const memory = new GrowthMemory();
  memory.recordFailure(ec2Error('subnet-full'), 'subnet-1', 1_000);
  memory.recordFailure(ec2Error('throttled'), undefined, 2_000);
  assert.equal(memory.backoff(1_000 + SUBNET_BACKOFF_MS - 1)?.subnetId, 'subnet-1');
  assert.equal(memory.backoff(1_000 + SUBNET_BACKOFF_MS), undefined);
  assert.equal(memory.lastFailure()?.reason, 'throttled');
  memory.recordSuccess();
  assert.equal(memory.lastFailure(), undefined);
});
