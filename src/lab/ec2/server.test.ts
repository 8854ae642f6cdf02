import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachNetworkInterfaceCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcsCommand,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { ec2For, startTestEmulator } from '../../../test/contract/harness.ts';
import { Ec2Model } from './model/model.ts';
import type { Ec2Server } from './server.ts';
import { startEc2Server } from './server.ts';
import { FAKE_ACTIONS, authorizationFor, elementText, postForm } from './server-test-kit.ts';

/** Asserts that `promise` rejects with an SDK service error of AWS code `name` and HTTP `status`. */
async function assertSdkError(promise: Promise<unknown>, name: string, status: number): Promise<EC2ServiceException> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EC2ServiceException, `expected EC2ServiceException, got ${String(error)}`);
    assert.equal(error.name, name);
    assert.equal(error.$metadata.httpStatusCode, status);
    return error;
  }
  assert.fail(`expected ${name}`);
}

describe('startEc2Server()', () => {
  let server: Ec2Server;
  let now = 1_000_000;
  const internalErrors: unknown[] = [];

  before(async () => {
    server = await startEc2Server({
      model: new Ec2Model(),
      actions: FAKE_ACTIONS,
      throttle: { clock: () => now },
      permissions: { deny: { AKIDNOPE: ['AttachNetworkInterface', 'Echo'] } },
      onInternalError: (error) => internalErrors.push(error),
    });
  });
  after(() => server.close());

  test('startEc2Server() answers a form POST at any path with the action reply XML', async () => {
    const reply = await postForm(`${server.url}some/path?x=1`, 'Action=Echo&Version=2016-11-15&Value=a%3Cb+c&Item.2=y&Item.1=x');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), 'text/xml;charset=UTF-8');
    const requestId = reply.headers.get('x-amzn-requestid') ?? '';
    assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(
      reply.text,
      '<?xml version="1.0" encoding="UTF-8"?>\n<EchoResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
        `<requestId>${requestId}</requestId><value>a&lt;b c</value><accessKeyId>AKIDLAB</accessKeyId>` +
        '<itemSet><item>x</item><item>y</item></itemSet></EchoResponse>',
    );
  });

  test('startEc2Server() gives every reply a fresh request id, in the header and the body', async () => {
    const replies = await Promise.all([postForm(server.url, 'Action=Echo'), postForm(server.url, 'Nope=1')]);
    const ids = replies.map((reply) => reply.headers.get('x-amzn-requestid'));
    assert.notEqual(ids[0], ids[1]);
    assert.equal(elementText(replies[0].text, 'requestId'), ids[0]);
    assert.equal(elementText(replies[1].text, 'RequestID'), ids[1]);
  });

  test('startEc2Server() answers request errors with EC2 error documents', async () => {
    const cases: [string, string | null, number, string, string?][] = [
      ['Version=2016-11-15', authorizationFor('AKIDLAB'), 400, 'MissingAction', 'The request must contain the parameter Action'],
      ['Action=Echo&Value=%ZZ', authorizationFor('AKIDLAB'), 400, 'MalformedQueryString'],
      ['Action=Echo', null, 401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'],
      ['Action=Echo', 'AWS4-HMAC-SHA256 garbage', 401, 'AuthFailure'],
      ['Action=Bogus', authorizationFor('AKIDLAB'), 400, 'InvalidAction', 'The action Bogus is not valid for this web service.'],
      ['Action=toString', authorizationFor('AKIDLAB'), 400, 'InvalidAction'],
      ['Action=Echo&DryRun=maybe', authorizationFor('AKIDLAB'), 400, 'InvalidParameterValue'],
      ['Action=Echo', authorizationFor('AKIDNOPE'), 403, 'UnauthorizedOperation'],
      ['Action=Echo&DryRun=true', authorizationFor('AKIDLAB'), 412, 'DryRunOperation'],
      ['Action=Bogus&DryRun=true', authorizationFor('AKIDLAB'), 400, 'InvalidAction'],
    ];
    for (const [body, authorization, status, code, message] of cases) {
      const reply = await postForm(server.url, body, authorization);
      assert.equal(reply.status, status, body);
      assert.equal(reply.headers.get('content-type'), 'text/xml;charset=UTF-8');
      assert.equal(elementText(reply.text, 'Code'), code, body);
      if (message !== undefined) assert.equal(elementText(reply.text, 'Message'), message);
      assert.equal(elementText(reply.text, 'RequestID'), reply.headers.get('x-amzn-requestid'));
    }
  });

  test('startEc2Server() refuses methods other than POST with 405 and an XML error', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await fetch(`${server.url}?Action=Echo`, { method });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'POST');
      assert.equal(elementText(await response.text(), 'Code'), 'MethodNotAllowed');
    }
  });

  test('startEc2Server() turns a handler crash into InternalError and keeps serving', async () => {
    const reply = await postForm(server.url, 'Action=Crash');
    assert.equal(reply.status, 500);
    assert.equal(elementText(reply.text, 'Code'), 'InternalError');
    assert.equal(elementText(reply.text, 'Message'), 'An internal error has occurred');
    assert.ok(internalErrors.some((error) => error instanceof TypeError && error.message === 'handler bug'));
    assert.equal((await postForm(server.url, 'Action=Echo')).status, 200);
  });

  test('startEc2Server() replies in XML the AWS SDK parses', async () => {
    const ec2 = ec2For(server.url, 'AKIDLAB');
    try {
      const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
      assert.equal(zones.$metadata.httpStatusCode, 200);
      assert.match(zones.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        zones.AvailabilityZones?.map((zone) => [zone.ZoneName, zone.ZoneId, zone.State, zone.RegionName]),
        [
          ['us-west-2a', 'usw2-az1', 'available', 'us-west-2'],
          ['us-west-2b', 'usw2-az2', 'available', 'us-west-2'],
        ],
      );
      const attach = new AttachNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-0abc', InstanceId: 'i-1', DeviceIndex: 1 });
      const attached = await ec2.send(attach);
      assert.equal(attached.AttachmentId, 'eni-attach-0abc');
      assert.equal(attached.NetworkCardIndex, 0);
    } finally {
      ec2.destroy();
    }
  });

  test('startEc2Server() errors reach the AWS SDK with the AWS code as name and the HTTP status', async () => {
    const allowed = ec2For(server.url, 'AKIDLAB');
    const denied = ec2For(server.url, 'AKIDNOPE');
    try {
      const attach = new AttachNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-1', InstanceId: 'i-1', DeviceIndex: 1 });
      const unauthorized = await assertSdkError(denied.send(attach), 'UnauthorizedOperation', 403);
      assert.match(unauthorized.message, /user\/AKIDNOPE is not authorized to perform: ec2:AttachNetworkInterface$/);
      assert.match(unauthorized.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
      await assertSdkError(denied.send(new AttachNetworkInterfaceCommand({ ...attach.input, DryRun: true })), 'UnauthorizedOperation', 403);
      await assertSdkError(allowed.send(new DescribeAvailabilityZonesCommand({ DryRun: true })), 'DryRunOperation', 412);
      await assertSdkError(allowed.send(new DescribeVpcsCommand({})), 'InvalidAction', 400);
    } finally {
      allowed.destroy();
      denied.destroy();
    }
  });

  test('startEc2Server() throttles the 51st mutating call in one instant and recovers after refill', async () => {
    const ec2 = ec2For(server.url, 'AKIDLAB');
    const attach = new AttachNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-1', InstanceId: 'i-1', DeviceIndex: 1 });
    try {
      now += 60_000;
      for (let i = 0; i < 50; i++) await ec2.send(attach);
      await assertSdkError(ec2.send(attach), 'RequestLimitExceeded', 503);
      await ec2.send(new DescribeAvailabilityZonesCommand({}));
      now += 200;
      assert.equal((await ec2.send(attach)).AttachmentId, 'eni-attach-1');
      await assertSdkError(ec2.send(attach), 'RequestLimitExceeded', 503);
    } finally {
      ec2.destroy();
    }
  });
});

describe('startEc2Server() through /usr/bin/aws', () => {
  test('aws ec2 prints the parsed reply and reports EC2 errors', async () => {
    const lab = await startTestEmulator({
      actions: FAKE_ACTIONS,
      permissions: { deny: { AKIDLAB: ['AttachNetworkInterface'] } },
    });
    try {
      const zones = await lab.aws(['describe-availability-zones']);
      assert.equal(zones.code, 0, zones.stderr);
      const json = zones.json as { AvailabilityZones: { ZoneName: string; State: string }[] };
      assert.deepEqual(json.AvailabilityZones.map((zone) => [zone.ZoneName, zone.State]), [
        ['us-west-2a', 'available'],
        ['us-west-2b', 'available'],
      ]);
      const args = ['attach-network-interface', '--network-interface-id', 'eni-1', '--instance-id', 'i-1', '--device-index', '1'];
      const denied = await lab.aws(args);
      assert.equal(denied.code, 254);
      assert.match(denied.stderr, /\(UnauthorizedOperation\) when calling the AttachNetworkInterface operation/);
      assert.equal(denied.json, undefined);
    } finally {
      await lab.close();
    }
  });
});
