import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dummyInterfaceName, hostVethName } from '../core/cni/names.ts';
import type { AddReply, AddRequest, DelReply, DelRequest, StatusReply } from '../core/protocol/protocol.ts';
import { PROTOCOL_VERSION } from '../core/protocol/protocol.ts';
import { PODMAN_ADD_ENV } from '../core/cni/cni-fixtures.test-support.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../ports/command-runner.ts';
import type { Logger } from '../ports/logger.ts';
import type { LogTarget, PluginDeps, PluginIpamd } from './plugin-deps.ts';
import { runCni } from './run-cni.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-run-cni-'));
after(() => rm(dir, { recursive: true, force: true }));
const netns = join(dir, 'netns-file');
await writeFile(netns, '');

/** A daemon whose answers the test sets; it records what it was asked. */
class FakeIpamd implements PluginIpamd {
  readonly adds: AddRequest[] = [];
  readonly dels: DelRequest[] = [];
  addReply: AddReply | Error = { version: PROTOCOL_VERSION, reason: 'ok', addresses: [{ ipv4: '10.0.1.5', deviceNumber: 0, routeTableId: 254 }], vpcCidrs: [], useExternalSnat: false };
  delReply: DelReply | Error | 'hang' = { version: PROTOCOL_VERSION, reason: 'ok', addresses: [] };
  statusReply: StatusReply | Error = { version: PROTOCOL_VERSION, ready: true, message: '' };
  add(request: AddRequest): Promise<AddReply> {
    this.adds.push(request);
    return this.addReply instanceof Error ? Promise.reject(this.addReply) : Promise.resolve(this.addReply);
  }
  del(request: DelRequest): Promise<DelReply> {
    this.dels.push(request);
    if (this.delReply === 'hang') return new Promise(() => undefined);
    return this.delReply instanceof Error ? Promise.reject(this.delReply) : Promise.resolve(this.delReply);
  }
  status(): Promise<StatusReply> {
    return this.statusReply instanceof Error ? Promise.reject(this.statusReply) : Promise.resolve(this.statusReply);
  }
}

/** Answers every command with the same exit code; counts the calls. */
class ExitRunner implements CommandRunner {
  calls = 0;
  readonly #code: number;
  constructor(code: number) {
    this.#code = code;
  }
  run(): Promise<CommandResult> {
    this.calls++;
    return Promise.resolve({ code: this.#code, stdout: '', stderr: this.#code === 0 ? '' : 'RTNETLINK answers: Operation not permitted' });
  }
}

/** Succeeds at everything and keeps each command's arguments and stdin (the `ip -batch` lines). */
class RecordingRunner implements CommandRunner {
  readonly commands: string[] = [];
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.commands.push([file, ...args].join(' '), ...(options?.input ?? '').split('\n').filter((line) => line !== ''));
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  }
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(options: { runner?: CommandRunner; logTargets?: LogTarget[]; random?: (size: number) => Uint8Array } = {}): { ipamd: FakeIpamd; runner: CommandRunner; deps: PluginDeps } {
  const ipamd = new FakeIpamd();
  const runner = options.runner ?? new ExitRunner(0);
  const deps: PluginDeps = {
    runner,
    ipamd: () => ipamd,
    logger: (target) => {
      options.logTargets?.push(target);
      return silent;
    },
    random: options.random ?? ((size) => new Uint8Array(size).fill(0xab)),
    defaultLogFile: join(dir, 'default.log'),
    delTimeoutMs: 200,
  };
  return { ipamd, runner, deps };
}

const CNI_ARGS = 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=abc';

function env(command: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CNI_COMMAND: command, CNI_CONTAINERID: 'abc', CNI_NETNS: netns, CNI_IFNAME: 'eth0', CNI_ARGS, CNI_PATH: '/opt/cni/bin', ...extra };
}

function conf(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ cniVersion: '1.0.0', name: 'aws-cni', type: 'aws-cni', pluginLogFile: join(dir, 'plugin.log'), ...fields });
}

function errorOf(stdout: string): { code: number; msg: string; details?: string; cniVersion: string } {
  return JSON.parse(stdout) as { code: number; msg: string; details?: string; cniVersion: string };
}

test('runCni() answers VERSION in the requested version, or 1.1.0, without a config', async () => {
  const { deps } = setup();
  const echoed = await runCni({ env: { CNI_COMMAND: 'VERSION' }, stdin: '{"cniVersion":"0.4.0"}' }, deps);
  assert.deepEqual(JSON.parse(echoed.stdout), { cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
  assert.equal(echoed.exitCode, 0);
  assert.equal((JSON.parse((await runCni({ env: { CNI_COMMAND: 'VERSION' }, stdin: '' }, deps)).stdout) as { cniVersion: string }).cniVersion, '1.1.0');
});

test('runCni() reports input errors with the spec codes 4, 6, 1 and 7', async () => {
  const { deps, runner } = setup();
  assert.equal(errorOf((await runCni({ env: {}, stdin: conf() }, deps)).stdout).code, 4);
  assert.equal(errorOf((await runCni({ env: env('ADD', { CNI_NETNS: '' }), stdin: conf() }, deps)).stdout).code, 4);
  assert.equal(errorOf((await runCni({ env: env('ADD'), stdin: '{not json' }, deps)).stdout).code, 6);
  assert.equal(errorOf((await runCni({ env: env('ADD'), stdin: conf({ cniVersion: '0.2.0' }) }, deps)).stdout).code, 1);
  const statusOn040 = errorOf((await runCni({ env: env('STATUS'), stdin: conf({ cniVersion: '0.4.0' }) }, deps)).stdout);
  assert.deepEqual([statusOn040.code, statusOn040.cniVersion], [1, '0.4.0']);
  assert.equal(errorOf((await runCni({ env: env('CHECK'), stdin: conf() }, deps)).stdout).code, 7, 'CHECK without prevResult');
  assert.equal((runner as ExitRunner).calls, 0);
});

test('runCni() ADD refuses a netns that does not exist with code 8, before asking the daemon', async () => {
  const { deps, ipamd } = setup();
  const outcome = await runCni({ env: env('ADD', { CNI_NETNS: join(dir, 'gone') }), stdin: conf() }, deps);
  assert.deepEqual([outcome.exitCode, errorOf(outcome.stdout).code], [1, 8]);
  assert.equal(ipamd.adds.length, 0);
});

test('runCni() ADD turns the daemon reason into code 11 with an actionable message', async () => {
  const { deps, ipamd } = setup();
  ipamd.addReply = { version: PROTOCOL_VERSION, reason: 'eni-limit', message: '', detail: { instanceType: 't3.small', enis: 3, eniLimit: 3 } };
  const error = errorOf((await runCni({ env: env('ADD'), stdin: conf() }, deps)).stdout);
  assert.equal(error.code, 11);
  assert.equal(error.msg, 'cannot assign an IP to pod "default/web-1": warm pool empty, ENI limit 3 of 3 reached on t3.small');
  assert.match(error.details ?? '', /^reason eni-limit: /);
  assert.deepEqual(ipamd.adds[0]?.key, { networkName: 'aws-cni', containerId: 'abc', ifName: 'eth0' });
});

test('runCni() ADD with the daemon unreachable is code 11 naming the socket', async () => {
  const { deps, ipamd } = setup();
  ipamd.addReply = new Error('connect ENOENT');
  const error = errorOf((await runCni({ env: env('ADD'), stdin: conf({ ipamdSocket: '/run/x/ipamd.sock' }) }, deps)).stdout);
  assert.equal(error.code, 11);
  assert.match(error.msg, /does not answer on \/run\/x\/ipamd\.sock \(connect ENOENT\)/);
});

test('runCni() ADD whose datapath setup fails releases the address with cause SetupNSFailed (code 999)', async () => {
  const { deps, ipamd } = setup({ runner: new ExitRunner(1) });
  const outcome = await runCni({ env: env('ADD'), stdin: conf() }, deps);
  const error = errorOf(outcome.stdout);
  assert.equal(error.code, 999);
  assert.match(error.msg, /^cannot set up the network of pod "default\/web-1": /);
  assert.deepEqual(ipamd.dels.map((request) => request.cause), ['SetupNSFailed']);
});

test('runCni() DEL succeeds when the daemon is unreachable, fails, or never answers', async () => {
  for (const reply of [new Error('connect ECONNREFUSED'), { version: PROTOCOL_VERSION, reason: 'internal', message: 'boom' } as const, 'hang' as const]) {
    const { deps, ipamd } = setup();
    ipamd.delReply = reply;
    const outcome = await runCni({ env: env('DEL'), stdin: conf() }, deps);
    assert.deepEqual(outcome, { stdout: '', exitCode: 0 });
    assert.equal(ipamd.dels[0]?.cause, 'PodDeleted');
  }
});

test('runCni() DEL succeeds with an empty CNI_NETNS and malformed CNI_ARGS', async () => {
  const { deps } = setup();
  assert.deepEqual(await runCni({ env: env('DEL', { CNI_NETNS: '', CNI_ARGS: 'garbage;K8S_POD_NAME=web-1' }), stdin: conf() }, deps), { stdout: '', exitCode: 0 });
});

test('runCni() STATUS is 0 when the daemon is ready, 50 when not or unreachable, 51 when degraded', async () => {
  const { deps, ipamd } = setup();
  const status = async (): Promise<number> => {
    const outcome = await runCni({ env: { CNI_COMMAND: 'STATUS' }, stdin: conf({ cniVersion: '1.1.0' }) }, deps);
    return outcome.exitCode === 0 ? 0 : errorOf(outcome.stdout).code;
  };
  assert.equal(await status(), 0);
  ipamd.statusReply = { version: PROTOCOL_VERSION, ready: false, message: 'no ENI attached yet' };
  assert.equal(await status(), 50);
  ipamd.statusReply = { version: PROTOCOL_VERSION, ready: false, degraded: true, message: 'IMDS unreachable' };
  assert.equal(await status(), 51);
  ipamd.statusReply = new Error('connect ENOENT');
  assert.equal(await status(), 50);
});

test('runCni() GC succeeds and asks nothing of the daemon or the datapath', async () => {
  const { deps, ipamd, runner } = setup();
  const stdin = conf({ 'cniVersion': '1.1.0', 'cni.dev/valid-attachments': [{ containerID: 'abc', ifname: 'eth0' }] });
  assert.deepEqual(await runCni({ env: { CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin' }, stdin }, deps), { stdout: '', exitCode: 0 });
  assert.deepEqual([ipamd.adds.length, ipamd.dels.length, (runner as ExitRunner).calls], [0, 0, 0]);
});

test('runCni() logs to pluginLogFile, to the default file when it is absent, and to stderr for "stderr"', async () => {
  const targets: LogTarget[] = [];
  const { deps } = setup({ logTargets: targets });
  await runCni({ env: env('DEL'), stdin: conf({ pluginLogLevel: 'Info' }) }, deps);
  await runCni({ env: env('DEL'), stdin: conf({ pluginLogFile: undefined }) }, deps);
  await runCni({ env: env('DEL'), stdin: conf({ pluginLogFile: 'stderr' }) }, deps);
  assert.deepEqual(targets, [
    { file: join(dir, 'plugin.log'), level: 'info', caller: 'vpcnet-cni/DEL' },
    { file: join(dir, 'default.log'), level: 'debug', caller: 'vpcnet-cni/DEL' },
    { file: '', level: 'debug', caller: 'vpcnet-cni/DEL' },
  ]);
});

test('runCni() writes failures to the log, never to stdout beyond the error JSON', async () => {
  const { PluginFileLogger } = await import('./plugin-logger.ts');
  const file = join(dir, 'errors.log');
  const { deps, ipamd } = setup();
  ipamd.addReply = { version: PROTOCOL_VERSION, reason: 'pool-empty', message: 'warm pool empty' };
  const outcome = await runCni({ env: env('ADD'), stdin: conf({ pluginLogFile: file }) }, { ...deps, logger: (target) => new PluginFileLogger(target) });
  assert.equal(Object.keys(errorOf(outcome.stdout)).sort().join(), 'cniVersion,code,details,msg');
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.some((line) => line.level === 'error' && line.code === 11 && line.caller === 'vpcnet-cni/ADD' && line.containerId === 'abc'));
});

test('runCni() ADD prints its result in the config version, appended to a previous plugin result', async () => {
  const { deps, ipamd } = setup();
  ipamd.addReply = { version: PROTOCOL_VERSION, reason: 'ok', addresses: [{ ipv4: '10.0.2.7', deviceNumber: 1, routeTableId: 2 }], vpcCidrs: [], useExternalSnat: false };
  const prevResult = { cniVersion: '1.1.0', interfaces: [{ name: 'lo0' }], ips: [{ address: '192.0.2.1/32', interface: 0 }], dns: { nameservers: ['10.0.0.2'] } };
  const outcome = await runCni({ env: env('ADD'), stdin: conf({ cniVersion: '1.1.0', mtu: '1500', prevResult }) }, deps);
  assert.equal(outcome.exitCode, 0, outcome.stdout);
  const result = JSON.parse(outcome.stdout) as { cniVersion: string; interfaces: Array<Record<string, unknown>>; ips: unknown[]; dns: unknown };
  assert.equal(result.cniVersion, '1.1.0');
  assert.deepEqual(result.interfaces.map((entry) => [entry.name, entry.mac, entry.mtu, entry.sandbox]), [
    ['lo0', undefined, undefined, undefined],
    [hostVethName('eni', { namespace: 'default', name: 'web-1' }), 'aa:ab:ab:ab:ab:ab', 1500, undefined],
    ['eth0', '2', 1500, netns],
    [dummyInterfaceName({ namespace: 'default', name: 'web-1' }), '0', undefined, '1'],
  ]);
  assert.deepEqual(result.ips, [{ address: '192.0.2.1/32', interface: 0 }, { address: '10.0.2.7/32', gateway: '169.254.1.1', interface: 2 }]);
  assert.deepEqual(result.dns, { nameservers: ['10.0.0.2'] });
});

test('runCni() under podman reports the veths\' real MACs and tears down from that result without the daemon', async () => {
  let calls = 0;
  const runner = new RecordingRunner();
  const { deps, ipamd } = setup({ runner, random: (size) => new Uint8Array(size).fill(0x10 + calls++) });
  const podman = (command: string): Record<string, string> => ({ ...PODMAN_ADD_ENV, CNI_COMMAND: command, CNI_NETNS: netns });
  const added = await runCni({ env: podman('ADD'), stdin: conf() }, deps);
  assert.equal(added.exitCode, 0, added.stdout);
  const result = JSON.parse(added.stdout) as { interfaces: unknown[] };
  const pod = { namespace: '', name: 'web' };
  assert.deepEqual(result.interfaces, [
    { name: hostVethName('eni', pod), mac: '12:10:10:10:10:10' },
    { name: 'eth0', mac: '12:11:11:11:11:11', sandbox: netns },
    { name: dummyInterfaceName(pod), mac: '0' },
  ]);
  assert.ok(runner.commands.some((line) => line.includes(`address 12:10:10:10:10:10 type veth peer name eth0 address 12:11:11:11:11:11 `)), runner.commands.join('\n'));
  ipamd.delReply = new Error('connect ECONNREFUSED');
  const deleted = await runCni({ env: podman('DEL'), stdin: conf({ prevResult: result }) }, deps);
  assert.deepEqual(deleted, { stdout: '', exitCode: 0 });
  assert.ok(runner.commands.includes('route del 10.0.1.5/32 scope link'), 'host route removed from prevResult');
  assert.ok(runner.commands.includes('rule del to 10.0.1.5/32 lookup main prio 512'), 'host rule removed from prevResult');
});
