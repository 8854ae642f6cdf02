import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fetchInstanceTypeFromImds, runMaxPods } from './max-pods.ts';
import { buildProgram } from './program.ts';
import type { MaxPodsCliOptions } from './max-pods.ts';
import type { Output } from './output.ts';

interface Captured extends Output {
  readonly stdout: string[];
  readonly stderr: string[];
}

function capture(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}

async function run(options: MaxPodsCliOptions): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const output = capture();
  const code = await runMaxPods(options, output);
  return { code, stdout: output.stdout, stderr: output.stderr };
}

test('runMaxPods() prints only the recommended number', async () => {
  assert.deepEqual(await run({ instanceType: 'm5.large', cniVersion: '1.9.0' }), { code: 0, stdout: ['29'], stderr: [] });
  assert.deepEqual((await run({ instanceType: 'c5.18xlarge', cniVersion: '1.9.0' })).stdout, ['250']);
  assert.deepEqual((await run({ instanceType: 'm5.4xlarge', cniVersion: '1.9.0' })).stdout, ['110']);
});

test('runMaxPods() with showMaxAllowed prints the raw eni-max-pods.txt value', async () => {
  assert.deepEqual((await run({ instanceType: 'c5.18xlarge', cniVersion: '1.9.0', showMaxAllowed: true })).stdout, ['737']);
  assert.deepEqual((await run({ instanceType: 'p4d.24xlarge', cniVersion: '1.9.0', showMaxAllowed: true })).stdout, ['737']);
});

test('runMaxPods() applies prefix delegation, custom networking and max ENI', async () => {
  const base = { instanceType: 'm5.large', cniVersion: '1.9.0', showMaxAllowed: true };
  assert.deepEqual((await run({ ...base, cniPrefixDelegationEnabled: true })).stdout, ['434']);
  assert.deepEqual((await run({ ...base, cniPrefixDelegationEnabled: true, showMaxAllowed: false })).stdout, ['110']);
  assert.deepEqual((await run({ ...base, cniPrefixDelegationEnabled: true, cniVersion: '1.8.0' })).stdout, ['29']);
  assert.deepEqual((await run({ ...base, cniCustomNetworkingEnabled: true })).stdout, ['20']);
  assert.deepEqual((await run({ ...base, cniMaxEni: '1' })).stdout, ['11']);
  assert.deepEqual((await run({ ...base, instanceType: 'm4.large', cniPrefixDelegationEnabled: true })).stdout, ['20']);
});

test('runMaxPods() requires an instance type with the script message', async () => {
  assert.deepEqual(await run({ cniVersion: '1.9.0' }), { code: 1, stdout: [], stderr: ['You must specify an instance type to calculate max pods value.'] });
});

test('runMaxPods() requires a CNI version with the script message', async () => {
  assert.deepEqual(await run({ instanceType: 'm5.large' }), { code: 1, stdout: [], stderr: ['You must specify a CNI Version to use. Example - 1.7.5'] });
});

test('runMaxPods() rejects a malformed CNI version or max ENI', async () => {
  const badVersion = await run({ instanceType: 'm5.large', cniVersion: 'latest' });
  assert.equal(badVersion.code, 1);
  assert.match(badVersion.stderr.join('\n'), /Cannot parse CNI version "latest"/);
  for (const cniMaxEni of ['0', '-1', 'two', '1.5']) {
    const result = await run({ instanceType: 'm5.large', cniVersion: '1.9.0', cniMaxEni });
    assert.equal(result.code, 1, cniMaxEni);
    assert.match(result.stderr.join('\n'), /--cni-max-eni/);
  }
});

test('runMaxPods() fails on an unknown instance type', async () => {
  const result = await run({ instanceType: 'm5.huge', cniVersion: '1.9.0' });
  assert.equal(result.code, 1);
  assert.deepEqual(result.stdout, []);
  assert.match(result.stderr.join('\n'), /unknown instance type "m5\.huge"/);
});

let imds: Server;
let imdsUrl: string;
let instanceType = 'm5.large';
const TOKEN = 'fake-imds-token';

function handleImds(request: IncomingMessage, response: ServerResponse): void {
  if (request.method === 'PUT' && request.url === '/latest/api/token') {
    const ttl = request.headers['x-aws-ec2-metadata-token-ttl-seconds'];
    response.writeHead(ttl === undefined ? 400 : 200).end(ttl === undefined ? '' : TOKEN);
    return;
  }
  if (request.method === 'GET' && request.url === '/latest/meta-data/instance-type') {
    const authorised = request.headers['x-aws-ec2-metadata-token'] === TOKEN;
    response.writeHead(authorised ? 200 : 401).end(authorised ? instanceType : '');
    return;
  }
  response.writeHead(404).end();
}

before(async () => {
  imds = createServer(handleImds);
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => imds.close(() => resolve()));
});

test('fetchInstanceTypeFromImds() uses an IMDSv2 session token', async () => {
  instanceType = 'c5.18xlarge';
  assert.equal(await fetchInstanceTypeFromImds(`${imdsUrl}/`), 'c5.18xlarge');
});

test('runMaxPods() with instanceTypeFromImds reads the type from IMDS', async () => {
  instanceType = 'c5.18xlarge';
  assert.deepEqual(await run({ instanceTypeFromImds: true, imdsEndpoint: imdsUrl, cniVersion: '1.9.0' }), { code: 0, stdout: ['250'], stderr: [] });
  instanceType = 'm5.large';
  assert.deepEqual((await run({ instanceTypeFromImds: true, imdsEndpoint: imdsUrl, cniVersion: '1.9.0', showMaxAllowed: true })).stdout, ['29']);
});

test('runMaxPods() with instanceTypeFromImds prefers IMDS over instanceType, like the script', async () => {
  instanceType = 't3.small';
  assert.deepEqual((await run({ instanceTypeFromImds: true, instanceType: 'm5.large', imdsEndpoint: imdsUrl, cniVersion: '1.9.0' })).stdout, ['11']);
});

test('runMaxPods() with instanceTypeFromImds fails on a type IMDS reports but the table lacks', async () => {
  instanceType = 'zz9.plural';
  const result = await run({ instanceTypeFromImds: true, imdsEndpoint: imdsUrl, cniVersion: '1.9.0' });
  assert.equal(result.code, 1);
  assert.match(result.stderr.join('\n'), /unknown instance type "zz9\.plural"/);
});

test('runMaxPods() with instanceTypeFromImds fails when IMDS does not answer in time', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = performance.now();
    const result = await run({ instanceTypeFromImds: true, imdsEndpoint: url, cniVersion: '1.9.0', imdsTimeoutMs: 150 });
    assert.equal(result.code, 1);
    assert.match(result.stderr.join('\n'), /^Cannot read the instance type from IMDS at http:\/\/127\.0\.0\.1:\d+: /);
    assert.ok(performance.now() - started < 2000);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('runMaxPods() with instanceTypeFromImds reports an IMDS error status', async () => {
  const result = await run({ instanceTypeFromImds: true, imdsEndpoint: `${imdsUrl}/nowhere`, cniVersion: '1.9.0' });
  assert.equal(result.code, 1);
  assert.match(result.stderr.join('\n'), /HTTP 404/);
});

/** The real `vpcnet` command tree, writing to `output`. */
function vpcnetProgram(output: Output, codes: number[] = []) {
  return buildProgram({ output, stopped: Promise.resolve(), setExitCode: (code) => codes.push(code) });
}

test('max-pods command parses the script flags', async () => {
  const output = capture();
  const codes: number[] = [];
  const program = vpcnetProgram(output, codes);
  instanceType = 'm5.large';
  const argv = ['max-pods', '--instance-type-from-imds', '--imds-endpoint', imdsUrl, '--cni-version', '1.9.0',
    '--cni-custom-networking-enabled', '--cni-prefix-delegation-enabled', '--cni-max-eni', '2', '--show-max-allowed'];
  await program.parseAsync(argv, { from: 'user' });
  assert.deepEqual({ codes, stdout: output.stdout, stderr: output.stderr }, { codes: [0], stdout: ['146'], stderr: [] });
});

test('max-pods command --help names the data source', async () => {
  const output = capture();
  const program = vpcnetProgram(output);
  await assert.rejects(program.parseAsync(['max-pods', '--help'], { from: 'user' }), { code: 'commander.helpDisplayed' });
  const help = output.stdout.join('\n');
  for (const flag of ['--instance-type <type>', '--instance-type-from-imds', '--imds-endpoint <url>', '--cni-version <x.y.z>',
    '--cni-custom-networking-enabled', '--cni-prefix-delegation-enabled', '--cni-max-eni <n>', '--show-max-allowed', '-h, --help']) {
    assert.ok(help.includes(flag), flag);
  }
  assert.match(help, /instead of 'aws ec2 describe-instance-types'/);
  assert.match(help, /ESTIMATED from the size name/);
});
