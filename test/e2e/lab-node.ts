/**
 * A lab node for end-to-end tests: an emulated VPC made real by the fabric (IMDS and the EC2 API
 * reachable inside the instance), one instance, and the real `vpcnet-ipamd` process started inside the
 * instance's namespace exactly as it would run on an EC2 host.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecFileRunner } from '../../src/adapters/linux/exec-file-runner.ts';
import { PROTOCOL_PATHS, PROTOCOL_VERSION } from '../../src/core/protocol/index.ts';
import type { AddReply, DelReply } from '../../src/core/protocol/index.ts';
import { runInstances } from '../../src/lab/ec2/model/instances.ts';
import { attachInternetGateway, createInternetGateway } from '../../src/lab/ec2/model/internet-gateways.ts';
import { Ec2Model } from '../../src/lab/ec2/model/model.ts';
import { createRoute, routeTableForSubnet } from '../../src/lab/ec2/model/route-tables.ts';
import type { Instance } from '../../src/lab/ec2/model/state.ts';
import { createSubnet } from '../../src/lab/ec2/model/subnets.ts';
import { createVpc } from '../../src/lab/ec2/model/vpcs.ts';
import { Fabric, LAB_EC2_API_ENDPOINT } from '../../src/lab/fabric/index.ts';
import { requestIpamd } from '../../src/plugin/ipamd-client.ts';

const DAEMON = join(import.meta.dirname, '../../src/bin/vpcnet-ipamd.ts');
export const runner = new ExecFileRunner();

export interface LabNode {
  readonly model: Ec2Model;
  readonly fabric: Fabric;
  readonly instance: Instance;
  readonly namespace: string;
  readonly dir: string;
  readonly socketPath: string;
  /** Starts vpcnet-ipamd in the node; resolves once its plugin API says it is ready. */
  startDaemon(env?: Record<string, string>): Promise<void>;
  /** SIGKILLs the daemon (no cleanup at all, like a crash or an OOM kill). */
  killDaemon(): Promise<void>;
  /** Sends SIGTERM, as kubelet does, and resolves with the exit code. */
  terminateDaemon(): Promise<number | null>;
  /** Runs a command inside the node's namespace. */
  exec(command: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  add(pod: string): Promise<AddReply>;
  del(pod: string): Promise<DelReply>;
  close(): Promise<void>;
}

function podRequest(pod: string) {
  return {
    version: PROTOCOL_VERSION,
    key: { networkName: 'aws-cni', containerId: `sandbox-${pod}`, ifName: 'eth0' },
    pod: { namespace: 'default', name: pod, infraContainerId: `sandbox-${pod}`, uid: `uid-${pod}` },
    netns: `/var/run/netns/${pod}`,
  };
}

function buildVpc(model: Ec2Model, instanceType: string): Instance {
  const vpc = createVpc(model, { cidrBlock: '192.168.0.0/16' });
  const subnet = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '192.168.0.0/19', availabilityZone: 'us-west-2a' });
  const igw = createInternetGateway(model);
  attachInternetGateway(model, { internetGatewayId: igw.internetGatewayId, vpcId: vpc.vpcId });
  const table = routeTableForSubnet(model, subnet.subnetId);
  if (table === undefined) throw new Error('the subnet has no route table');
  createRoute(model, { routeTableId: table.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.internetGatewayId });
  const launched = runInstances(model, { imageId: 'ami-0e2e000000000001', instanceType, minCount: 1, maxCount: 1, subnetId: subnet.subnetId, associatePublicIpAddress: true });
  const instance = launched.instances[0];
  if (instance === undefined) throw new Error('no instance launched');
  return instance;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Builds the VPC, starts the fabric and returns the node (the daemon is not started yet). */
export async function startLabNode(options: { instanceType?: string } = {}): Promise<LabNode> {
  const model = new Ec2Model({ seed: 7 });
  const fabric = new Fabric({ model, runner, services: { imds: true, ec2Api: true } });
  await fabric.start();
  const instance = buildVpc(model, options.instanceType ?? 't3.medium');
  await fabric.settled();
  const namespace = fabric.instanceNamespace(instance.instanceId);
  const dir = await mkdtemp(join(tmpdir(), 'vpcnet-e2e-'));
  const socketPath = join(dir, 'ipamd.sock');
  let daemon: ChildProcess | undefined;
  const exec = (command: readonly string[]) => runner.run('ip', ['netns', 'exec', namespace, ...command]);
  const call = async <T>(path: (typeof PROTOCOL_PATHS)['add' | 'del'], body: unknown): Promise<T> => (await requestIpamd({ socketPath, path, body, timeoutMs: 30_000 })).body as T;
  const node: LabNode = {
    model, fabric, instance, namespace, dir, socketPath, exec,
    async startDaemon(env = {}) {
      daemon = spawn('ip', ['netns', 'exec', namespace, process.execPath, DAEMON], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'AKIDE2E', AWS_SECRET_ACCESS_KEY: 'e2e', AWS_EC2_ENDPOINT: LAB_EC2_API_ENDPOINT,
          AWS_VPC_K8S_CNI_BACKING_STORE: join(dir, 'ipam.json'), AWS_VPC_K8S_CNI_LOG_FILE: join(dir, 'ipamd.log'),
          VPCNET_IPAMD_SOCKET: socketPath, ...env,
        },
      });
      await waitFor('vpcnet-ipamd to be ready', async () => {
        try {
          const status = await requestIpamd({ socketPath, path: PROTOCOL_PATHS.status, timeoutMs: 2_000 });
          return (status.body as { ready?: boolean }).ready === true;
        } catch {
          return false;
        }
      }, 60_000);
    },
    async killDaemon() {
      const child = daemon;
      if (child?.pid === undefined || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async terminateDaemon() {
      const child = daemon;
      if (child === undefined || child.exitCode !== null) return child?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
    add: (pod) => call<AddReply>(PROTOCOL_PATHS.add, podRequest(pod)),
    del: (pod) => call<DelReply>(PROTOCOL_PATHS.del, { ...podRequest(pod), cause: 'PodDeleted' }),
    async close() {
      await node.killDaemon();
      await fabric.stop();
      if (process.env.VPCNET_E2E_KEEP === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
  return node;
}

/** Waits until `probe` holds (polling), or fails naming `what`. */
export { waitFor };
