import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDaemonConfig } from '../../core/config/index.ts';
import { instanceLimits } from '../../core/limits/instance-limits.ts';
import { ipamdMaxPods } from '../../core/limits/max-pods.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import { LAB_CREDENTIALS } from '../emulator.ts';
import { LAB_EC2_API_ENDPOINT } from '../fabric/index.ts';
import { setSysctls } from '../fabric/netns.ts';
import { CniDriver, DEFAULT_PLUGIN_PATH } from './cni-driver.ts';
import type { LaunchedNode } from './cluster-vpc.ts';
import { NodeAgent } from './node-agent.ts';
import type { AgentReporter } from './node-agent.ts';
import { NodeDaemon } from './node-daemon.ts';
import { installNodeFiles, nodeConflist, nodeFiles } from './node-files.ts';
import type { DaemonState, LabNode } from './objects.ts';
import type { ClusterSpec } from './spec.ts';

/** What bringing up one node needs. */
export interface NodeBootContext {
  readonly ec2: EC2Client;
  readonly runner: CommandRunner;
  readonly spec: ClusterSpec;
  /** The lab home: nodes get `<home>/nodes/<instance-id>`. */
  readonly home: string;
  readonly netnsPrefix: string;
  readonly instanceNamespace: (instanceId: string) => string;
  readonly cniExecutable: string;
  readonly daemonCommand: readonly string[];
  readonly reporter: AgentReporter;
  readonly onDaemonChange: (node: LabNode, state: DaemonState, detail: string) => void;
}

/**
 * What the node's image and aws-node's init container set before ipamd starts: the EKS AMI enables IPv4
 * forwarding (the CNI does not), and the init container makes the primary interface's rp_filter loose.
 */
const NODE_SYSCTLS = ['net.ipv4.ip_forward=1', 'net.ipv4.conf.eth0.rp_filter=2'];

/** Waits until EC2 reports every instance running; returns their descriptions. */
export async function waitForRunningInstances(ec2: EC2Client, instanceIds: readonly string[], timeoutMs = 120_000): Promise<Map<string, Instance>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...instanceIds] }));
    const instances = (reply.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    if (instances.length === instanceIds.length && instances.every((i) => i.State?.Name === 'running')) {
      return new Map(instances.map((i) => [i.InstanceId ?? '', i]));
    }
    if (Date.now() > deadline) throw new Error(`instances were not running after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** kubelet's --max-pods for a node: eksctl's maxPodsPerNode, else what the daemon's configuration allows. */
export function nodeMaxPods(spec: ClusterSpec, launched: LaunchedNode): number {
  if (launched.nodeGroup.maxPodsPerNode !== undefined) return launched.nodeGroup.maxPodsPerNode;
  const limits = instanceLimits(launched.nodeGroup.instanceType);
  if (limits === undefined) throw new Error(`unknown instance type ${launched.nodeGroup.instanceType}`);
  const config = parseDaemonConfig(spec.awsNodeEnv);
  return ipamdMaxPods({ limits, prefixDelegation: config.poolMode === 'prefix', maxEni: config.maxEni, customNetworking: config.customNetworking.enabled });
}

function daemonEnv(context: NodeBootContext, files: ReturnType<typeof nodeFiles>, nodeName: string): Record<string, string> {
  return {
    PATH: DEFAULT_PLUGIN_PATH,
    AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey,
    AWS_EC2_ENDPOINT: LAB_EC2_API_ENDPOINT, CLUSTER_NAME: context.spec.name, MY_NODE_NAME: nodeName, MY_POD_NAME: `aws-node-${nodeName}`,
    AWS_VPC_K8S_CNI_BACKING_STORE: files.checkpoint, AWS_VPC_K8S_CNI_LOG_FILE: files.ipamdLog, AWS_VPC_K8S_PLUGIN_LOG_FILE: files.pluginLog,
    VPCNET_IPAMD_SOCKET: files.ipamdSocket,
    ...context.spec.awsNodeEnv,
  };
}

/**
 * Boots one node as an EKS AMI would: installs the CNI files, starts vpcnet-ipamd in the instance's
 * namespace and waits until it is ready; returns the node's agent.
 */
export async function bootNode(context: NodeBootContext, launched: LaunchedNode, instance: Instance): Promise<NodeAgent> {
  const internalIp = instance.PrivateIpAddress;
  const name = instance.PrivateDnsName;
  if (internalIp === undefined || name === undefined) throw new Error(`${launched.instanceId} has no private address yet`);
  const files = nodeFiles(join(context.home, 'nodes', launched.instanceId));
  const config = parseDaemonConfig(context.spec.awsNodeEnv);
  const conflist = nodeConflist(files, { mtu: String(config.podMtu), vethPrefix: config.vethPrefix });
  await installNodeFiles(files, { cniExecutable: context.cniExecutable, conflist });
  const netns = context.instanceNamespace(launched.instanceId);
  await setSysctls(context.runner, netns, NODE_SYSCTLS);
  const node: LabNode = {
    name, instanceId: launched.instanceId, instanceType: launched.nodeGroup.instanceType, zone: launched.zone, nodegroup: launched.nodeGroup.name,
    internalIp, externalIp: instance.PublicIpAddress, maxPods: nodeMaxPods(context.spec, launched), netns, createdAt: new Date().toISOString(),
    ready: false, daemon: { pid: undefined, restarts: 0, phase: 'stopped' },
  };
  const daemon = new NodeDaemon({
    netns, command: context.daemonCommand, env: daemonEnv(context, files, name), socketPath: files.ipamdSocket,
    consoleLog: join(files.dir, 'log/ipamd.console.log'),
    onChange: (state, detail) => {
      node.daemon = { ...state };
      context.onDaemonChange(node, state, detail);
    },
  });
  await daemon.start();
  node.ready = true;
  const driver = new CniDriver({ binDirs: [files.binDir], hostNetns: `/var/run/netns/${netns}` });
  return new NodeAgent({
    node, daemon, reporter: context.reporter,
    context: { runner: context.runner, driver, conflist, netnsPrefix: context.netnsPrefix, podsDir: files.podsDir, nodeName: name },
  });
}
