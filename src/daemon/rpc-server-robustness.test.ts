import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Failure } from '../core/protocol/index.ts';
import { PROTOCOL_PATHS, PROTOCOL_VERSION } from '../core/protocol/index.ts';
import type { RawAnswer } from './daemon.test-support.ts';
import { addBody, callIpamd, FakeService, rawExchange, RecordingLogger, tempDir } from './daemon.test-support.ts';
import type { RpcServer } from './rpc-server.ts';
import { startRpcServer } from './rpc-server.ts';

const dir = await tempDir('vpcnet-rpc-bad-');
const socketPath = join(dir.path, 'ipamd.sock');
const service = new FakeService();
const logger = new RecordingLogger();
let server: RpcServer;

before(async () => {
  server = await startRpcServer({ socketPath, service, logger, maxBodyBytes: 4096, requestTimeoutMs: 300 });
});
after(async () => {
  await server.close();
  await dir.remove();
});

function post(path: string, body: string, extraHeaders = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: ipamd\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extraHeaders}\r\n${body}`;
}

function failureOf(answer: RawAnswer): Failure {
  const reply = JSON.parse(answer.body) as Failure;
  assert.equal(reply.version, PROTOCOL_VERSION);
  return reply;
}

async function assertServerAlive(): Promise<void> {
  const { status } = await callIpamd(socketPath, PROTOCOL_PATHS.add, addBody('alive'));
  assert.equal(status, 200, 'the server still serves valid requests');
}

test('startRpcServer() answers bodies that are not JSON with bad-request (HTTP 400)', async () => {
  const addsBefore = service.adds.length;
  for (const body of ['', 'garbage', '{"version":', '\u0000\u0001\u0002', '{"a":1}}', '\uFEFF{}']) {
    const answer = await rawExchange(socketPath, [post(PROTOCOL_PATHS.add, body)], { idleMs: 500 });
    assert.equal(answer.status, 400, JSON.stringify(body));
    const reply = failureOf(answer);
    assert.equal(reply.reason, 'bad-request');
    assert.match(reply.message, /not JSON/);
  }
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b]);
  const head = `POST ${PROTOCOL_PATHS.del} HTTP/1.1\r\nHost: ipamd\r\nContent-Length: ${binary.length}\r\n\r\n`;
  assert.equal((await rawExchange(socketPath, [head, binary], { idleMs: 500 })).status, 400);
  assert.equal(service.adds.length, addsBefore, 'nothing reached the service');
  await assertServerAlive();
});

test('startRpcServer() answers JSON that fails validation with bad-request and names the field', async () => {
  const cases: [unknown, RegExp][] = [
    [null, /body must be a JSON object/],
    [[1, 2], /body must be a JSON object/],
    ['add', /body must be a JSON object/],
    [{ version: PROTOCOL_VERSION }, /"key" must be an object/],
    [{ version: PROTOCOL_VERSION, key: { networkName: 'aws-cni', containerId: 'c', ifName: '' }, pod: {} }, /key\.ifName/],
    [{ version: PROTOCOL_VERSION, key: { networkName: 'aws-cni', ifName: 'eth0' }, pod: {} }, /key\.containerId/],
    [{ ...addBody(), pod: 'default/web-1' }, /"pod" must be an object/],
    [{ ...addBody(), netns: 42 }, /netns/],
  ];
  for (const [body, message] of cases) {
    const { status, body: reply } = await callIpamd(socketPath, PROTOCOL_PATHS.add, body);
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal((reply as Failure).reason, 'bad-request');
    assert.match((reply as Failure).message, message);
  }
  const del = await callIpamd(socketPath, PROTOCOL_PATHS.del, { ...addBody(), cause: 'Evicted' });
  assert.equal((del.body as Failure).reason, 'bad-request');
  assert.ok(logger.find('Served ADD').some((line) => line.level === 'warn' && line.fields.reason === 'bad-request'));
});

test('startRpcServer() answers another protocol version with version-mismatch (HTTP 400)', async () => {
  for (const version of ['vpcnet.ipamd/2', undefined, 1]) {
    const { status, body } = await callIpamd(socketPath, PROTOCOL_PATHS.add, { ...addBody(), version });
    assert.equal(status, 400);
    assert.equal((body as Failure).reason, 'version-mismatch');
    assert.match((body as Failure).message, /vpcnet\.ipamd\/1/);
  }
});

test('startRpcServer() refuses a body over the size limit with 413 and closes the connection', async () => {
  const huge = JSON.stringify({ ...addBody(), padding: 'x'.repeat(64 * 1024) });
  const answer = await rawExchange(socketPath, [post(PROTOCOL_PATHS.add, huge)], { idleMs: 1000 });
  assert.equal(answer.status, 413);
  assert.match(answer.head, /connection: close/i);
  assert.match(failureOf(answer).message, /exceeds 4096 bytes/);
  // Declared too large but never sent: refused at once from the header.
  const declared = `POST ${PROTOCOL_PATHS.add} HTTP/1.1\r\nHost: ipamd\r\nContent-Length: 99999999\r\n\r\n{`;
  assert.equal((await rawExchange(socketPath, [declared], { idleMs: 1000 })).status, 413);
  // Much more than the drain allowance: the connection is cut rather than read forever.
  const flood = Buffer.alloc(3 * 1024 * 1024, 0x20);
  const flooded = await rawExchange(socketPath, [`POST ${PROTOCOL_PATHS.add} HTTP/1.1\r\nHost: ipamd\r\nTransfer-Encoding: chunked\r\n\r\n`, `${flood.length.toString(16)}\r\n`, flood], { idleMs: 1000 });
  // The 413 is sent first; whether it is read before the cut depends on the kernel's timing.
  assert.ok(flooded.status === 413 || flooded.status === 0, `status ${flooded.status}`);
  await assertServerAlive();
});

test('startRpcServer() answers a client that sends its body too slowly with 408 bad-request', async () => {
  const body = JSON.stringify(addBody('slow-client'));
  const head = `POST ${PROTOCOL_PATHS.add} HTTP/1.1\r\nHost: ipamd\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const answer = await rawExchange(socketPath, [head, body.slice(0, 10), body.slice(10, 20)], { pauseMs: 250, idleMs: 1500 });
  assert.equal(answer.status, 408);
  assert.equal(failureOf(answer).reason, 'bad-request');
  assert.ok(!service.adds.some((request) => request.key.containerId === 'slow-client'));
  await assertServerAlive();
});

test('startRpcServer() closes a connection whose headers never finish', async () => {
  const answer = await rawExchange(socketPath, [`POST ${PROTOCOL_PATHS.add} HTTP/1.1\r\nHost: ipamd\r\n`], { idleMs: 3000 });
  assert.equal(answer.status, 408);
  assert.equal(failureOf(answer).reason, 'bad-request');
  await assertServerAlive();
});

test('startRpcServer() answers bytes that are not HTTP with bad-request and closes the connection', async () => {
  for (const junk of ['\u0016\u0003\u0001\u0000\u00a5', 'HELLO\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `POST ${PROTOCOL_PATHS.add} HTTP/1.1\r\nContent-Length: -5\r\n\r\n`]) {
    const answer = await rawExchange(socketPath, [junk], { idleMs: 1000 });
    assert.equal(answer.status, 400, JSON.stringify(junk));
    assert.equal(failureOf(answer).reason, 'bad-request');
  }
  assert.ok(logger.find('Rejected a broken HTTP request on the plugin API').length > 0);
  await assertServerAlive();
});

test('startRpcServer() answers unknown paths with 404 and wrong methods with 400, both bad-request', async () => {
  const unknown = await rawExchange(socketPath, [post('/v2/add', JSON.stringify(addBody()))], { idleMs: 500 });
  assert.equal(unknown.status, 404);
  assert.match(failureOf(unknown).message, /unknown path "\/v2\/add"/);
  const getAdd = await rawExchange(socketPath, [`GET ${PROTOCOL_PATHS.add} HTTP/1.1\r\nHost: ipamd\r\nConnection: close\r\n\r\n`], { idleMs: 500 });
  assert.equal(getAdd.status, 400);
  assert.match(failureOf(getAdd).message, /GET is not allowed on \/v1\/add \(use POST\)/);
  const postStatus = await rawExchange(socketPath, [post(PROTOCOL_PATHS.status, '{}')], { idleMs: 500 });
  assert.equal(postStatus.status, 400);
  assert.match(failureOf(postStatus).message, /use GET/);
});

test('startRpcServer() serves a request with a query string by its path', async () => {
  const answer = await rawExchange(socketPath, [post(`${PROTOCOL_PATHS.add}?x=1`, JSON.stringify(addBody('query')))], { idleMs: 500 });
  assert.equal(answer.status, 200);
});

test('startRpcServer() serves many concurrent requests and answers each one', async () => {
  const replies = await Promise.all(
    Array.from({ length: 50 }, (_, index) => callIpamd(socketPath, PROTOCOL_PATHS.add, addBody(`burst-${index}`))),
  );
  assert.ok(replies.every((reply) => reply.status === 200));
  assert.equal(server.inFlight(), 0);
});
