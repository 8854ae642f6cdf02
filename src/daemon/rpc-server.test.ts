import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AddReply } from '../core/protocol/index.ts';
import { PROTOCOL_PATHS, PROTOCOL_VERSION } from '../core/protocol/index.ts';
import { addBody, callIpamd, FakeService, RecordingLogger, tempDir } from './daemon.test-support.ts';
import { createDaemonMetrics } from './metrics.ts';
import type { RpcServer } from './rpc-server.ts';
import { httpStatusOf, startRpcServer } from './rpc-server.ts';

const dir = await tempDir('vpcnet-rpc-');
after(() => dir.remove());

interface Running {
  readonly server: RpcServer;
  readonly service: FakeService;
  readonly logger: RecordingLogger;
  readonly metrics: ReturnType<typeof createDaemonMetrics>;
  readonly socketPath: string;
}

let count = 0;
async function start(options: { drainTimeoutMs?: number } = {}): Promise<Running> {
  const socketPath = join(dir.path, `run-${count++}`, 'ipamd.sock');
  const service = new FakeService();
  const logger = new RecordingLogger();
  const metrics = createDaemonMetrics({ defaultMetrics: false });
  const server = await startRpcServer({ socketPath, service, logger, metrics, ...options });
  return { server, service, logger, metrics, socketPath };
}

function post(socketPath: string, path: string, body: unknown): ReturnType<typeof callIpamd> {
  return callIpamd(socketPath, path, body);
}

let shared: Running;
before(async () => {
  shared = await start();
});
after(() => shared.server.close());

test('startRpcServer() serves ADD with the service reply and logs key, pod, reason and ms', async () => {
  const { status, body } = await post(shared.socketPath, PROTOCOL_PATHS.add, addBody('c1'));
  assert.equal(status, 200);
  const reply = body as AddReply;
  assert.equal(reply.reason, 'ok');
  assert.equal(reply.version, PROTOCOL_VERSION);
  assert.deepEqual(shared.service.adds.at(-1)?.key, { networkName: 'aws-cni', containerId: 'c1', ifName: 'eth0' });
  const line = shared.logger.find('Served ADD').at(-1);
  assert.equal(line?.level, 'info');
  assert.equal(line?.fields.key, 'aws-cni/c1/eth0');
  assert.equal(line?.fields.pod, 'default/web-1');
  assert.equal(line?.fields.reason, 'ok');
  assert.equal(line?.fields.addresses, reply.reason === 'ok' ? reply.addresses[0]?.ipv4 : undefined);
  assert.equal(typeof line?.fields.ms, 'number');
});

test('startRpcServer() serves DEL with its cause and counts it by reason', async () => {
  const body = { ...addBody('c2'), cause: 'SetupNSFailed' };
  const { status } = await post(shared.socketPath, PROTOCOL_PATHS.del, body);
  assert.equal(status, 200);
  assert.equal(shared.service.dels.at(-1)?.cause, 'SetupNSFailed');
  const text = await shared.metrics.registry.metrics();
  assert.match(text, /^awscni_del_ip_req_count\{reason="SetupNSFailed"\} 1$/m);
});

test('startRpcServer() serves STATUS with 200 when ready and 503 when not', async () => {
  const ready = await callIpamd(shared.socketPath, PROTOCOL_PATHS.status);
  assert.deepEqual(ready, { status: 200, body: { version: PROTOCOL_VERSION, ready: true, message: 'ready' } });
  shared.service.ready = false;
  try {
    const starting = await callIpamd(shared.socketPath, PROTOCOL_PATHS.status);
    assert.equal(starting.status, 503);
    assert.equal((starting.body as { ready: boolean }).ready, false);
  } finally {
    shared.service.ready = true;
  }
});

test('startRpcServer() passes failure replies through with their reason, HTTP status and metrics', async () => {
  const { server, service, metrics, socketPath, logger } = await start();
  try {
    service.onAdd = () => Promise.resolve({ version: PROTOCOL_VERSION, reason: 'eni-limit', message: 'warm pool empty, ENI limit 3 of 3 reached', detail: { eniLimit: 3 } });
    const { status, body } = await post(socketPath, PROTOCOL_PATHS.add, addBody());
    assert.equal(status, 503);
    assert.deepEqual(body, { version: PROTOCOL_VERSION, reason: 'eni-limit', message: 'warm pool empty, ENI limit 3 of 3 reached', detail: { eniLimit: 3 } });
    const text = await metrics.registry.metrics();
    assert.match(text, /^awscni_add_ip_req_count 1$/m);
    assert.match(text, /^awscni_no_available_ip_addresses 1$/m);
    assert.match(text, /^vpcnet_add_failures_total\{reason="eni-limit"\} 1$/m);
    assert.match(text, /^vpcnet_add_failures_total\{reason="pool-empty"\} 0$/m);
    assert.equal(logger.find('Served ADD')[0]?.level, 'warn');
  } finally {
    await server.close();
  }
});

test('startRpcServer() turns a throwing service into reason internal (HTTP 500) and logs the error', async () => {
  const { server, service, socketPath, logger, metrics } = await start();
  try {
    service.onAdd = () => Promise.reject(new Error('datastore invariant broken'));
    const { status, body } = await post(socketPath, PROTOCOL_PATHS.add, addBody());
    assert.equal(status, 500);
    assert.equal((body as { reason: string }).reason, 'internal');
    assert.match((body as { message: string }).message, /datastore invariant broken/);
    const logged = logger.find('ADD failed with an internal error')[0];
    assert.equal(logged?.level, 'error');
    assert.equal(logged?.fields.key, 'aws-cni/3f8a1c7e5b2d/eth0');
    assert.match(await metrics.registry.metrics(), /^vpcnet_add_failures_total\{reason="internal"\} 1$/m);
    service.onAdd = undefined;
    assert.equal((await post(socketPath, PROTOCOL_PATHS.add, addBody())).status, 200, 'the server keeps serving');
  } finally {
    await server.close();
  }
});

test('RpcServer.close() waits for requests in flight, then removes the socket', async () => {
  const { server, service, socketPath, logger } = await start();
  let release: (() => void) | undefined;
  service.onAdd = () => new Promise<AddReply>((resolve) => {
    release = () => resolve({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [{ ipv4: '10.0.0.99', deviceNumber: 0, routeTableId: 254 }], vpcCidrs: [], useExternalSnat: false });
  });
  const inFlight = post(socketPath, PROTOCOL_PATHS.add, addBody('slow'));
  while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(server.inFlight(), 1);
  let closed = false;
  const closing = server.close().then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(closed, false, 'close() waits for the request in flight');
  release();
  const { status, body } = await inFlight;
  assert.equal(status, 200);
  assert.equal((body as AddReply).reason, 'ok');
  await closing;
  await assert.rejects(stat(socketPath), { code: 'ENOENT' });
  assert.equal(logger.find('Stopped the plugin API').length, 1);
});

test('RpcServer.close() answers requests arriving while it drains with daemon-unavailable', async () => {
  const { server, service, socketPath, logger } = await start();
  let release: (() => void) | undefined;
  service.onAdd = () => new Promise<AddReply>((resolve) => (release = () => resolve({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [], vpcCidrs: [], useExternalSnat: false })));
  const slow = post(socketPath, PROTOCOL_PATHS.add, addBody('slow'));
  while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  const closing = server.close();
  for (const path of [PROTOCOL_PATHS.add, PROTOCOL_PATHS.del] as const) {
    const { status, body } = await post(socketPath, path, addBody('late'));
    assert.equal(status, 503);
    assert.deepEqual(body, { version: PROTOCOL_VERSION, reason: 'daemon-unavailable', message: 'vpcnet-ipamd is stopping' });
  }
  const statusReply = await callIpamd(socketPath, PROTOCOL_PATHS.status);
  assert.deepEqual(statusReply, { status: 503, body: { version: PROTOCOL_VERSION, ready: false, message: 'vpcnet-ipamd is stopping' } });
  assert.equal(service.adds.length, 1, 'the late ADD never reached the service');
  assert.equal(logger.find('Served ADD').at(-1)?.fields.reason, 'daemon-unavailable');
  release();
  assert.equal((await slow).status, 200);
  await closing;
});

test('RpcServer.close() gives up on a request still running after the drain timeout', async () => {
  const { server, service, socketPath } = await start({ drainTimeoutMs: 100 });
  service.onAdd = () => new Promise<AddReply>(() => undefined);
  const hung = post(socketPath, PROTOCOL_PATHS.add, addBody('hung')).catch((error: unknown) => error);
  while (server.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const startedAt = Date.now();
  await server.close();
  assert.ok(Date.now() - startedAt < 2000);
  assert.match(String(await hung), /socket hang up|ECONNRESET/, 'the hung request was dropped');
});

test('httpStatusOf() maps every reason to its HTTP status', () => {
  assert.equal(httpStatusOf('ok'), 200);
  assert.equal(httpStatusOf('bad-request'), 400);
  assert.equal(httpStatusOf('version-mismatch'), 400);
  assert.equal(httpStatusOf('unknown-pod'), 404);
  assert.equal(httpStatusOf('internal'), 500);
  for (const reason of ['pool-empty', 'subnet-full', 'no-contiguous-28', 'eni-limit', 'max-pods', 'throttled', 'daemon-unavailable'] as const) {
    assert.equal(httpStatusOf(reason), 503, reason);
  }
});

test('RpcServer.close() can be called twice and stops once', async () => {
  const { server, logger } = await start();
  await Promise.all([server.close(), server.close()]);
  await server.close();
  assert.equal(logger.find('Stopped the plugin API').length, 1);
});

test('startRpcServer() turns a service whose status() throws into a not-ready 500', async () => {
  const { server, service, socketPath, logger } = await start();
  try {
    service.status = () => {
      throw new Error('views not built');
    };
    const { status, body } = await callIpamd(socketPath, PROTOCOL_PATHS.status);
    assert.equal(status, 500);
    assert.deepEqual(body, { version: PROTOCOL_VERSION, ready: false, message: 'internal error in vpcnet-ipamd: views not built' });
    assert.equal(logger.find('STATUS failed with an internal error').length, 1);
  } finally {
    await server.close();
  }
});
