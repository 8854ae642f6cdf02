import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PROTOCOL_VERSION } from '../core/protocol/protocol.ts';
import { IpamdRequestError } from './ipamd-client.ts';
import { connectIpamd } from './ipamd-connection.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-connection-'));
after(() => rm(dir, { recursive: true, force: true }));

const key = { networkName: 'aws-cni', containerId: 'abc', ifName: 'eth0' };
const pod = { namespace: 'default', name: 'web-1', infraContainerId: 'abc', uid: '' };

/** Serves one canned status + body per path; remembers the requests. */
async function serve(replies: Record<string, { status: number; body: unknown }>): Promise<{ socketPath: string; seen: string[]; close: () => Promise<void> }> {
  const socketPath = join(dir, `${Object.keys(replies).join('').replaceAll('/', '_')}.sock`);
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      const reply = replies[request.url ?? ''] ?? { status: 404, body: {} };
      response.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('connectIpamd() returns ADD, DEL and STATUS replies of the protocol, failures included', async () => {
  const address = { ipv4: '10.0.1.5', deviceNumber: 1, routeTableId: 2 };
  const server = await serve({
    '/v1/add': { status: 200, body: { version: PROTOCOL_VERSION, reason: 'ok', addresses: [address], vpcCidrs: [], useExternalSnat: false } },
    '/v1/del': { status: 404, body: { version: PROTOCOL_VERSION, reason: 'unknown-pod', message: 'datastore: unknown pod' } },
    '/v1/status': { status: 503, body: { version: PROTOCOL_VERSION, ready: false, message: 'starting' } },
  });
  try {
    const ipamd = connectIpamd(server.socketPath);
    assert.deepEqual((await ipamd.add({ version: PROTOCOL_VERSION, key, pod, netns: '/run/netns/x' })).reason, 'ok');
    assert.equal((await ipamd.del({ version: PROTOCOL_VERSION, key, pod, cause: 'PodDeleted' })).reason, 'unknown-pod');
    assert.deepEqual(await ipamd.status(), { version: PROTOCOL_VERSION, ready: false, message: 'starting' });
    assert.deepEqual(server.seen, ['POST /v1/add', 'POST /v1/del', 'GET /v1/status']);
  } finally {
    await server.close();
  }
});

test('connectIpamd() rejects replies that do not have the protocol shape as bad-reply', async () => {
  const server = await serve({
    '/v1/add': { status: 200, body: { reason: 'ok', addresses: [{ ipv4: '10.0.1.5' }] } },
    '/v1/del': { status: 500, body: { reason: 'internal' } },
    '/v1/status': { status: 200, body: { ok: true } },
  });
  try {
    const ipamd = connectIpamd(server.socketPath);
    const isBadReply = (error: unknown): boolean => error instanceof IpamdRequestError && error.kind === 'bad-reply';
    await assert.rejects(ipamd.add({ version: PROTOCOL_VERSION, key, pod, netns: '' }), isBadReply);
    await assert.rejects(ipamd.del({ version: PROTOCOL_VERSION, key, pod, cause: 'PodDeleted' }), isBadReply);
    await assert.rejects(ipamd.status(), isBadReply);
  } finally {
    await server.close();
  }
});

test('connectIpamd() rejects as unreachable when nothing listens', async () => {
  const ipamd = connectIpamd(join(dir, 'nobody.sock'));
  await assert.rejects(ipamd.status(), (error: unknown) => error instanceof IpamdRequestError && error.kind === 'unreachable');
});
