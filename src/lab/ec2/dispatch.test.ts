import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Ec2Service } from './dispatch.ts';
import { dispatch } from './dispatch.ts';
import { Ec2ApiError } from './errors.ts';
import { Ec2Model } from './model/model.ts';
import { FAKE_ACTIONS, authorizationFor, elementText } from './server-test-kit.ts';
import { Throttle } from './throttle.ts';

function serviceWith(overrides: Partial<Ec2Service> = {}): Ec2Service {
  return {
    model: new Ec2Model({ accountId: '111122223333' }),
    actions: FAKE_ACTIONS,
    throttle: new Throttle({ clock: () => 0, buckets: { mutating: { max: 1, refillPerSecond: 1 } } }),
    permissions: { deny: { AKIDNOPE: ['*'] } },
    ...overrides,
  };
}

function codeOf(service: Ec2Service, body: string, accessKeyId: string | null = 'AKIDLAB'): string | undefined {
  const authorization = accessKeyId === null ? undefined : authorizationFor(accessKeyId);
  const reply = dispatch(service, { body, authorization, requestId: 'req-1' });
  return reply.status === 200 ? 'OK' : elementText(reply.xml, 'Code');
}

describe('dispatch()', () => {
  test('dispatch() parses before authenticating', () => {
    assert.equal(codeOf(serviceWith(), 'Value=1', null), 'MissingAction');
    assert.equal(codeOf(serviceWith(), 'Action=Echo', null), 'AuthFailure');
  });

  test('dispatch() checks permissions before DryRun, throttling and the action name', () => {
    const service = serviceWith();
    assert.equal(codeOf(service, 'Action=Bogus&DryRun=true', 'AKIDNOPE'), 'UnauthorizedOperation');
    assert.equal(codeOf(service, 'Action=Echo&DryRun=true'), 'DryRunOperation');
    assert.equal(codeOf(service, 'Action=Echo&DryRun=true'), 'DryRunOperation');
    assert.equal(codeOf(service, 'Action=Echo&DryRun=false'), 'OK');
  });

  test('dispatch() throttles before rejecting an unknown action', () => {
    const service = serviceWith();
    assert.equal(codeOf(service, 'Action=Bogus'), 'InvalidAction');
    assert.equal(codeOf(service, 'Action=Bogus'), 'RequestLimitExceeded');
    assert.equal(codeOf(service, 'Action=Echo'), 'RequestLimitExceeded');
    assert.equal(codeOf(serviceWith({ throttle: undefined }), 'Action=Bogus'), 'InvalidAction');
  });

  test('dispatch() passes the caller and parameters to the handler and renders its reply', () => {
    const reply = dispatch(serviceWith(), {
      body: 'Action=Echo&Value=v',
      authorization: authorizationFor('AKIDME'),
      requestId: 'req-7',
    });
    assert.equal(reply.status, 200);
    assert.match(reply.xml, /<EchoResponse [^>]*><requestId>req-7<\/requestId><value>v<\/value><accessKeyId>AKIDME<\/accessKeyId>/);
  });

  test('dispatch() returns handler Ec2ApiErrors with their status and hides other exceptions', () => {
    const seen: unknown[] = [];
    const service = serviceWith({
      throttle: undefined,
      actions: {
        Fails: () => {
          throw new Ec2ApiError('InvalidVpcID.NotFound', "The vpc ID 'vpc-1' does not exist");
        },
        Crashes: () => {
          throw new RangeError('secret detail');
        },
      },
      onInternalError: (error, action) => seen.push([error, action]),
    });
    const fails = dispatch(service, { body: 'Action=Fails', authorization: authorizationFor('K'), requestId: 'r' });
    assert.equal(fails.status, 400);
    assert.equal(elementText(fails.xml, 'Code'), 'InvalidVpcID.NotFound');
    const crashes = dispatch(service, { body: 'Action=Crashes', authorization: authorizationFor('K'), requestId: 'r' });
    assert.equal(crashes.status, 500);
    assert.equal(elementText(crashes.xml, 'Code'), 'InternalError');
    assert.doesNotMatch(crashes.xml, /secret detail/);
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as [unknown, string])[1], 'Crashes');
  });
});
