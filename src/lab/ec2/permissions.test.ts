import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ec2ApiError } from './errors.ts';
import { checkDryRun, checkPermission, isPermitted } from './permissions.ts';

describe('isPermitted()', () => {
  test('isPermitted() refuses denied actions to that key only', () => {
    const policy = { deny: { AKIDNOPE: ['CreateNetworkInterface', 'ec2:DeleteTags'] } };
    assert.equal(isPermitted(policy, 'AKIDNOPE', 'CreateNetworkInterface'), false);
    assert.equal(isPermitted(policy, 'AKIDNOPE', 'DeleteTags'), false);
    assert.equal(isPermitted(policy, 'AKIDNOPE', 'DescribeVpcs'), true);
    assert.equal(isPermitted(policy, 'AKIDLAB', 'CreateNetworkInterface'), true);
  });

  test('isPermitted() limits an allow-listed key to its patterns', () => {
    const policy = { allow: { AKIDRO: ['Describe*', 'CreateTags'] } };
    assert.equal(isPermitted(policy, 'AKIDRO', 'DescribeInstances'), true);
    assert.equal(isPermitted(policy, 'AKIDRO', 'CreateTags'), true);
    assert.equal(isPermitted(policy, 'AKIDRO', 'CreateTagsX'), false);
    assert.equal(isPermitted(policy, 'AKIDRO', 'RunInstances'), false);
    assert.equal(isPermitted(policy, 'OTHER', 'RunInstances'), true);
  });

  test('isPermitted() lets deny win over allow and supports *', () => {
    const policy = { allow: { K: ['*'] }, deny: { K: ['Delete*'], NONE: ['*'] } };
    assert.equal(isPermitted(policy, 'K', 'CreateVpc'), true);
    assert.equal(isPermitted(policy, 'K', 'DeleteVpc'), false);
    assert.equal(isPermitted(policy, 'NONE', 'DescribeVpcs'), false);
  });

  test('isPermitted() ignores inherited object properties as keys', () => {
    assert.equal(isPermitted({ allow: {} }, 'toString', 'DescribeVpcs'), true);
    assert.equal(isPermitted({ deny: {} }, '__proto__', 'DescribeVpcs'), true);
  });
});

describe('checkPermission()', () => {
  test('checkPermission() throws UnauthorizedOperation with the caller ARN and action', () => {
    const policy = { deny: { AKIDNOPE: ['CreateNetworkInterface'] } };
    const request = { accessKeyId: 'AKIDNOPE', action: 'CreateNetworkInterface', accountId: '123456789012' };
    assert.throws(() => checkPermission(policy, request), {
      name: 'Ec2ApiError',
      code: 'UnauthorizedOperation',
      httpStatus: 403,
      message:
        'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/AKIDNOPE ' +
        'is not authorized to perform: ec2:CreateNetworkInterface',
    });
    checkPermission(policy, { ...request, action: 'DescribeVpcs' });
  });
});

describe('checkDryRun()', () => {
  const policy = { deny: { AKIDNOPE: ['RunInstances'] } };
  const request = { accessKeyId: 'AKIDLAB', action: 'RunInstances', accountId: '123456789012' };

  test('checkDryRun() returns normally without DryRun', () => {
    checkDryRun(policy, { ...request, accessKeyId: 'AKIDNOPE', dryRun: false });
  });

  test('checkDryRun() throws DryRunOperation when permitted', () => {
    assert.throws(
      () => checkDryRun(policy, { ...request, dryRun: true }),
      (error: unknown) =>
        error instanceof Ec2ApiError &&
        error.code === 'DryRunOperation' &&
        error.httpStatus === 412 &&
        error.message === 'Request would have succeeded, but DryRun flag is set.',
    );
  });

  test('checkDryRun() throws UnauthorizedOperation when not permitted', () => {
    assert.throws(() => checkDryRun(policy, { ...request, accessKeyId: 'AKIDNOPE', dryRun: true }), {
      code: 'UnauthorizedOperation',
    });
  });
});
