import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Ec2Model } from './model/model.ts';
import type { Ec2Server } from './server.ts';
import { startEc2Server } from './server.ts';
import { FAKE_ACTIONS, authorizationFor, elementText, postForm } from './server-test-kit.ts';

/** Sends raw bytes, half-closes, and returns everything received until the server closes (or rejects after 3 s). */
function rawExchange(port: number, bytes: Buffer | string, options: { halfClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after 3 s; received ${Buffer.concat(chunks).toString('latin1')}`));
    }, 3000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(bytes);
    if (options.halfClose !== false) socket.end();
  });
}

/** Starts a POST with the given headers and resolves with the response (and its body text). */
function startPost(
  url: string,
  headers: Record<string, string | number>,
  writeBody: (write: (chunk: Buffer) => boolean, end: () => void) => void,
): Promise<{ response: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { authorization: authorizationFor('AKIDLAB'), ...headers } });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ response, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.flushHeaders();
    writeBody(
      (chunk) => request.write(chunk),
      () => request.end(),
    );
  });
}

describe('startEc2Server() robustness', () => {
  let server: Ec2Server;

  before(async () => {
    server = await startEc2Server({ model: new Ec2Model(), actions: FAKE_ACTIONS, throttle: false, requestTimeoutMs: 300 });
  });
  after(() => server.close());

  async function assertStillServing(): Promise<void> {
    const reply = await postForm(server.url, 'Action=Echo&Value=alive');
    assert.equal(reply.status, 200);
    assert.equal(elementText(reply.text, 'value'), 'alive');
  }

  test('startEc2Server() answers a declared oversized body with 413 without waiting for it', async () => {
    const { response, text } = await startPost(server.url, { 'content-length': 10 * 1024 * 1024 }, () => undefined);
    assert.equal(response.statusCode, 413);
    assert.equal(elementText(text, 'Code'), 'RequestEntityTooLarge');
    response.socket.destroy();
    await assertStillServing();
  });

  test('startEc2Server() stops reading a streamed body past 1 MiB and answers 413', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const { response, text } = await startPost(server.url, { 'transfer-encoding': 'chunked' }, (write, end) => {
      write(Buffer.from('Action=Echo&Value='));
      for (let i = 0; i < 6; i++) write(chunk);
      end();
    });
    assert.equal(response.statusCode, 413);
    assert.equal(elementText(text, 'Code'), 'RequestEntityTooLarge');
    assert.ok(response.headers['x-amzn-requestid']);
    await assertStillServing();
  });

  test('startEc2Server() accepts a body just under the limit', async () => {
    const value = 'v'.repeat(200 * 1024);
    const reply = await postForm(server.url, `Action=Echo&Value=${value}`);
    assert.equal(reply.status, 200);
    assert.equal(elementText(reply.text, 'value')?.length, value.length);
  });

  test('startEc2Server() answers garbage bytes with a 400 XML error and closes the connection', async () => {
    const received = await rawExchange(server.port, Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10]));
    assert.match(received, /^HTTP\/1\.1 400 /);
    assert.match(received, /<Code>InvalidRequest<\/Code>/);
    await assertStillServing();
  });

  test('startEc2Server() survives arbitrary bytes on a connection and always closes it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        await rawExchange(server.port, Buffer.from(bytes));
      }),
      { numRuns: 40 },
    );
    await assertStillServing();
  });

  test('startEc2Server() survives arbitrary form bodies', async () => {
    const body = fc.string({ unit: 'binary', maxLength: 200 });
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const reply = await postForm(server.url, text);
        assert.ok([200, 400].includes(reply.status), `${reply.status} for ${JSON.stringify(text)}`);
        assert.match(reply.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n</);
      }),
      { numRuns: 100 },
    );
  });

  test('startEc2Server() times out a stalled body with 408 and closes the connection', async () => {
    const started = Date.now();
    const received = await rawExchange(
      server.port,
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorizationFor('AKIDLAB')}\r\nContent-Length: 100\r\n\r\nAction=Ec`,
      { halfClose: false },
    );
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.match(received, /<Code>RequestTimeout<\/Code>/);
    assert.ok(Date.now() - started >= 250);
  });

  test('startEc2Server() closes a connection whose headers never finish', async () => {
    const received = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ', { halfClose: false });
    assert.match(received, /^HTTP\/1\.1 408 /);
    await assertStillServing();
  });

  test('startEc2Server() survives clients that abort mid-body', async () => {
    await new Promise<void>((resolve) => {
      const request = httpRequest(server.url, { method: 'POST', headers: { 'content-length': 1000 } });
      request.on('error', () => resolve());
      request.write('Action=Echo&Value=', () => setTimeout(() => request.destroy(), 20));
    });
    await assertStillServing();
  });
});

describe('startEc2Server() latency and shutdown', () => {
  test('startEc2Server() delays every reply by apiResponseMs', async () => {
    const server = await startEc2Server({ model: new Ec2Model(), actions: FAKE_ACTIONS, apiResponseMs: 150 });
    try {
      const started = Date.now();
      const reply = await postForm(server.url, 'Action=Echo');
      assert.equal(reply.status, 200);
      assert.ok(Date.now() - started >= 140, `replied after ${Date.now() - started} ms`);
    } finally {
      await server.close();
    }
  });

  test('close() drops pending replies and open connections promptly', async () => {
    const server = await startEc2Server({ model: new Ec2Model(), actions: FAKE_ACTIONS, apiResponseMs: 60_000 });
    const pending = postForm(server.url, 'Action=Echo').then(
      () => 'replied',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    assert.equal(await pending, 'dropped');
    assert.ok(Date.now() - started < 1000);
  });
});
