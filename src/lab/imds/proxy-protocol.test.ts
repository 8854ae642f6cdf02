import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProxiedAddresses } from './proxy-protocol.ts';
import { listenProxied, parseProxyLine, proxiedAddressesOf } from './proxy-protocol.ts';

test('parseProxyLine() reads a TCP4 line and UNKNOWN', () => {
  assert.deepEqual(parseProxyLine('PROXY TCP4 10.0.1.5 169.254.169.254 40000 80'), {
    sourceAddress: '10.0.1.5', destinationAddress: '169.254.169.254', sourcePort: 40000, destinationPort: 80,
  });
  assert.equal(parseProxyLine('PROXY UNKNOWN'), 'unknown');
  assert.equal(parseProxyLine('PROXY UNKNOWN ffff::1 ffff::2 1 2'), 'unknown');
});

test('parseProxyLine() refuses malformed lines', () => {
  for (const line of [
    '', 'GET / HTTP/1.1', 'PROXY TCP4 10.0.1.5 169.254.169.254 40000', 'PROXY TCP4 10.0.1.256 1.2.3.4 1 2',
    'PROXY TCP4 10.0.1.5 1.2.3.4 65536 80', 'PROXY TCP4 10.0.1.5 1.2.3.4 01 80', 'PROXY TCP6 ::1 ::1 1 2',
    'PROXY TCP4 10.0.1.5  1.2.3.4 1 80', 'proxy TCP4 10.0.1.5 1.2.3.4 1 80', 'PROXY TCP4 10.0.1.5 1.2.3.4 1 80 extra',
  ]) assert.equal(parseProxyLine(line), undefined, line);
});

/** Sends `chunks` (spaced out) and resolves with everything the server sent back before closing. */
async function exchange(path: string, chunks: readonly string[]): Promise<string> {
  const socket = connect(path);
  let received = '';
  socket.on('data', (data: Buffer) => {
    received += data.toString();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  for (const chunk of chunks) {
    socket.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  socket.end();
  await closed;
  return received;
}

describe('listenProxied()', () => {
  let directory: string;
  let path: string;
  const seen: (ProxiedAddresses | undefined)[] = [];
  let close: () => Promise<void>;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpcltest-proxy-'));
    path = join(directory, 'echo.sock');
    const listener = await listenProxied(path, {
      headerTimeoutMs: 300,
      onConnection: (socket: Socket, addresses) => {
        seen.push(addresses);
        assert.deepEqual(proxiedAddressesOf(socket), addresses);
        socket.pipe(socket);
        socket.resume();
      },
    });
    close = () => listener.close();
  });

  after(async () => {
    await close();
    assert.ok(!existsSync(path), 'the socket file is gone');
    await rm(directory, { recursive: true, force: true });
  });

  test('listenProxied() hands on the stream after the PROXY line, in one write or several', async () => {
    assert.equal(await exchange(path, ['PROXY TCP4 10.0.1.5 169.254.169.254 40000 80\r\nhello']), 'hello');
    assert.equal(await exchange(path, ['PROXY TCP4 10.0.1.6 169.2', '54.169.254 40001 80\r', '\nhel', 'lo']), 'hello');
    assert.deepEqual(seen.slice(-2).map((addresses) => addresses?.sourceAddress), ['10.0.1.5', '10.0.1.6']);
  });

  test('listenProxied() closes a connection without a valid PROXY line, or too slow to send one', async () => {
    const before = seen.length;
    assert.equal(await exchange(path, ['GET / HTTP/1.1\r\n\r\n']), '');
    assert.equal(await exchange(path, ['x'.repeat(200)]), '');
    const slow = connect(path);
    slow.on('error', () => undefined);
    await new Promise<void>((resolve) => slow.on('close', () => resolve()));
    assert.equal(seen.length, before);
  });

  test('listenProxied() replaces a stale socket file', async () => {
    const stale = join(directory, 'stale.sock');
    await writeFile(stale, 'left by a crashed lab');
    const listener = await listenProxied(stale, { onConnection: (socket) => socket.destroy() });
    assert.ok((await stat(stale)).isSocket());
    await listener.close();
  });
});
