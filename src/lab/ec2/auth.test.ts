import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialScopeOf } from './auth.ts';

const VALID =
  'AWS4-HMAC-SHA256 Credential=AKIDLAB/20240101/us-west-2/ec2/aws4_request, ' +
  'SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef';

describe('credentialScopeOf()', () => {
  test('credentialScopeOf() reads the access key id, date, region and service', () => {
    assert.deepEqual(credentialScopeOf(VALID), {
      accessKeyId: 'AKIDLAB',
      date: '20240101',
      region: 'us-west-2',
      service: 'ec2',
    });
    assert.equal(credentialScopeOf(VALID.replaceAll(', ', ',')).accessKeyId, 'AKIDLAB');
  });

  test('credentialScopeOf() rejects missing or garbled headers with AuthFailure', () => {
    const garbled = [
      undefined,
      '',
      'Bearer abc',
      'AWS4-HMAC-SHA256',
      VALID.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
      VALID.replace('/ec2/', '/s3/'),
      VALID.replace('/aws4_request', '/aws4'),
      VALID.replace('20240101', '2024-01-01'),
      VALID.replace('AKIDLAB', ''),
      VALID.replace('AKIDLAB', 'AKID<LAB>'),
      VALID.replace('/us-west-2', ''),
      VALID.replace('Signature=0123456789abcdef', 'Signature=xyz'),
      VALID.replace(', Signature=0123456789abcdef', ''),
      VALID.replace('SignedHeaders', 'Headers'),
    ];
    for (const header of garbled) {
      assert.throws(() => credentialScopeOf(header), {
        name: 'Ec2ApiError',
        code: 'AuthFailure',
        httpStatus: 401,
        message: 'AWS was not able to validate the provided access credentials',
      }, String(header));
    }
  });
});
