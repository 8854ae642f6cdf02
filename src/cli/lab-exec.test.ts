import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PLUGIN_PATH } from '../lab/cluster/cni-driver.ts';
import { ControlPlane } from '../lab/cluster/control-plane.ts';
import type { PodRunner } from '../lab/cluster/control-plane.ts';
import { startControlServer } from '../lab/cluster/control-server.ts';
import { fixtureNode } from '../lab/cluster/kube-fixtures.ts';
import type { LabInfo } from '../lab/cluster/lab-cluster.ts';
import { labHome, writeLabRecord } from '../lab/cluster/lab-home.ts';
import type { LabNode, LabPod } from '../lab/cluster/objects.ts';
import { LAB_CREDENTIALS } from '../lab/emulator.ts';
import type { LabCliContext } from './lab-context.ts';
import { awsCommand, nodeCommand, podCommand, runAttached, runCaptured } from './lab-exec.ts';
import { AWS_CLI } from './lab-summary.ts';

/**
 * The commands are built against a lab whose control API runs in this process (a control plane with a fake
 * node agent): nothing is executed in a namespace.
 */

const NODE = 'ip-192-168-12-34.us-west-2.compute.internal';

class FakeAgent implements PodRunner {
  readonly node: LabNode = fixtureNode({ name: NODE, netns: 'vpcltest01-i-0123456789abcdef0', maxPods: 3 });

  runPod(pod: LabPod): void {
    Object.assign(pod, { status: 'Running', podIp: '192.168.20.5', netns: `vpcltest01-pod-${pod.name}` });
  }

  removePod(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}

const INFO: LabInfo = {
  labId: 'test01', clusterName: 'test', region: 'us-west-2', vpcId: 'vpc-0123456789abcdef0', ec2Endpoint: 'http://169.254.169.252:8080',
  internetEchoUrl: 'http://203.0.113.10/cgi-bin/ip', startedAt: '2024-01-15T12:00:00.000Z',
};

function contextFor(labHomeDir: string): LabCliContext {
  return { output: { out: () => undefined, err: () => undefined }, stopped: new Promise(() => undefined), labHomeDir, selfCommand: [] };
}

function cliError(message: string | RegExp): { name: string; message: string | RegExp } {
  return { name: 'LabCliError', message };
}

describe('lab exec, node and aws commands', () => {
  let dir = '';
  let context: LabCliContext;
  let server: Server | undefined;
  const plane = new ControlPlane({ clusterName: 'test', region: 'us-west-2' });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vpcnet-lab-exec-'));
    context = contextFor(dir);
    const home = labHome(dir);
    await writeLabRecord(home, { labId: 'test01', clusterName: 'test', pid: process.pid, startedAt: INFO.startedAt });
    plane.addNode(new FakeAgent());
    server = await startControlServer({ socketPath: home.socket, controlPlane: plane, info: INFO, details: () => ({}), onShutdown: () => undefined });
    plane.createPod({ namespace: 'default', name: 'shell', image: 'busybox' });
    plane.createPod({ namespace: 'default', name: 'waiting', image: 'busybox' });
    await new Promise((resolve) => setImmediate(resolve));
  });

  after(async () => {
    await plane.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('podCommand() runs the command in the pod\'s namespace with busybox\'s applets as PATH', async () => {
    const command = await podCommand(context, { namespace: 'default', pod: 'shell' }, ['--', 'ping', '-c1', '192.168.40.7']);
    assert.deepEqual(command, {
      file: '/sbin/ip', args: ['netns', 'exec', 'vpcltest01-pod-shell', 'ping', '-c1', '192.168.40.7'],
      env: { PATH: join(dir, 'busybox-bin'), HOME: '/', HOSTNAME: 'shell' },
    });
    const withoutSeparator = await podCommand(context, { namespace: 'default', pod: 'shell' }, ['ip', 'addr']);
    assert.deepEqual(withoutSeparator.args, ['netns', 'exec', 'vpcltest01-pod-shell', 'ip', 'addr']);
  });

  it('podCommand() refuses an empty command, an unknown pod, a host-network pod and a pod that is not Running', async () => {
    await assert.rejects(podCommand(context, { namespace: 'default', pod: 'shell' }, ['--']), cliError('no command given: vpcnet lab exec <pod> -- <command> [args...]'));
    await assert.rejects(podCommand(context, { namespace: 'default', pod: 'nope' }, ['true']), cliError('pods "nope" not found in namespace "default"'));
    const awsNode = plane.snapshot().pods.find((p) => p.labels['k8s-app'] === 'aws-node') ?? assert.fail('no aws-node pod');
    await assert.rejects(podCommand(context, { namespace: 'kube-system', pod: awsNode.name }, ['true']),
      cliError(`${awsNode.name} runs in its node's network namespace: use \`vpcnet lab node ${NODE} -- ...\``));
    await assert.rejects(podCommand(context, { namespace: 'default', pod: 'waiting' }, ['true']),
      cliError('cannot exec in pod waiting: it is Pending (0/1 nodes are available: 1 Too many pods.)'));
  });

  it('nodeCommand() runs the command in the node\'s namespace, finding the node by a prefix', async () => {
    assert.deepEqual(await nodeCommand(context, 'ip-192-168-12', ['--', 'ip', 'route']), {
      file: '/sbin/ip', args: ['netns', 'exec', 'vpcltest01-i-0123456789abcdef0', 'ip', 'route'], env: { PATH: DEFAULT_PLUGIN_PATH, HOME: '/root' },
    });
    await assert.rejects(nodeCommand(context, NODE, []), cliError(/^no command given: vpcnet lab node <node> -- <command>/));
    await assert.rejects(nodeCommand(context, 'ip-10', ['true']), cliError(/^nodes "ip-10" not found/));
  });

  it('awsCommand() runs AWS CLI v2 against the lab endpoint with the lab\'s credentials and nothing else of the caller\'s', async () => {
    const command = await awsCommand(context, ['--', 'ec2', 'describe-instances']);
    assert.equal(AWS_CLI, '/usr/bin/aws');
    assert.deepEqual(command, {
      file: '/usr/bin/aws', args: ['--endpoint-url', 'http://169.254.169.252:8080', 'ec2', 'describe-instances'],
      env: {
        PATH: DEFAULT_PLUGIN_PATH, HOME: '/root', AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-west-2', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
  });

  it('runCaptured() and runAttached() run the command with exactly its environment and report the exit code', async () => {
    const captured = await runCaptured({ file: '/usr/bin/env', args: [], env: { ONLY: 'this' } });
    assert.deepEqual(captured, { code: 0, stdout: 'ONLY=this\n', stderr: '' });
    assert.equal((await runCaptured({ file: '/bin/sh', args: ['-c', 'echo out; echo err >&2; exit 3'], env: {} })).code, 3);
    assert.equal(await runAttached({ file: '/bin/sh', args: ['-c', 'exit 7'], env: {} }), 7);
  });
});

describe('lab commands without a running lab', () => {
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vpcnet-lab-exec-none-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('say that no lab is up when the home has no lab.json', async () => {
    await assert.rejects(nodeCommand(contextFor(dir), 'x', ['true']), cliError(`no lab is up (nothing in ${dir}): start one with \`vpcnet lab up\``));
  });

  it('say that the lab is not running when its supervisor is gone', async () => {
    // pid_max is one past the largest PID the kernel hands out, so no process has it.
    const deadPid = Number((await readFile('/proc/sys/kernel/pid_max', 'utf8')).trim());
    await writeLabRecord(labHome(dir), { labId: 'dead01', clusterName: 'test', pid: deadPid, startedAt: '' });
    await assert.rejects(podCommand(contextFor(dir), { namespace: 'default', pod: 'x' }, ['true']),
      cliError(`lab dead01 is not running (its supervisor, pid ${deadPid}, is gone): run \`vpcnet lab down\` to clean up, then \`vpcnet lab up\``));
  });
});
