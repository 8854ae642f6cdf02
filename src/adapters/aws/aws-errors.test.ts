import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2Error } from '../../core/aws/ec2-error.ts';
import { awsErrorCodeOf, isRetryableAwsError, malformedReply, toEc2Error } from './aws-errors.ts';
import { networkError, serviceError } from './aws-errors.test-support.ts';

test('awsErrorCodeOf() gives the service code, the system code or the error name', () => {
  assert.equal(awsErrorCodeOf(serviceError('PrivateIpAddressLimitExceeded', 400)), 'PrivateIpAddressLimitExceeded');
  assert.equal(awsErrorCodeOf(networkError('ECONNREFUSED')), 'ECONNREFUSED');
  assert.equal(awsErrorCodeOf(new DOMException('timed out', 'TimeoutError')), 'TimeoutError');
  assert.equal(awsErrorCodeOf('a string'), 'UnknownError');
});

test('isRetryableAwsError() retries throttling, server faults and network failures only', () => {
  assert.equal(isRetryableAwsError(serviceError('RequestLimitExceeded', 503)), true);
  assert.equal(isRetryableAwsError(serviceError('Throttling', 400)), true);
  assert.equal(isRetryableAwsError(serviceError('InternalError', 500)), true);
  assert.equal(isRetryableAwsError(serviceError('Unavailable', 503)), true);
  assert.equal(isRetryableAwsError(networkError('ECONNRESET')), true);
  assert.equal(isRetryableAwsError(new DOMException('timed out', 'TimeoutError')), true);
  for (const code of ['PrivateIpAddressLimitExceeded', 'AttachmentLimitExceeded', 'InsufficientFreeAddressesInSubnet', 'InsufficientCidrBlocks', 'InvalidNetworkInterfaceID.NotFound']) {
    assert.equal(isRetryableAwsError(serviceError(code, 400)), false, code);
  }
  assert.equal(isRetryableAwsError(serviceError('UnauthorizedOperation', 403)), false);
  assert.equal(isRetryableAwsError(new TypeError('a bug')), false);
});

test('toEc2Error() keeps the code and cause, names the action and picks the kind', () => {
  const cause = serviceError('InsufficientCidrBlocks', 400, 'There are not enough free cidr blocks in the specified subnet to satisfy the request.');
  const error = toEc2Error('AssignPrivateIpAddresses', cause);
  assert.ok(error instanceof Ec2Error);
  assert.equal(error.kind, 'no-cidr');
  assert.equal(error.code, 'InsufficientCidrBlocks');
  assert.equal(error.action, 'AssignPrivateIpAddresses');
  assert.equal(error.cause, cause);
  assert.match(error.message, /^AssignPrivateIpAddresses: InsufficientCidrBlocks: There are not enough/);
  assert.equal(toEc2Error('DescribeInstances', networkError('ECONNREFUSED')).kind, 'other');
  assert.equal(toEc2Error('X', error), error, 'an Ec2Error passes through');
});

test('malformedReply() is an Ec2Error of kind other', () => {
  const error = malformedReply('AttachNetworkInterface', new Error('the reply has no AttachmentId'));
  assert.deepEqual([error.kind, error.code, error.action], ['other', 'MalformedReply', 'AttachNetworkInterface']);
  assert.match(error.message, /AttachmentId/);
});
