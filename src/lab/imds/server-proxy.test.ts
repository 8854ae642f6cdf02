import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImdsServer } from './server.ts';
import { startImdsServer } from './server.ts';
import { addInstance, fixtureModel, standardNode } from './test-fixtures.ts';

interface RawReply {
  readonly status: number;
  readonly body: string;
}

/** One HTTP/1.1 request over the UNIX socket, as the fabric's forwarder relays it from `source`. */
async function request(path: string, source: string, head: string): Promise<RawReply> {
  const socket = connect(path);
  let received = '';
  socket.on('data', (data: Buffer) => {
    received += data.toString();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`PROXY TCP4 ${source} 169.254.169.254 41000 80\r\n${head}Host: 169.254.169.254\r\nConnection: close\r\n\r\n`);
  await closed;
  const [statusLine = '', ...rest] = received.split('\r\n');
  return { status: Number(statusLine.split(' ')[1]), body: rest.join('\r\n').split('\r\n\r\n').slice(1).join('\r\n\r\n') };
}

describe('startImdsServer() on a UNIX socket', () => {
  let directory: string;
  let server: ImdsServer;
  let path: string;

  before(async () => {
    const model = fixtureModel();
    standardNode(model);
    addInstance(model, { instanceId: 'i-0000000000000000b', eniId: 'eni-0000000000000000b', mac: '02:00:00:00:00:0b', ips: ['10.0.1.20'] });
    directory = await mkdtemp(join(tmpdir(), 'vpcltest-imds-'));
    path = join(directory, 'imds.sock');
    server = await startImdsServer({ model, unixSocket: path });
  });

  after(async () => {
    await server.close();
    assert.ok(!existsSync(path));
    await rm(directory, { recursive: true, force: true });
  });

  async function token(source: string): Promise<string> {
    const reply = await request(path, source, 'PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n');
    assert.equal(reply.status, 200);
    return reply.body;
  }

  test('startImdsServer() identifies the instance by the PROXY line source, secondary addresses included', async () => {
    assert.equal(server.url, `unix:${path}`);
    const callers: readonly (readonly [string, string])[] = [['10.0.1.10', 'i-0123456789abcdef0'], ['10.0.1.12', 'i-0123456789abcdef0'], ['10.0.1.20', 'i-0000000000000000b']];
    for (const [source, instanceId] of callers) {
      const reply = await request(path, source, `GET /latest/meta-data/instance-id HTTP/1.1\r\nX-aws-ec2-metadata-token: ${await token(source)}\r\n`);
      assert.deepEqual(reply, { status: 200, body: instanceId }, source);
    }
  });

  test('startImdsServer() binds tokens to the instance that asked for them', async () => {
    const other = await token('10.0.1.20');
    const reply = await request(path, '10.0.1.10', `GET /latest/meta-data/instance-id HTTP/1.1\r\nX-aws-ec2-metadata-token: ${other}\r\n`);
    assert.equal(reply.status, 401);
  });

  test('startImdsServer() answers 404 to a source that is no instance, 403 to a proxied token request', async () => {
    assert.equal((await request(path, '10.0.9.9', 'PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n')).status, 404);
    const forwarded = 'PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nX-Forwarded-For: 10.0.1.10\r\n';
    assert.equal((await request(path, '10.0.1.10', forwarded)).status, 403);
  });
});
