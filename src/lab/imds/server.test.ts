import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startImdsServer } from './server.ts';
import { addInstance, fixtureModel } from './test-fixtures.ts';

function loopbackNode(): ReturnType<typeof fixtureModel> {
  const model = fixtureModel();
  // The caller's address is 127.0.0.1, so an ENI with that address makes the test process "the node".
  addInstance(model, { instanceId: 'i-0000000000000007f', eniId: 'eni-0000000000000007f', mac: '02:00:00:00:00:7f', ips: ['127.0.0.1'] });
  return model;
}

test('startImdsServer() finds the calling instance by its source address by default', async () => {
  const server = await startImdsServer({ model: loopbackNode() });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const tokenReply = await fetch(`${server.url}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' },
    });
    assert.equal(tokenReply.status, 200);
    assert.equal(tokenReply.headers.get('x-aws-ec2-metadata-token-ttl-seconds'), '60');
    const token = await tokenReply.text();
    const reply = await fetch(`${server.url}/latest/meta-data/instance-id`, { headers: { 'X-aws-ec2-metadata-token': token } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), 'text/plain');
    assert.equal(await reply.text(), 'i-0000000000000007f');
    const head = await fetch(`${server.url}/latest/meta-data/mac`, { method: 'HEAD', headers: { 'X-aws-ec2-metadata-token': token } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '17');
  } finally {
    await server.close();
  }
});

test('startImdsServer() answers 404 to a caller that is no instance', async () => {
  const server = await startImdsServer({ model: fixtureModel(), tokens: 'optional' });
  try {
    const reply = await fetch(`${server.url}/latest/meta-data/instance-id`);
    assert.equal(reply.status, 404);
    assert.equal(reply.headers.get('content-type'), 'text/html');
  } finally {
    await server.close();
  }
});

test('startImdsServer() rejects when the port is taken', async () => {
  const model = loopbackNode();
  const first = await startImdsServer({ model });
  try {
    await assert.rejects(startImdsServer({ model, port: first.port }), /EADDRINUSE/);
  } finally {
    await first.close();
  }
});
