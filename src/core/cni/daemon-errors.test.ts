import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReasonCode } from '../protocol/index.ts';
import {
  cniErrorFromReason,
  cniErrorFromStatus,
  daemonUnreachable,
  describePod,
  internalError,
  statusUnreachable,
} from './daemon-errors.ts';

const WEB = { namespace: 'default', name: 'web-1' };

test('cniErrorFromReason() maps every daemon reason to its CNI code', () => {
  const table: Array<[Exclude<ReasonCode, 'ok'>, number]> = [
    ['pool-empty', 11], ['throttled', 11], ['daemon-unavailable', 11], ['version-mismatch', 11], ['subnet-full', 11],
    ['no-contiguous-28', 11], ['eni-limit', 11], ['max-pods', 11], ['unknown-pod', 3], ['bad-request', 999], ['internal', 999],
  ];
  for (const [reason, code] of table) {
    const error = cniErrorFromReason({ reason, message: 'x' }, WEB);
    assert.equal(error.code, code, reason);
    assert.ok(error.details.startsWith(`reason ${reason}: `), reason);
  }
});

test('cniErrorFromReason() says what failed for which pod in the daemon\'s words, with the facts in details', () => {
  const error = cniErrorFromReason({
    reason: 'eni-limit',
    message: 'warm pool empty, ENI limit 3 of 3 reached on t3.small',
    detail: { instanceType: 't3.small', eniLimit: 3, enis: 3 },
  }, WEB);
  assert.equal(error.message, 'cannot assign an IP to pod "default/web-1": warm pool empty, ENI limit 3 of 3 reached on t3.small');
  assert.equal(error.details, 'reason eni-limit: the node is full: lower max pods, enable prefix delegation, or use a larger instance type (eniLimit=3, enis=3, instanceType=t3.small)');
  assert.deepEqual(error.toJson('0.4.0'), { cniVersion: '0.4.0', code: 11, msg: error.message, details: error.details });
});

test('cniErrorFromReason() describes the condition from the detail facts when the daemon sent no message', () => {
  const table: Array<[Exclude<ReasonCode, 'ok'>, Record<string, string | number>, string]> = [
    ['pool-empty', { instanceType: 't3.small', eniLimit: 3, enis: 3 }, 'warm pool empty, ENI limit 3 of 3 reached on t3.small'],
    ['pool-empty', {}, 'warm pool empty'],
    ['eni-limit', {}, 'warm pool empty, ENI limit reached'],
    ['eni-limit', { eniLimit: 4 }, 'warm pool empty, ENI limit 4 of 4 reached'],
    ['subnet-full', { subnetId: 'subnet-0abc' }, 'subnet subnet-0abc has no free IP addresses'],
    ['subnet-full', {}, 'the subnet has no free IP addresses'],
    ['no-contiguous-28', { subnetId: 'subnet-0abc' }, 'subnet subnet-0abc has no free contiguous /28 block'],
    ['max-pods', { maxPods: 11 }, 'node at max pods (11)'],
    ['throttled', {}, 'EC2 API requests throttled (RequestLimitExceeded)'],
  ];
  for (const [reason, detail, condition] of table) {
    assert.equal(cniErrorFromReason({ reason, message: '', detail }, WEB).message, `cannot assign an IP to pod "default/web-1": ${condition}`, `${reason} ${JSON.stringify(detail)}`);
  }
});

test('cniErrorFromReason() names the action of the failed command', () => {
  const failure = { reason: 'internal' as const, message: 'checkpoint write failed' };
  assert.match(cniErrorFromReason(failure, WEB, 'DEL').message, /^cannot release the IP of pod "default\/web-1": checkpoint write failed$/);
  assert.match(cniErrorFromReason(failure, WEB, 'CHECK').message, /^cannot check the network of pod/);
});

test('describePod() falls back from namespace/name to name to container id', () => {
  assert.equal(describePod(WEB), 'pod "default/web-1"');
  assert.equal(describePod({ namespace: '', name: 'web' }), 'pod "web"');
  assert.equal(describePod({ namespace: '', name: '', containerId: 'abc123' }), 'container "abc123"');
  assert.equal(describePod({}), 'the pod');
});

test('daemonUnreachable() is a daemon-unavailable failure naming the socket, so ADD gets code 11', () => {
  const failure = daemonUnreachable('/var/run/aws-node/vpcnet-ipamd.sock', 'ENOENT');
  const error = cniErrorFromReason(failure, WEB);
  assert.equal(error.code, 11);
  assert.equal(error.message, 'cannot assign an IP to pod "default/web-1": the vpcnet daemon does not answer on /var/run/aws-node/vpcnet-ipamd.sock (ENOENT)');
});

test('cniErrorFromStatus() is undefined when ready, 50 when not, 51 when existing pods are degraded', () => {
  assert.equal(cniErrorFromStatus({ ready: true, message: 'ok' }), undefined);
  const notReady = cniErrorFromStatus({ ready: false, message: 'waiting for the first ENI' });
  assert.equal(notReady?.code, 50);
  assert.equal(notReady?.message, 'vpcnet cannot add pods: waiting for the first ENI');
  assert.equal(cniErrorFromStatus({ ready: false, message: '', degraded: true })?.code, 51);
  assert.equal(cniErrorFromStatus({ ready: false, message: '' })?.message, 'vpcnet cannot add pods: not ready');
});

test('statusUnreachable() is code 50 naming the socket', () => {
  const error = statusUnreachable('/run/x.sock', 'ECONNREFUSED');
  assert.equal(error.code, 50);
  assert.match(error.message, /\/run\/x\.sock \(ECONNREFUSED\)/);
});

test('internalError() is code 999 pointing at the plugin log', () => {
  assert.deepEqual(internalError(new Error('ip: RTNETLINK answers: File exists'), '/var/log/aws-routed-eni/plugin.log').toJson('1.0.0'), {
    cniVersion: '1.0.0', code: 999, msg: 'ip: RTNETLINK answers: File exists', details: 'see the plugin log /var/log/aws-routed-eni/plugin.log',
  });
  assert.equal(internalError('boom', '').details, 'see the plugin log (stderr)');
  assert.equal(internalError(new Error(''), '').message, 'unexpected error');
});
