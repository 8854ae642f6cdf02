import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandResult, CommandRunner } from '../../ports/command-runner.ts';
import { CniDriver } from './cni-driver.ts';
import type { Conflist, RuntimeConf } from './cni-driver.ts';
import { LOOPBACK_CONFLIST, nodeConflist, nodeFiles } from './node-files.ts';
import { createSandbox, criCniArgs } from './pod-sandbox.ts';
import type { SandboxContext, SandboxPod } from './pod-sandbox.ts';

const POD: SandboxPod = { namespace: 'default', name: 'web-5b8c6d7f9x-abcde', uid: '7d2c1a9e-0000-4000-8000-000000000001', image: 'busybox' };

describe('criCniArgs()', () => {
  it('is the CNI_ARGS containerd\'s CRI passes for a sandbox', () => {
    assert.equal(criCniArgs(POD, 'f00d'),
      'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-5b8c6d7f9x-abcde;K8S_POD_INFRA_CONTAINER_ID=f00d;K8S_POD_UID=7d2c1a9e-0000-4000-8000-000000000001');
  });

  it('parses as the key=value map the plugin reads', () => {
    const args = Object.fromEntries(criCniArgs({ ...POD, namespace: 'team-a', name: 'shell' }, 'abc123').split(';').map((pair) => pair.split('=') as [string, string]));
    assert.deepEqual(args, { IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'team-a', K8S_POD_NAME: 'shell', K8S_POD_INFRA_CONTAINER_ID: 'abc123', K8S_POD_UID: POD.uid });
  });
});

/** Records the commands; `ip netns pids` finds nothing, `ip netns add` fails when told to. */
class RecordingRunner implements CommandRunner {
  readonly calls: string[] = [];
  failAdd = false;

  run(file: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([file, ...args].join(' '));
    if (args[1] === 'pids') return Promise.resolve({ code: 1, stdout: '', stderr: '' });
    if (args[1] === 'add' && this.failAdd) return Promise.resolve({ code: 1, stdout: '', stderr: 'Cannot create namespace file: File exists\n' });
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  }
}

/** A CNI driver that runs no plugin: it records each list call and answers the node list's ADD as told. */
class RecordingDriver extends CniDriver {
  readonly calls: { command: 'ADD' | 'DEL'; list: string; runtime: RuntimeConf; cached: Record<string, unknown> | undefined }[] = [];
  readonly #addResult: () => Record<string, unknown>;

  constructor(addResult: () => Record<string, unknown>) {
    super({ binDirs: [], hostNetns: '/proc/self/ns/net' });
    this.#addResult = addResult;
  }

  override addList(list: Conflist, runtime: RuntimeConf): Promise<Record<string, unknown>> {
    this.calls.push({ command: 'ADD', list: list.name, runtime, cached: undefined });
    return list.name === LOOPBACK_CONFLIST.name ? Promise.resolve({ cniVersion: '1.0.0' }) : Promise.resolve().then(this.#addResult);
  }

  override delList(list: Conflist, runtime: RuntimeConf, cached: Record<string, unknown> | undefined): Promise<void> {
    this.calls.push({ command: 'DEL', list: list.name, runtime, cached });
    return Promise.resolve();
  }
}

function contextWith(driver: RecordingDriver, runner: RecordingRunner): SandboxContext {
  const files = nodeFiles('/nonexistent/vpcnet-test-node');
  return { runner, driver, conflist: nodeConflist(files, { mtu: '9001', vethPrefix: 'eni' }), netnsPrefix: 'vpcltest01', podsDir: files.podsDir, nodeName: 'node-a' };
}

describe('createSandbox() when CNI ADD fails', () => {
  it('runs loopback then the node list with the CRI\'s runtime config, then undoes: DEL and namespace removal', async () => {
    const runner = new RecordingRunner();
    const driver = new RecordingDriver(() => { throw new Error('aws-cni ADD exited with 11: pool empty'); });
    await assert.rejects(createSandbox(contextWith(driver, runner), POD), /pool empty/);
    assert.deepEqual(driver.calls.map((c) => `${c.command} ${c.list}`), ['ADD cni-loopback', 'ADD aws-cni', 'DEL aws-cni']);
    const runtime = driver.calls[1]?.runtime ?? assert.fail('no ADD');
    assert.match(runtime.containerId, /^[0-9a-f]{64}$/);
    const netns = `vpcltest01-pod-${runtime.containerId.slice(0, 12)}`;
    assert.deepEqual(runtime, {
      containerId: runtime.containerId, netns: `/var/run/netns/${netns}`, ifName: 'eth0', args: criCniArgs(POD, runtime.containerId),
      capabilityArgs: { portMappings: [], 'io.kubernetes.cri.pod-annotations': {} },
    });
    assert.deepEqual(driver.calls.map((c) => c.runtime), [runtime, runtime, runtime], 'one sandbox id and namespace throughout');
    assert.equal(driver.calls[2]?.cached, undefined, 'no result to hand to DEL');
    assert.deepEqual(runner.calls, [`ip netns add ${netns}`, `ip netns pids ${netns}`, `ip netns del ${netns}`]);
  });

  it('treats a result without an address as a failure and hands the result to DEL', async () => {
    const runner = new RecordingRunner();
    const result = { cniVersion: '1.0.0', interfaces: [], ips: [] };
    const driver = new RecordingDriver(() => result);
    await assert.rejects(createSandbox(contextWith(driver, runner), POD), { message: `the CNI result has no address: ${JSON.stringify(result)}` });
    assert.deepEqual(driver.calls.map((c) => `${c.command} ${c.list}`), ['ADD cni-loopback', 'ADD aws-cni', 'DEL aws-cni']);
    assert.deepEqual(driver.calls[2]?.cached, result);
    assert.match(runner.calls.at(-1) ?? '', /^ip netns del vpcltest01-pod-[0-9a-f]{12}$/);
  });

  it('gives every sandbox its own id and namespace', async () => {
    const runner = new RecordingRunner();
    const driver = new RecordingDriver(() => { throw new Error('no'); });
    await assert.rejects(createSandbox(contextWith(driver, runner), POD));
    await assert.rejects(createSandbox(contextWith(driver, runner), POD));
    const ids = new Set(driver.calls.map((c) => c.runtime.containerId));
    assert.equal(ids.size, 2);
  });

  it('reports a namespace that cannot be created, and runs no plugin', async () => {
    const runner = Object.assign(new RecordingRunner(), { failAdd: true });
    const driver = new RecordingDriver(() => ({}));
    await assert.rejects(createSandbox(contextWith(driver, runner), POD), /^Error: ip netns add vpcltest01-pod-[0-9a-f]{12}: Cannot create namespace file: File exists$/);
    assert.deepEqual(driver.calls, []);
  });
});
