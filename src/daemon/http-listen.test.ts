import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeServer, formatBindAddress, listenOn, parseBindAddress } from './http-listen.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-listen-'));
after(() => rm(dir, { recursive: true, force: true }));

test('parseBindAddress() reads host:port, an empty host, bracketed IPv6 and unix sockets', () => {
  assert.deepEqual(parseBindAddress('127.0.0.1:61679'), { kind: 'tcp', host: '127.0.0.1', port: 61679 });
  assert.deepEqual(parseBindAddress(':61678'), { kind: 'tcp', host: '', port: 61678 });
  assert.deepEqual(parseBindAddress('[::1]:0'), { kind: 'tcp', host: '::1', port: 0 });
  assert.deepEqual(parseBindAddress('localhost:8080'), { kind: 'tcp', host: 'localhost', port: 8080 });
  assert.deepEqual(parseBindAddress('unix:/run/vpcnet/introspection.sock'), { kind: 'unix', path: '/run/vpcnet/introspection.sock' });
});

test('parseBindAddress() refuses what Go net.Listen would refuse with RangeError', () => {
  for (const text of ['', '61679', '127.0.0.1', '127.0.0.1:65536', '127.0.0.1:-1', 'unix:', '::1:80', 'a b:1', '127.0.0.1:80x']) {
    assert.throws(() => parseBindAddress(text), RangeError, text);
  }
});

test('formatBindAddress() writes addresses as they are parsed', () => {
  for (const text of ['127.0.0.1:61679', ':61678', '[::1]:61679', 'unix:/tmp/x.sock']) {
    assert.equal(formatBindAddress(parseBindAddress(text)), text);
  }
});

test('listenOn() creates the parent directory 0755, sets the socket mode and reports the bound port', async () => {
  const path = join(dir, 'nested', 'run', 'api.sock');
  const server = createServer();
  try {
    await listenOn(server, { kind: 'unix', path }, { mode: 0o660 });
    assert.equal((await stat(join(dir, 'nested', 'run'))).mode & 0o777, 0o755);
    const info = await stat(path);
    assert.ok(info.isSocket());
    assert.equal(info.mode & 0o777, 0o660);
  } finally {
    await closeServer(server, 100);
  }
  const tcp = createServer();
  try {
    const bound = await listenOn(tcp, { kind: 'tcp', host: '127.0.0.1', port: 0 });
    assert.ok(bound.kind === 'tcp' && bound.port > 0);
  } finally {
    await closeServer(tcp, 100);
  }
});

test('listenOn() replaces a stale socket file left by a killed daemon', async () => {
  const path = join(dir, 'stale.sock');
  await leaveStaleSocket(path);
  assert.ok((await stat(path)).isSocket(), 'the killed process left its socket file');
  const server = createServer();
  try {
    await listenOn(server, { kind: 'unix', path });
    assert.ok((await stat(path)).isSocket());
  } finally {
    await closeServer(server, 100);
  }
});

/** Starts a process listening on `path` and kills it with SIGKILL, which leaves the socket file behind. */
async function leaveStaleSocket(path: string): Promise<void> {
  const script = "require('node:net').createServer().listen(process.argv[1], () => process.stdout.write('up'))";
  const child = spawn(process.execPath, ['-e', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

test('listenOn() refuses a socket another process still serves, and a path that is not a socket', async () => {
  const path = join(dir, 'live.sock');
  const live = createNetServer();
  await new Promise<void>((resolve) => live.listen(path, resolve));
  try {
    await assert.rejects(listenOn(createServer(), { kind: 'unix', path }), /another process is serving it/);
  } finally {
    await new Promise<void>((resolve) => live.close(() => resolve()));
  }
  const file = join(dir, 'not-a-socket');
  await writeFile(file, 'precious');
  await assert.rejects(listenOn(createServer(), { kind: 'unix', path: file }), /exists and is not a socket/);
  assert.ok((await stat(file)).isFile());
});
