import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddRequest, parseDelRequest, ProtocolError } from './parse-request.ts';
import { isFailure, PROTOCOL_VERSION } from './protocol.ts';

const KEY = { networkName: 'aws-cni', containerId: '3f8a1c7e5b2d', ifName: 'eth0' };
const POD = { namespace: 'default', name: 'web-1', infraContainerId: '3f8a1c7e5b2d', uid: '6c1f0a52-0b1e-4c5e-9a33-2f7d1e0c9b11' };

function assertProtocolError(fn: () => unknown, reason: ProtocolError['reason'], message?: RegExp, label?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof ProtocolError && error.reason === reason && (message === undefined || message.test(error.message)), label);
}

test('parseAddRequest() accepts a full request and returns exactly the protocol fields', () => {
  const body = { version: PROTOCOL_VERSION, key: { ...KEY, extra: 1 }, pod: POD, netns: '/var/run/netns/cni-1', ignored: true };
  assert.deepEqual(parseAddRequest(body), { version: PROTOCOL_VERSION, key: KEY, pod: POD, netns: '/var/run/netns/cni-1' });
});

test('parseAddRequest() defaults optional pod fields and netns to empty strings', () => {
  const parsed = parseAddRequest({ version: PROTOCOL_VERSION, key: KEY, pod: {} });
  assert.deepEqual(parsed.pod, { namespace: '', name: '', infraContainerId: '', uid: '' });
  assert.equal(parsed.netns, '');
});

test('parseAddRequest() refuses a missing or empty part of the IPAM key with bad-request', () => {
  for (const field of ['networkName', 'containerId', 'ifName'] as const) {
    const missing = { ...KEY } as Record<string, unknown>;
    delete missing[field];
    assertProtocolError(() => parseAddRequest({ version: PROTOCOL_VERSION, key: missing, pod: POD }), 'bad-request', new RegExp(`key\\.${field}`));
    assertProtocolError(() => parseAddRequest({ version: PROTOCOL_VERSION, key: { ...KEY, [field]: '' }, pod: POD }), 'bad-request');
    assertProtocolError(() => parseAddRequest({ version: PROTOCOL_VERSION, key: { ...KEY, [field]: 7 }, pod: POD }), 'bad-request');
  }
});

test('parseAddRequest() refuses malformed bodies with bad-request', () => {
  const cases: [string, unknown][] = [
    ['null', null],
    ['array', []],
    ['string', 'add'],
    ['no key', { version: PROTOCOL_VERSION, pod: POD }],
    ['key is an array', { version: PROTOCOL_VERSION, key: [], pod: POD }],
    ['no pod', { version: PROTOCOL_VERSION, key: KEY }],
    ['pod is null', { version: PROTOCOL_VERSION, key: KEY, pod: null }],
    ['pod name not a string', { version: PROTOCOL_VERSION, key: KEY, pod: { ...POD, name: 5 } }],
    ['netns not a string', { version: PROTOCOL_VERSION, key: KEY, pod: POD, netns: false }],
  ];
  for (const [name, body] of cases) assertProtocolError(() => parseAddRequest(body), 'bad-request', undefined, name);
  assertProtocolError(() => parseAddRequest(null), 'bad-request', /body must be a JSON object/);
});

test('parseAddRequest() and parseDelRequest() refuse another protocol version with version-mismatch', () => {
  for (const version of ['vpcnet.ipamd/2', '', 1, undefined, null]) {
    const body = { version, key: KEY, pod: POD };
    assertProtocolError(() => parseAddRequest(body), 'version-mismatch', /this daemon speaks "vpcnet\.ipamd\/1"/);
    assertProtocolError(() => parseDelRequest(body), 'version-mismatch');
  }
});

test('parseDelRequest() defaults the cause to PodDeleted and accepts SetupNSFailed', () => {
  assert.deepEqual(parseDelRequest({ version: PROTOCOL_VERSION, key: KEY, pod: POD }), { version: PROTOCOL_VERSION, key: KEY, pod: POD, cause: 'PodDeleted' });
  assert.equal(parseDelRequest({ version: PROTOCOL_VERSION, key: KEY, pod: POD, cause: 'SetupNSFailed' }).cause, 'SetupNSFailed');
});

test('parseDelRequest() refuses an unknown cause and a bad key with bad-request', () => {
  for (const cause of ['Evicted', '', 3, 'poddeleted']) {
    assertProtocolError(() => parseDelRequest({ version: PROTOCOL_VERSION, key: KEY, pod: POD, cause }), 'bad-request', /cause must be/);
  }
  assertProtocolError(() => parseDelRequest({ version: PROTOCOL_VERSION, key: { ...KEY, ifName: '' }, pod: POD }), 'bad-request');
  // JSON null counts as absent.
  assert.equal(parseDelRequest({ version: PROTOCOL_VERSION, key: KEY, pod: POD, cause: null }).cause, 'PodDeleted');
});

test('ProtocolError carries its reason and a std-style message', () => {
  const error = new ProtocolError('bad-request', 'Invalid request: x');
  assert.equal(error.name, 'ProtocolError');
  assert.equal(error.reason, 'bad-request');
  assert.ok(error instanceof Error);
});

test('isFailure() tells failures from ok replies', () => {
  assert.equal(isFailure({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [] }), false);
  assert.equal(isFailure({ version: PROTOCOL_VERSION, reason: 'pool-empty', message: 'Cannot assign' }), true);
});
