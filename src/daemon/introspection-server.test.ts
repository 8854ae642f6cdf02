import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { describeConfig, parseDaemonConfig } from '../core/config/index.ts';
import { RecordingLogger, tempDir } from './daemon.test-support.ts';
import type { IntrospectionServer, IntrospectionViews } from './introspection-server.ts';
import { goStyleJson, PreformattedJson, startIntrospectionServer } from './introspection-server.ts';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function get(target: { port?: number; socketPath?: string }, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', ...target, path, method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

// One ENI with one /32 assigned once (upstream's shape; containerID and ifName blanked since v1.23.0).
const SAMPLE_ENIS = {
  '0': {
    TotalIPs: 1,
    AssignedIPs: 1,
    ENIs: {
      'eni-0a1b2c3d4e5f60718': {
        ID: 'eni-0a1b2c3d4e5f60718', IsPrimary: true, IsTrunk: false, IsEFA: false, DeviceNumber: 0,
        AvailableIPv4Cidrs: {
          '10.0.1.7/32': {
            Cidr: { IP: '10.0.1.7', Mask: '/////w==' },
            IPAddresses: {
              '10.0.1.7': {
                Address: '10.0.1.7', IPAMKey: { networkName: 'aws-cni', containerID: '', ifName: '' },
                IPAMMetadata: { k8sPodNamespace: 'default', k8sPodName: 'web-1' },
                AssignedTime: '2025-03-24T06:01:36.088123456Z', UnassignedTime: '0001-01-01T00:00:00Z',
              },
            },
            IsPrefix: false, AddressFamily: '',
          },
        },
        IPv6Cidrs: {}, IsExcludedForPodIPs: false, RouteTableID: 254, SubnetID: 'subnet-0123456789abcdef0',
      },
    },
  },
};

const SAMPLE_ENIS_TEXT =
  '{"0":{"TotalIPs":1,"AssignedIPs":1,"ENIs":{"eni-0a1b2c3d4e5f60718":{"ID":"eni-0a1b2c3d4e5f60718","IsPrimary":true,"IsTrunk":false,"IsEFA":false,' +
  '"DeviceNumber":0,"AvailableIPv4Cidrs":{"10.0.1.7/32":{"Cidr":{"IP":"10.0.1.7","Mask":"/////w=="},"IPAddresses":{"10.0.1.7":{"Address":"10.0.1.7",' +
  '"IPAMKey":{"networkName":"aws-cni","containerID":"","ifName":""},"IPAMMetadata":{"k8sPodNamespace":"default","k8sPodName":"web-1"},' +
  '"AssignedTime":"2025-03-24T06:01:36.088123456Z","UnassignedTime":"0001-01-01T00:00:00Z"}},"IsPrefix":false,"AddressFamily":""}},' +
  '"IPv6Cidrs":{},"IsExcludedForPodIPs":false,"RouteTableID":254,"SubnetID":"subnet-0123456789abcdef0"}}}}';

const ROOT = '{"AvailableCommands":["/v1/enis","/v1/eni-configs","/v1/networkutils-env-settings","/v1/ipamd-env-settings"]}';

const description = describeConfig(parseDaemonConfig({ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.1.0.0/16,10.2.0.0/16', WARM_IP_TARGET: '5' }));
let eniConfig: string | undefined = 'us-west-2a';
const views: IntrospectionViews = {
  enis: () => SAMPLE_ENIS,
  eniConfigName: () => eniConfig,
  ipamdEnvSettings: () => description.ipamdEnvSettings,
  networkutilsEnvSettings: () => Promise.resolve(description.networkutilsEnvSettings),
};
const logger = new RecordingLogger();
let server: IntrospectionServer;
let port: number;

before(async () => {
  server = await startIntrospectionServer({ bindAddress: '127.0.0.1:0', views, logger, vpcnetViews: { pool: () => ({ decision: 'hold', free: 3 }) } });
  port = server.port ?? 0;
});
after(() => server.close());

test('startIntrospectionServer() serves /v1/enis compact, byte for byte, with no trailing newline', async () => {
  const answer = await get({ port }, '/v1/enis');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, SAMPLE_ENIS_TEXT);
  assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8', "what Go's sniffing gives upstream clients");
});

test('startIntrospectionServer() serves both env-settings views in upstream shape', async () => {
  assert.equal(
    (await get({ port }, '/v1/ipamd-env-settings')).body,
    '{"AWS_MANAGE_ENIS_NON_SCHEDULABLE":false,"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":false,"ENABLE_SUBNET_DISCOVERY":true,"WARM_ENI_TARGET":1,"WARM_IP_TARGET":5}',
  );
  assert.equal(
    (await get({ port }, '/v1/networkutils-env-settings')).body,
    '{"AWS_EXTERNAL_SERVICE_CIDRS":null,"AWS_VPC_CNI_NODE_PORT_SUPPORT":true,"AWS_VPC_ENI_MTU":9001,"AWS_VPC_K8S_CNI_CONNMARK":128,' +
      '"AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS":["10.1.0.0/16","10.2.0.0/16"],"AWS_VPC_K8S_CNI_EXTERNALSNAT":false,"AWS_VPC_K8S_CNI_RANDOMIZESNAT":2,' +
      '"AWS_VPC_K8S_CNI_VETHPREFIX":"eni"}',
  );
});

test('startIntrospectionServer() serves the ENIConfig name as a JSON string, and Go 404 text when there is none', async () => {
  assert.deepEqual(await get({ port }, '/v1/eni-configs').then((answer) => [answer.status, answer.body]), [200, '"us-west-2a"']);
  eniConfig = undefined;
  try {
    const missing = await get({ port }, '/v1/eni-configs');
    assert.equal(missing.status, 404);
    assert.equal(missing.body, 'Not Found\n');
    assert.equal(missing.headers['x-content-type-options'], 'nosniff');
  } finally {
    eniConfig = 'us-west-2a';
  }
});

test('startIntrospectionServer() answers / and every unknown path with AvailableCommands, whatever the method', async () => {
  for (const path of ['/', '/v1/pods', '/v1/enis/', '/v2/enis', '/favicon.ico', '/v1/enisx?y=1']) {
    const answer = await get({ port }, path);
    assert.deepEqual([answer.status, answer.body], [200, ROOT], path);
  }
  assert.equal((await get({ port }, '/v1/enis?pretty=1', 'POST')).body, SAMPLE_ENIS_TEXT, 'a query string does not change the path');
});

test('startIntrospectionServer() serves vpcnet views under /vpcnet/v1/ as application/json', async () => {
  const pool = await get({ port }, '/vpcnet/v1/pool');
  assert.deepEqual([pool.status, pool.body, pool.headers['content-type']], [200, '{"decision":"hold","free":3}', 'application/json']);
  assert.equal((await get({ port }, '/vpcnet/v1/')).body, '{"AvailableCommands":["/vpcnet/v1/pool"]}');
  assert.equal((await get({ port }, '/vpcnet/v1/constructor')).body, '{"AvailableCommands":["/vpcnet/v1/pool"]}');
});

test('startIntrospectionServer() logs every request with method, uri and status', async () => {
  await get({ port }, '/v1/enis?x=1');
  const line = logger.find('Handling http request').at(-1);
  assert.equal(line?.fields.method, 'GET');
  assert.equal(line?.fields.uri, '/v1/enis?x=1');
  assert.equal(line?.fields.status, 200);
  assert.match(String(line?.fields.from), /^127\.0\.0\.1:\d+$/);
});

test('startIntrospectionServer() answers a view that throws with 500 and keeps serving', async () => {
  const failing = await startIntrospectionServer({
    bindAddress: '127.0.0.1:0',
    views: { ...views, enis: () => { throw new Error('datastore busy'); } },
    logger,
  });
  try {
    const answer = await get({ port: failing.port }, '/v1/enis');
    assert.deepEqual([answer.status, answer.body], [500, 'Internal Server Error\n']);
    assert.match(String(logger.find('Failed to render an introspection view').at(-1)?.fields.error), /datastore busy/);
    assert.equal((await get({ port: failing.port }, '/')).body, ROOT);
  } finally {
    await failing.close();
  }
});

test('startIntrospectionServer() listens on unix:<path> and removes the socket when closed', async () => {
  const dir = await tempDir('vpcnet-introspect-');
  const socketPath = join(dir.path, 'run', 'introspection.sock');
  const onSocket = await startIntrospectionServer({ bindAddress: `unix:${socketPath}`, views: { ...views, enis: () => new PreformattedJson('{"0":{}}') }, logger });
  try {
    assert.equal(onSocket.address, `unix:${socketPath}`);
    assert.equal(onSocket.port, undefined);
    assert.equal((await get({ socketPath }, '/v1/enis')).body, '{"0":{}}');
  } finally {
    await onSocket.close();
    await assert.rejects(get({ socketPath }, '/'), { code: 'ENOENT' });
    await dir.remove();
  }
});

test('startIntrospectionServer() refuses a bad bind address or view name', async () => {
  await assert.rejects(startIntrospectionServer({ bindAddress: '127.0.0.1', views, logger }), RangeError);
  await assert.rejects(startIntrospectionServer({ bindAddress: '127.0.0.1:0', views, logger, vpcnetViews: { 'Bad/Name': () => 1 } }), /Cannot serve vpcnet view "Bad\/Name"/);
});

test("goStyleJson() escapes HTML characters and line separators as Go's json.Marshal does", () => {
  assert.equal(goStyleJson({ a: '<b> & \u2028\u2029' }), '{"a":"\\u003cb\\u003e \\u0026 \\u2028\\u2029"}');
  assert.equal(goStyleJson(undefined), 'null');
  assert.equal(goStyleJson(['x', 1, null, true]), '["x",1,null,true]');
  assert.equal(goStyleJson(new PreformattedJson('{"raw":1}')), '{"raw":1}');
});
