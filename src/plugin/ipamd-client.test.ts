import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PROTOCOL_PATHS } from '../core/protocol/index.ts';
import { IpamdRequestError, requestIpamd } from './ipamd-client.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-client-'));
after(() => rm(dir, { recursive: true, force: true }));

let count = 0;
async function serveOnSocket(handler: Parameters<typeof createServer>[1]): Promise<{ socketPath: string; server: Server }> {
  const socketPath = join(dir, `s${count++}.sock`);
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, server };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function assertRequestError(promise: Promise<unknown>, kind: IpamdRequestError['kind'], message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IpamdRequestError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

test('requestIpamd() POSTs the body as JSON and returns the status and decoded reply', async () => {
  const seen: { method?: string; url?: string; type?: string; body?: string }[] = [];
  const { socketPath, server } = await serveOnSocket((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, type: request.headers['content-type'], body });
      response.writeHead(503, { 'Content-Type': 'application/json' }).end('{"reason":"pool-empty"}');
    });
  });
  try {
    const reply = await requestIpamd({ socketPath, path: PROTOCOL_PATHS.add, body: { a: 1 }, timeoutMs: 2000 });
    assert.deepEqual(reply, { status: 503, body: { reason: 'pool-empty' } });
    assert.deepEqual(seen, [{ method: 'POST', url: '/v1/add', type: 'application/json', body: '{"a":1}' }]);
    await requestIpamd({ socketPath, path: PROTOCOL_PATHS.status, timeoutMs: 2000 });
    assert.equal(seen[1]?.method, 'GET');
  } finally {
    await closeServer(server);
  }
});

test('requestIpamd() times out against a server that never answers', async () => {
  const { socketPath, server } = await serveOnSocket(() => undefined);
  try {
    const startedAt = Date.now();
    await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.add, body: {}, timeoutMs: 200 }), 'timeout', /none within 200 ms/);
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 190 && elapsed < 1500, `took ${elapsed} ms`);
  } finally {
    await closeServer(server);
  }
});

test('requestIpamd() times out against a server that accepts but never speaks HTTP', async () => {
  const socketPath = join(dir, 'silent.sock');
  const accepted: Socket[] = [];
  const silent = createNetServer((socket) => void accepted.push(socket));
  await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
  try {
    await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.status, timeoutMs: 150 }), 'timeout', /none within 150 ms/);
    assert.equal(accepted.length, 1);
  } finally {
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('requestIpamd() reports a missing socket as unreachable', async () => {
  await assertRequestError(requestIpamd({ socketPath: join(dir, 'absent.sock'), path: PROTOCOL_PATHS.add, body: {}, timeoutMs: 1000 }), 'unreachable', /does not exist \(is vpcnet-ipamd running\?\)/);
});

test('requestIpamd() reports a stale socket file (daemon killed) as unreachable', async () => {
  const socketPath = join(dir, 'stale.sock');
  const script = "require('node:net').createServer().listen(process.argv[1], () => process.stdout.write('up'))";
  const child = spawn(process.execPath, ['-e', script, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.del, body: {}, timeoutMs: 1000 }), 'unreachable', /nothing listens on the socket/);
});

test('requestIpamd() reports a reply that is not JSON, or too large, as bad-reply', async () => {
  const { socketPath, server } = await serveOnSocket((request, response) => {
    if (request.url === PROTOCOL_PATHS.add) response.writeHead(200).end('<html>oops</html>');
    else response.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, 0x20));
  });
  try {
    await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.add, body: {}, timeoutMs: 2000 }), 'bad-reply', /not JSON \(HTTP 200\)/);
    await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.del, body: {}, timeoutMs: 2000 }), 'bad-reply', /larger than 1048576 bytes/);
  } finally {
    await closeServer(server);
  }
});

test('requestIpamd() reports a connection cut mid-reply as unreachable', async () => {
  const { socketPath, server } = await serveOnSocket((_request, response) => {
    response.writeHead(200, { 'Content-Length': '100' });
    response.write('{"reason":');
    setTimeout(() => response.socket?.destroy(), 20);
  });
  try {
    await assertRequestError(requestIpamd({ socketPath, path: PROTOCOL_PATHS.add, body: {}, timeoutMs: 2000 }), 'unreachable', /Cannot read the answer/);
  } finally {
    await closeServer(server);
  }
});

test('ipamd-client.ts imports nothing but node built-ins and the protocol (the plugin must start fast)', async () => {
  const source = await readFile(new URL('./ipamd-client.ts', import.meta.url), 'utf8');
  const specifiers = [...source.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((match) => match[1] ?? '');
  assert.ok(specifiers.length > 0);
  for (const specifier of specifiers) assert.match(specifier, /^(node:[a-z_/]+|\.\.\/core\/protocol\/index\.ts)$/, specifier);
});
