import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImdsError, ImdsSession } from './imds-session.ts';
import type { ImdsSessionOptions } from './imds-session.ts';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A fetch stand-in that records requests and answers each with `reply(request, index)`. */
function fakeFetch(reply: (request: Request, index: number) => Reply): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = [];
  const fake = (input: string, init?: RequestInit): Promise<Response> => {
    const request = { method: init?.method ?? 'GET', url: input, headers: { ...(init?.headers as Record<string, string>) } };
    requests.push(request);
    const answer = reply(request, requests.length - 1);
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve(new Response(answer.body ?? '', { status: answer.status, headers: answer.headers ?? {} }));
  };
  return { fetch: fake as unknown as typeof fetch, requests };
}

function session(fetcher: typeof fetch, options: Partial<ImdsSessionOptions> = {}): { session: ImdsSession; time: { now: number }; sleeps: number[] } {
  const time = { now: 0 };
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  return { session: new ImdsSession({ baseUrl: 'http://imds.test/', fetch: fetcher, clock: { now: () => time.now }, sleep, random: () => 0.5, ...options }), time, sleeps };
}

/** IMDS that issues token `t<n>` and serves `value` for any path to a current token. */
function tokenServer(valid: (token: string) => boolean = () => true): (request: Request) => Reply {
  let issued = 0;
  return (request) => {
    if (request.method === 'PUT') return { status: 200, body: `t${++issued}`, headers: { 'x-aws-ec2-metadata-token-ttl-seconds': request.headers['x-aws-ec2-metadata-token-ttl-seconds'] ?? '' } };
    const token = request.headers['x-aws-ec2-metadata-token'] ?? '';
    return valid(token) ? { status: 200, body: `value with ${token}` } : { status: 401 };
  };
}

test('get() fetches one token with the TTL header and reuses it', async () => {
  const { fetch, requests } = fakeFetch(tokenServer());
  const { session: imds } = session(fetch, { tokenTtlSeconds: 600 });
  assert.equal(await imds.get('meta-data/mac'), 'value with t1');
  assert.equal(await imds.get('meta-data/instance-id'), 'value with t1');
  assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`), [
    'PUT http://imds.test/latest/api/token',
    'GET http://imds.test/latest/meta-data/mac',
    'GET http://imds.test/latest/meta-data/instance-id',
  ]);
  assert.equal(requests[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds'], '600');
});

test('get() shares one token request between concurrent reads', async () => {
  const { fetch, requests } = fakeFetch(tokenServer());
  const { session: imds } = session(fetch);
  await Promise.all([imds.get('a'), imds.get('b'), imds.get('c')]);
  assert.equal(requests.filter((r) => r.method === 'PUT').length, 1);
});

test('get() renews the token shortly before it expires', async () => {
  const { fetch, requests } = fakeFetch(tokenServer());
  const { session: imds, time } = session(fetch, { tokenTtlSeconds: 100 });
  await imds.get('a');
  time.now += 89_000;
  assert.equal(await imds.get('a'), 'value with t1');
  time.now += 2_000;
  assert.equal(await imds.get('a'), 'value with t2', 'renewed within the last tenth of its life');
  assert.equal(requests.filter((r) => r.method === 'PUT').length, 2);
});

test('get() fetches a new token once when IMDS answers 401', async () => {
  const { fetch } = fakeFetch(tokenServer((token) => token !== 't1'));
  const { session: imds } = session(fetch);
  assert.equal(await imds.get('a'), 'value with t2');
  const never = fakeFetch(tokenServer(() => false));
  await assert.rejects(session(never.fetch).session.get('a'), (error) => error instanceof ImdsError && error.status === 401);
  assert.equal(never.requests.length, 4, 'PUT, GET, PUT, GET and no more');
});

test('get() is undefined for 404', async () => {
  const { fetch } = fakeFetch((request) => (request.method === 'PUT' ? { status: 200, body: 't' } : { status: 404, body: '<html>404 - Not Found</html>' }));
  assert.equal(await session(fetch).session.get('meta-data/network/interfaces/macs/m/ipv4-prefix'), undefined);
});

test('get() retries network errors and 5xx with backoff', async () => {
  const { fetch, requests } = fakeFetch((request, index) => {
    if (index === 0) return new TypeError('fetch failed');
    if (request.method === 'PUT') return { status: 200, body: 't' };
    return index < 4 ? { status: index === 2 ? 503 : 500 } : { status: 200, body: 'ok' };
  });
  const { session: imds, sleeps } = session(fetch);
  assert.equal(await imds.get('a'), 'ok');
  assert.equal(requests.length, 5);
  assert.deepEqual(sleeps, [50, 50, 100]);
});

test('get() gives up with ImdsError after maxAttempts', async () => {
  const down = fakeFetch(() => new TypeError('fetch failed'));
  await assert.rejects(session(down.fetch, { maxAttempts: 3 }).session.get('a'), (error) => {
    assert.ok(error instanceof ImdsError);
    assert.equal(error.status, undefined);
    assert.equal(error.path, 'api/token');
    assert.match(error.message, /fetch failed/);
    return true;
  });
  assert.equal(down.requests.length, 3);
  const failing = fakeFetch((request) => (request.method === 'PUT' ? { status: 200, body: 't' } : { status: 500 }));
  await assert.rejects(session(failing.fetch, { maxAttempts: 2 }).session.get('a'), { name: 'ImdsError', status: 500 });
});

test('get() reports a refused token request', async () => {
  const { fetch } = fakeFetch(() => ({ status: 403 }));
  await assert.rejects(session(fetch).session.get('a'), { name: 'ImdsError', status: 403, path: 'api/token' });
});

test('get() aborts a request that takes longer than the timeout, and retries it', async () => {
  let calls = 0;
  const slow = ((_input: string, init?: RequestInit) => {
    calls++;
    return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
  }) as typeof fetch;
  await assert.rejects(session(slow, { requestTimeoutMs: 10, maxAttempts: 2 }).session.get('a'), { name: 'ImdsError' });
  assert.equal(calls, 2);
});

test('ImdsSession() rejects a TTL outside 1..21600 s', () => {
  assert.throws(() => new ImdsSession({ tokenTtlSeconds: 0 }), RangeError);
  assert.throws(() => new ImdsSession({ tokenTtlSeconds: 21_601 }), RangeError);
  assert.throws(() => new ImdsSession({ maxAttempts: 0 }), RangeError);
});
