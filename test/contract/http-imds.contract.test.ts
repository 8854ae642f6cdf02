/**
 * HttpImds against the lab's IMDS server: a node with two ENIs (secondary IPs on both, /28 prefixes on the
 * second), IMDSv2 token renewal before and after expiry, and 404s.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HttpImds, ImdsError } from '../../src/adapters/aws/http-imds.ts';
import type { HttpImdsOptions } from '../../src/adapters/aws/http-imds.ts';
import type { Ec2Model } from '../../src/lab/ec2/model/model.ts';
import { startImdsServer } from '../../src/lab/imds/server.ts';
import type { ImdsServer } from '../../src/lab/imds/server.ts';
import { FakeClock, SG_2_ID, SG_ID, SUBNET_2_ID, SUBNET_ID, VPC_ID, attachEni, fixtureModel, standardNode } from '../../src/lab/imds/test-fixtures.ts';

const INSTANCE_ID = 'i-0123456789abcdef0';
const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';

let clock: FakeClock;
let model: Ec2Model;
let server: ImdsServer;

before(async () => {
  clock = new FakeClock();
  model = fixtureModel(clock);
  standardNode(model);
  attachEni(model, INSTANCE_ID, {
    eniId: 'eni-00000000000000002',
    mac: MAC2,
    ips: ['100.64.0.20', '100.64.0.21'],
    prefixes: ['100.64.1.0/28', '100.64.1.16/28'],
    deviceIndex: 1,
    subnetId: SUBNET_2_ID,
    groupIds: [SG_2_ID],
  });
  server = await startImdsServer({ model, instanceId: INSTANCE_ID });
});

after(async () => server.close());

/** A fetch that records `METHOD status` of every exchange. */
function recordingFetch(log: string[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    log.push(`${init?.method ?? 'GET'} ${response.status}`);
    return response;
  };
}

function imds(options: HttpImdsOptions = {}): HttpImds {
  return new HttpImds({ baseUrl: server.url, clock: { now: clock.read }, ...options });
}

test('identity() reads the node and its region from the identity document', async () => {
  assert.deepEqual(await imds().identity(), {
    instanceId: INSTANCE_ID,
    instanceType: 'm5.large',
    region: 'us-west-2',
    availabilityZone: 'us-west-2a',
    privateIp: '10.0.1.10',
    primaryMac: MAC1,
  });
});

test('interfaces() reads both ENIs; the primary has no prefixes (404 means none)', async () => {
  const log: string[] = [];
  const interfaces = await imds({ fetch: recordingFetch(log) }).interfaces();
  assert.deepEqual(interfaces, [
    {
      mac: MAC1,
      interfaceId: 'eni-00000000000000001',
      deviceNumber: 0,
      networkCard: 0,
      subnetId: SUBNET_ID,
      subnetCidr: '10.0.1.0/24',
      vpcId: VPC_ID,
      vpcCidrs: ['10.0.0.0/16', '100.64.0.0/16'],
      securityGroupIds: [SG_ID, SG_2_ID],
      localIpv4s: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
      ipv4Prefixes: [],
    },
    {
      mac: MAC2,
      interfaceId: 'eni-00000000000000002',
      deviceNumber: 1,
      networkCard: 0,
      subnetId: SUBNET_2_ID,
      subnetCidr: '100.64.0.0/20',
      vpcId: VPC_ID,
      vpcCidrs: ['10.0.0.0/16', '100.64.0.0/16'],
      securityGroupIds: [SG_2_ID],
      localIpv4s: ['100.64.0.20', '100.64.0.21'],
      ipv4Prefixes: ['100.64.1.0/28', '100.64.1.16/28'],
    },
  ]);
  assert.equal(log.filter((entry) => entry === 'GET 404').length, 1, 'the primary ENI ipv4-prefix');
  assert.equal(log.filter((entry) => entry.startsWith('PUT')).length, 1, 'one token for all reads');
});

test('interfaces() sees an ENI attached later, as EC2 reports it', async () => {
  const reader = imds();
  attachEni(model, INSTANCE_ID, { eniId: 'eni-00000000000000003', mac: '02:00:00:00:00:03', ips: ['10.0.1.30'], deviceIndex: 2 });
  try {
    const interfaces = await reader.interfaces();
    assert.deepEqual(interfaces.map((eni) => [eni.interfaceId, eni.deviceNumber]), [
      ['eni-00000000000000001', 0],
      ['eni-00000000000000002', 1],
      ['eni-00000000000000003', 2],
    ]);
  } finally {
    model.state.networkInterfaces.delete('eni-00000000000000003');
  }
});

test('HttpImds gets a new token when IMDS has let the cached one expire (401)', async () => {
  const log: string[] = [];
  // The adapter's own clock stands still, so it trusts its cached token; the server's moves past the TTL.
  const reader = imds({ tokenTtlSeconds: 60, clock: { now: () => 0 }, fetch: recordingFetch(log) });
  assert.equal((await reader.identity()).instanceId, INSTANCE_ID);
  clock.advance(61_000);
  assert.equal((await reader.identity()).instanceId, INSTANCE_ID);
  assert.equal(log.filter((entry) => entry === 'PUT 200').length, 2);
  assert.ok(log.includes('GET 401'), 'the expired token was refused');
});

test('HttpImds renews its token shortly before the TTL runs out, without a 401', async () => {
  const log: string[] = [];
  const reader = imds({ tokenTtlSeconds: 60, fetch: recordingFetch(log) });
  await reader.identity();
  clock.advance(50_000);
  await reader.identity();
  assert.equal(log.filter((entry) => entry.startsWith('PUT')).length, 1, 'still valid after 50 s');
  clock.advance(5_000);
  await reader.identity();
  assert.equal(log.filter((entry) => entry.startsWith('PUT')).length, 2, 'renewed in the last 6 s of 60');
  assert.equal(log.includes('GET 401'), false);
});

test('identity() fails with ImdsError 404 when IMDS does not know the instance', async () => {
  const unknown = await startImdsServer({ model, instanceId: 'i-00000000000000404' });
  try {
    await assert.rejects(new HttpImds({ baseUrl: unknown.url }).identity(), (error) => error instanceof ImdsError && error.status === 404);
  } finally {
    await unknown.close();
  }
});

test('HttpImds retries a refused connection and then fails with ImdsError', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  const reader = new HttpImds({ baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 3, sleep });
  await assert.rejects(reader.interfaces(), (error) => error instanceof ImdsError && error.status === undefined && error.path === 'api/token');
  assert.equal(sleeps.length, 2);
});
