import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpImds, ImdsError } from './http-imds.ts';

const MACS = '/latest/meta-data/network/interfaces/macs/';

/** A fake IMDS over a path → text (or HTTP status) table, `otherStatus` (default 404) elsewhere; counts GETs. */
function fakeImds(table: Record<string, string | number>, options: { otherStatus?: number; maxAttempts?: number } = {}): { imds: HttpImds; gets: () => number } {
  let gets = 0;
  const fetcher = (input: string, init?: RequestInit): Promise<Response> => {
    const path = new URL(input).pathname;
    if (init?.method === 'PUT') return Promise.resolve(new Response('token', { status: 200 }));
    gets++;
    const entry = table[path] ?? options.otherStatus ?? 404;
    return Promise.resolve(typeof entry === 'number' ? new Response('', { status: entry }) : new Response(entry, { status: 200 }));
  };
  const sleep = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const imds = new HttpImds({ baseUrl: 'http://imds.test', fetch: fetcher as unknown as typeof fetch, maxAttempts: options.maxAttempts ?? 2, sleep });
  return { imds, gets: () => gets };
}

function eniFields(mac: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = `${MACS}${mac}/`;
  const fields: Record<string, string> = {
    'interface-id': 'eni-1',
    'device-number': '0',
    'subnet-id': 'subnet-1',
    'subnet-ipv4-cidr-block': '10.0.0.0/24',
    'vpc-id': 'vpc-1',
    'vpc-ipv4-cidr-blocks': '10.0.0.0/16\n100.64.0.0/16',
    'security-group-ids': 'sg-1\nsg-2',
    ...extra,
  };
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [base + name, value]));
}

test('interfaces() reads a 404 on network-card, local-ipv4s and ipv4-prefix as 0 and none', async () => {
  const { imds } = fakeImds({ [MACS]: '02:00:00:00:00:01/\n', ...eniFields('02:00:00:00:00:01') });
  assert.deepEqual(await imds.interfaces(), [
    {
      mac: '02:00:00:00:00:01',
      interfaceId: 'eni-1',
      deviceNumber: 0,
      networkCard: 0,
      subnetId: 'subnet-1',
      subnetCidr: '10.0.0.0/24',
      vpcId: 'vpc-1',
      vpcCidrs: ['10.0.0.0/16', '100.64.0.0/16'],
      securityGroupIds: ['sg-1', 'sg-2'],
      localIpv4s: [],
      ipv4Prefixes: [],
    },
  ]);
});

test('interfaces() reads network-card when IMDS has it', async () => {
  const { imds } = fakeImds({ [MACS]: '02:00:00:00:00:01/', ...eniFields('02:00:00:00:00:01', { 'network-card': '1', 'device-number': '3' }) });
  const [eni] = await imds.interfaces();
  assert.deepEqual([eni?.networkCard, eni?.deviceNumber], [1, 3]);
});

test('interfaces() fails with ImdsError 404 for a missing required field', async () => {
  const table: Record<string, string> = { [MACS]: '02:00:00:00:00:01/', ...eniFields('02:00:00:00:00:01') };
  delete table[`${MACS}02:00:00:00:00:01/subnet-id`];
  await assert.rejects(fakeImds(table).imds.interfaces(), (error) => error instanceof ImdsError && error.status === 404 && error.path.endsWith('/subnet-id'));
});

test('interfaces() rejects a device number that is not a number', async () => {
  const { imds } = fakeImds({ [MACS]: '02:00:00:00:00:01/', ...eniFields('02:00:00:00:00:01', { 'device-number': 'one' }) });
  await assert.rejects(imds.interfaces(), /not a number/);
});

test('identity() stops the other reads once one fails for good', async () => {
  // instance-id is answered 404 at once; every other path answers 500, which is retried (up to 1000 times).
  const { imds, gets } = fakeImds({ '/latest/meta-data/instance-id': 404 }, { otherStatus: 500, maxAttempts: 1000 });
  await assert.rejects(imds.identity(), (error) => error instanceof ImdsError && error.status === 404 && error.path === 'meta-data/instance-id');
  const afterFailure = gets();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(gets(), afterFailure, 'no read kept retrying');
  assert.ok(afterFailure < 100, `${afterFailure} GETs`);
});

test('identity() needs a region in the identity document', async () => {
  const table = {
    '/latest/meta-data/instance-id': 'i-1',
    '/latest/meta-data/instance-type': 't3.medium',
    '/latest/meta-data/placement/availability-zone': 'us-west-2a',
    '/latest/meta-data/local-ipv4': '10.0.0.4',
    '/latest/meta-data/mac': '02:00:00:00:00:01',
  };
  await assert.rejects(fakeImds({ ...table, '/latest/dynamic/instance-identity/document': 'not json' }).imds.identity(), /not JSON/);
  await assert.rejects(fakeImds({ ...table, '/latest/dynamic/instance-identity/document': '{"region": ""}' }).imds.identity(), /no region/);
  const identity = await fakeImds({ ...table, '/latest/dynamic/instance-identity/document': '{ "region" : "eu-west-1" }' }).imds.identity();
  assert.deepEqual(identity, { instanceId: 'i-1', instanceType: 't3.medium', availabilityZone: 'us-west-2a', privateIp: '10.0.0.4', primaryMac: '02:00:00:00:00:01', region: 'eu-west-1' });
});
