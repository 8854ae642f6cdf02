/**
 * The emulated IMDS against real clients: the AWS SDK's `@aws-sdk/ec2-metadata-service` (which does
 * the IMDSv2 token dance itself) and curl, as shell scripts such as max-pods-calculator.sh use it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { startImdsServer } from '../../src/lab/imds/server.ts';
import type { ImdsServer } from '../../src/lab/imds/server.ts';
import { SUBNET_2_ID, addInstance, attachEni, fixtureModel, standardNode } from '../../src/lab/imds/test-fixtures.ts';

const run = promisify(execFile);
const CURL = '/usr/bin/curl';
const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';
const INSTANCE_ID = 'i-0123456789abcdef0';
const OTHER_ID = 'i-0000000000000000b';

let server: ImdsServer;
let otherServer: ImdsServer;

before(async () => {
  const model = fixtureModel();
  standardNode(model);
  attachEni(model, INSTANCE_ID, {
    eniId: 'eni-00000000000000002',
    mac: MAC2,
    ips: ['100.64.0.20', '100.64.0.21'],
    prefixes: ['100.64.1.0/28', '100.64.1.16/28'],
    deviceIndex: 1,
    subnetId: SUBNET_2_ID,
  });
  addInstance(model, { instanceId: OTHER_ID, eniId: 'eni-0000000000000000b', mac: '02:00:00:00:00:0b', ips: ['10.0.1.99'] });
  server = await startImdsServer({ model, instanceId: INSTANCE_ID });
  otherServer = await startImdsServer({ model, instanceId: OTHER_ID });
});

after(async () => {
  await server.close();
  await otherServer.close();
});

function sdk(options: { disableFetchToken?: boolean } = {}): MetadataService {
  return new MetadataService({ endpoint: server.url, retries: 0, httpOptions: { timeout: 5000 }, ...options });
}

/** Runs curl and returns the HTTP status and body (curl appends the status after a newline). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run(CURL, ['-s', '--noproxy', '*', '-w', '\n%{http_code}', ...args]);
  const split = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(split + 1)), body: stdout.slice(0, split) };
}

async function curlToken(ttl = '21600'): Promise<string> {
  const reply = await curl(['-X', 'PUT', '-H', `X-aws-ec2-metadata-token-ttl-seconds: ${ttl}`, `${server.url}/latest/api/token`]);
  assert.equal(reply.status, 200);
  return reply.body;
}

async function curlGet(path: string, token: string): Promise<{ status: number; body: string }> {
  return curl(['-H', `X-aws-ec2-metadata-token: ${token}`, `${server.url}${path}`]);
}

test('MetadataService.request() reads instance-id and mac with IMDSv2', async () => {
  const client = sdk();
  assert.equal(await client.request('/latest/meta-data/instance-id', {}), INSTANCE_ID);
  assert.equal(await client.request('/latest/meta-data/mac', {}), MAC1);
  assert.match(await client.fetchMetadataToken(), /^[A-Za-z0-9+/=]{40,}$/);
});

test('MetadataService.request() reads the macs listing and per-MAC fields', async () => {
  const client = sdk();
  const base = '/latest/meta-data/network/interfaces/macs/';
  assert.equal(await client.request(base, {}), `${MAC1}/\n${MAC2}/`);
  assert.equal(await client.request(`${base}${MAC2}/local-ipv4s`, {}), '100.64.0.20\n100.64.0.21');
  assert.equal(await client.request(`${base}${MAC2}/ipv4-prefix`, {}), '100.64.1.0/28\n100.64.1.16/28');
  assert.equal(await client.request(`${base}${MAC2}/device-number`, {}), '1');
  assert.equal(await client.request(`${base}${MAC1}/device-number`, {}), '0');
  await assert.rejects(client.request(`${base}${MAC1}/ipv4-prefix`, {}), (error: { $metadata?: { httpStatusCode?: number } }) => {
    return error.$metadata?.httpStatusCode === 404;
  });
});

test('MetadataService.request() reads a parseable identity document', async () => {
  const text = await sdk().request('/latest/dynamic/instance-identity/document', {});
  const document = JSON.parse(text) as Record<string, unknown>;
  assert.equal(document.region, 'us-west-2');
  assert.equal(document.instanceId, INSTANCE_ID);
  assert.equal(document.instanceType, 'm5.large');
  assert.equal(document.privateIp, '10.0.1.10');
  assert.equal(document.version, '2017-09-30');
});

test('MetadataService.request() without a token gets 401 from an IMDSv2-only endpoint', async () => {
  const client = sdk({ disableFetchToken: true });
  await assert.rejects(client.request('/latest/meta-data/instance-id', {}), (error: { $metadata?: { httpStatusCode?: number } }) => {
    return error.$metadata?.httpStatusCode === 401;
  });
});

test('curl reads instance-id, mac, the macs listing and per-MAC fields with a token', async () => {
  const token = await curlToken();
  assert.deepEqual(await curlGet('/latest/meta-data/instance-id', token), { status: 200, body: INSTANCE_ID });
  assert.deepEqual(await curlGet('/latest/meta-data/mac', token), { status: 200, body: MAC1 });
  const macs = await curlGet('/latest/meta-data/network/interfaces/macs', token);
  assert.deepEqual(macs, { status: 200, body: `${MAC1}/\n${MAC2}/` });
  const base = `/latest/meta-data/network/interfaces/macs/${MAC2}`;
  assert.equal((await curlGet(`${base}/local-ipv4s`, token)).body, '100.64.0.20\n100.64.0.21');
  assert.equal((await curlGet(`${base}/ipv4-prefix`, token)).body, '100.64.1.0/28\n100.64.1.16/28');
  assert.equal((await curlGet(`${base}/device-number`, token)).body, '1');
  assert.equal((await curlGet('/latest/meta-data/instance-type', token)).body, 'm5.large');
});

test('curl reads a parseable identity document, as max-pods-calculator.sh does', async () => {
  const token = await curlToken();
  const reply = await curlGet('/latest/dynamic/instance-identity/document', token);
  assert.equal(reply.status, 200);
  const document = JSON.parse(reply.body) as Record<string, unknown>;
  assert.equal(document.region, 'us-west-2');
  assert.equal(document.availabilityZone, 'us-west-2a');
  assert.equal(document.accountId, '111122223333');
});

test('curl gets 401 without a token and with a made-up one', async () => {
  const noToken = await curl([`${server.url}/latest/meta-data/instance-id`]);
  assert.equal(noToken.status, 401);
  assert.equal((await curlGet('/latest/meta-data/instance-id', 'AQAEAnotarealtoken==')).status, 401);
});

test('curl gets 400 for a token request with a bad or missing TTL', async () => {
  for (const ttl of ['0', '21601', 'abc']) {
    const reply = await curl(['-X', 'PUT', '-H', `X-aws-ec2-metadata-token-ttl-seconds: ${ttl}`, `${server.url}/latest/api/token`]);
    assert.equal(reply.status, 400, ttl);
  }
  assert.equal((await curl(['-X', 'PUT', `${server.url}/latest/api/token`])).status, 400);
});

test('curl gets 403 for a token request carrying X-Forwarded-For', async () => {
  const reply = await curl([
    '-X', 'PUT',
    '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60',
    '-H', 'X-Forwarded-For: 203.0.113.9',
    `${server.url}/latest/api/token`,
  ]);
  assert.equal(reply.status, 403);
});

test('curl gets 404 with an HTML body for an unknown path', async () => {
  const token = await curlToken();
  const reply = await curlGet('/latest/meta-data/no-such-key', token);
  assert.equal(reply.status, 404);
  assert.match(reply.body, /<title>404 - Not Found<\/title>/);
});

test('curl gets 405 for a POST', async () => {
  const reply = await curl(['-X', 'POST', `${server.url}/latest/meta-data/mac`]);
  assert.equal(reply.status, 405);
});

test('a server per instance serves that instance, and its tokens only work there', async () => {
  const other = new MetadataService({ endpoint: otherServer.url, retries: 0 });
  assert.equal(await other.request('/latest/meta-data/instance-id', {}), OTHER_ID);
  const otherToken = await other.fetchMetadataToken();
  assert.equal((await curlGet('/latest/meta-data/instance-id', otherToken)).status, 401);
});
