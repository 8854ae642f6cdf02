import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImdsHandler, instanceByPrivateIp, instanceResolverFromMap } from './handler.ts';
import type { ImdsOptions, ImdsRequest, ImdsResponse } from './handler.ts';
import { FakeClock, addInstance, attachEni, fixtureModel, standardNode } from './test-fixtures.ts';

const NODE_IP = '10.0.1.10';
const OTHER_IP = '10.0.1.99';
const OTHER_ID = 'i-0000000000000000b';

function setup(options: Omit<ImdsOptions, 'model'> = {}): { clock: FakeClock; handler: ImdsHandler; model: ReturnType<typeof fixtureModel> } {
  const clock = new FakeClock();
  const model = fixtureModel(clock);
  standardNode(model);
  addInstance(model, { instanceId: OTHER_ID, eniId: 'eni-0000000000000000b', mac: '02:00:00:00:00:0b', ips: [OTHER_IP] });
  return { clock, model, handler: new ImdsHandler({ model, ...options }) };
}

function request(method: string, url: string, headers: Record<string, string> = {}, from = NODE_IP): ImdsRequest {
  return { method, url, headers, remoteAddress: from };
}

function tokenFor(handler: ImdsHandler, from = NODE_IP, ttl = '21600'): string {
  const reply = handler.handle(request('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': ttl }, from));
  assert.equal(reply.status, 200);
  return reply.body;
}

function get(handler: ImdsHandler, url: string, token: string | undefined, from = NODE_IP): ImdsResponse {
  return handler.handle(request('GET', url, token === undefined ? {} : { 'x-aws-ec2-metadata-token': token }, from));
}

test('ImdsHandler.handle() issues a token and serves metadata with it', () => {
  const { handler } = setup();
  const token = tokenFor(handler);
  const reply = get(handler, '/latest/meta-data/local-ipv4', token);
  assert.equal(reply.status, 200);
  assert.equal(reply.body, NODE_IP);
  assert.equal(reply.headers['Content-Type'], 'text/plain');
  assert.equal(reply.headers['X-Aws-Ec2-Metadata-Token-Ttl-Seconds'], '21600');
  handler.close();
});

test('ImdsHandler.handle() answers 401 without a token when tokens are required', () => {
  const { handler } = setup();
  const reply = get(handler, '/latest/meta-data/instance-id', undefined);
  assert.equal(reply.status, 401);
  assert.match(reply.body, /<title>401 - Unauthorized<\/title>/);
  handler.close();
});

test('ImdsHandler.handle() allows IMDSv1 reads when tokens are optional, but not bad tokens', () => {
  const { handler } = setup({ tokens: 'optional' });
  assert.equal(get(handler, '/latest/meta-data/instance-id', undefined).body, 'i-0123456789abcdef0');
  assert.equal(get(handler, '/latest/meta-data/instance-id', 'forged').status, 401);
  handler.close();
});

test('ImdsHandler.handle() rejects an expired token with 401', () => {
  const { handler, clock } = setup();
  const token = tokenFor(handler, NODE_IP, '2');
  clock.advance(1999);
  assert.equal(get(handler, '/latest/meta-data/mac', token).status, 200);
  clock.advance(1);
  assert.equal(get(handler, '/latest/meta-data/mac', token).status, 401);
  handler.close();
});

test('ImdsHandler.handle() rejects a token issued to another instance', () => {
  const { handler } = setup();
  const otherToken = tokenFor(handler, OTHER_IP);
  assert.equal(get(handler, '/latest/meta-data/instance-id', otherToken, OTHER_IP).body, OTHER_ID);
  assert.equal(get(handler, '/latest/meta-data/instance-id', otherToken, NODE_IP).status, 401);
  handler.close();
});

test('ImdsHandler.handle() answers a token PUT with 400 on a bad TTL and 403 through a proxy', () => {
  const { handler } = setup();
  const put = (headers: Record<string, string>): number => handler.handle(request('PUT', '/latest/api/token', headers)).status;
  assert.equal(put({}), 400);
  assert.equal(put({ 'x-aws-ec2-metadata-token-ttl-seconds': '0' }), 400);
  assert.equal(put({ 'x-aws-ec2-metadata-token-ttl-seconds': '21601' }), 400);
  assert.equal(put({ 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '1.2.3.4' }), 403);
  handler.close();
});

test('ImdsHandler.handle() answers 405 to other methods', () => {
  const { handler } = setup();
  assert.equal(handler.handle(request('GET', '/latest/api/token')).status, 405);
  assert.equal(handler.handle(request('POST', '/latest/meta-data/mac')).status, 405);
  assert.equal(handler.handle(request('DELETE', '/latest/api/token')).status, 405);
  handler.close();
});

test('ImdsHandler.handle() answers 404 to unknown paths and callers', () => {
  const { handler } = setup({ tokens: 'optional' });
  const reply = get(handler, '/latest/meta-data/no-such-thing', undefined);
  assert.equal(reply.status, 404);
  assert.equal(reply.headers['Content-Type'], 'text/html');
  assert.match(reply.body, /<h1>404 - Not Found<\/h1>/);
  assert.equal(get(handler, '/2009-04-04/meta-data/mac', undefined).status, 404);
  assert.equal(get(handler, '/latest/meta-data/mac', undefined, '192.0.2.1').status, 404);
  assert.equal(handler.handle(request('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '5' }, '192.0.2.1')).status, 404);
  handler.close();
});

test('ImdsHandler.handle() normalises paths as IMDS does', () => {
  const { handler } = setup({ tokens: 'optional' });
  assert.equal(get(handler, '/', undefined).body, 'latest');
  assert.equal(get(handler, '/latest', undefined).body, 'dynamic\nmeta-data');
  assert.equal(get(handler, '/latest/', undefined).body, 'dynamic\nmeta-data');
  assert.equal(get(handler, '//latest/meta-data/mac', undefined).body, '02:00:00:00:00:01');
  assert.equal(get(handler, '/latest/meta-data/mac?x=1', undefined).body, '02:00:00:00:00:01');
  assert.equal(get(handler, '/latest/meta-data', undefined).body, get(handler, '/latest/meta-data/', undefined).body);
  assert.equal(get(handler, '/latest/meta-data/network/interfaces/macs/02%3A00%3A00%3A00%3A00%3A01/mac', undefined).status, 200);
  handler.close();
});

test('ImdsHandler.handle() serves the fixed instanceId to every caller', () => {
  const { handler } = setup({ instanceId: OTHER_ID, tokens: 'optional' });
  assert.equal(get(handler, '/latest/meta-data/instance-id', undefined, '192.0.2.1').body, OTHER_ID);
  handler.close();
});

test('ImdsHandler.handle() resolves callers with resolveInstance when given', () => {
  const resolveInstance = instanceResolverFromMap(new Map([['127.0.0.2', OTHER_ID]]));
  const { handler } = setup({ resolveInstance, tokens: 'optional' });
  assert.equal(get(handler, '/latest/meta-data/instance-id', undefined, '::ffff:127.0.0.2').body, OTHER_ID);
  assert.equal(get(handler, '/latest/meta-data/instance-id', undefined, NODE_IP).status, 404);
  handler.close();
});

test('ImdsHandler.handle() answers 404 for a terminated instance', () => {
  const { handler, model } = setup({ tokens: 'optional' });
  model.state.instances.get(OTHER_ID)!.state = 'terminated';
  assert.equal(get(handler, '/latest/meta-data/instance-id', undefined, OTHER_IP).status, 404);
  assert.equal(get(handler, '/latest/', undefined, OTHER_IP).status, 404);
  handler.close();
});

test('instanceByPrivateIp() finds the owner of any private IP, IPv4-mapped or not', () => {
  const { model, handler } = setup();
  handler.close();
  attachEni(model, OTHER_ID, { eniId: 'eni-0000000000000000c', mac: '02:00:00:00:00:0c', ips: ['10.0.1.77', '10.0.1.78'] });
  assert.equal(instanceByPrivateIp(model, '10.0.1.11'), 'i-0123456789abcdef0');
  assert.equal(instanceByPrivateIp(model, '::ffff:10.0.1.78'), OTHER_ID);
  assert.equal(instanceByPrivateIp(model, '10.0.9.9'), undefined);
});
