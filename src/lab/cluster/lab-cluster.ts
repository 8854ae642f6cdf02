import { ExecFileRunner } from '../../adapters/linux/exec-file-runner.ts';
import type { LatencyProfile } from '../ec2/model/latency.ts';
import { startEmulator } from '../emulator.ts';
import type { RunningEmulator } from '../emulator.ts';
import { Fabric, LAB_ADDRESSES } from '../fabric/index.ts';
import { createClusterVpc } from './cluster-vpc.ts';
import { ControlPlane } from './control-plane.ts';
import { bootNode, waitForRunningInstances } from './lab-nodes.ts';
import type { NodeAgent } from './node-agent.ts';
import type { ClusterSpec } from './spec.ts';

/** What `lab up` asks for. */
export interface LabClusterOptions {
  readonly spec: ClusterSpec;
  /** The lab home directory (node files, logs, the control socket). */
  readonly home: string;
  readonly labId: string;
  readonly latency: LatencyProfile;
  readonly throttle: boolean;
  /** The built vpcnet-cni executable (installed on every node as `aws-cni`). */
  readonly cniExecutable: string;
  /** The vpcnet-ipamd command line. */
  readonly daemonCommand: readonly string[];
  /** Told about each step as it finishes (for the progress display). */
  readonly progress: (message: string) => void;
}

/** Facts about a running lab that `status` shows. */
export interface LabInfo {
  readonly labId: string;
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly ec2Endpoint: string;
  readonly internetEchoUrl: string;
  readonly startedAt: string;
}

/** A running lab cluster. */
export interface LabCluster {
  readonly info: LabInfo;
  readonly controlPlane: ControlPlane;
  readonly emulator: RunningEmulator;
  readonly fabric: Fabric;
  /** Deletes every pod (CNI DEL), stops the daemons, the fabric and the emulator. */
  stop(): Promise<void>;
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/**
 * Brings up a cluster: the emulated EC2 API, the fabric (with IMDS and the EC2 API inside every node),
 * the VPC and instances through the EC2 API, then on every node vpcnet-ipamd and the CNI files, and the
 * control plane with its system pods. On failure, whatever was started is stopped again.
 */
export async function startLabCluster(options: LabClusterOptions): Promise<LabCluster> {
  const { spec, progress } = options;
  const runner = new ExecFileRunner();
  const started = performance.now();
  const emulator = await startEmulator({ latency: options.latency, throttle: options.throttle, seed: Date.now() % 100_000 });
  progress(`emulated EC2 API at ${emulator.endpoint} (${spec.region})`);
  const port = Number(new URL(emulator.endpoint).port);
  const fabric = new Fabric({ model: emulator.model, labId: options.labId, runner, services: { imds: { lagMs: options.latency.imdsLagMs }, ec2Api: { host: '127.0.0.1', port } } });
  const agents: NodeAgent[] = [];
  const controlPlane = new ControlPlane({ clusterName: spec.name, region: spec.region });
  const stop = async (): Promise<void> => {
    await controlPlane.stop();
    await Promise.all(agents.map((agent) => agent.daemon.stop()));
    await fabric.stop();
    await emulator.close();
  };
  try {
    await fabric.start();
    progress(`fabric: VPC router and internet namespaces, IMDS and EC2 API inside every node (${elapsed(started)})`);
    const built = await createClusterVpc(emulator.ec2, spec);
    progress(`VPC ${built.vpcId} ${spec.vpcCidr}, ${built.subnets.length} subnets, internet gateway, ${built.nodes.length} instances (${elapsed(started)})`);
    const instances = await waitForRunningInstances(emulator.ec2, built.nodes.map((n) => n.instanceId));
    await fabric.settled();
    progress(`${instances.size} instances running, one network namespace each (${elapsed(started)})`);
    const boot = {
      ec2: emulator.ec2, runner, spec, home: options.home, netnsPrefix: fabric.names.prefix, instanceNamespace: (id: string) => fabric.instanceNamespace(id),
      cniExecutable: options.cniExecutable, daemonCommand: options.daemonCommand,
      reporter: { podChanged: () => controlPlane.nodeChanged(), event: (pod: Parameters<ControlPlane['podEvent']>[0], what: Parameters<ControlPlane['podEvent']>[1]) => controlPlane.podEvent(pod, what) },
      onDaemonChange: (node: { name: string }, _state: unknown, detail: string) => {
        controlPlane.recordEvent({ kind: 'Node', namespace: undefined, name: node.name }, { type: detail.includes('exited') ? 'Warning' : 'Normal', reason: 'VpcnetIpamd', message: detail }, 'vpcnet-lab');
        controlPlane.nodeChanged();
      },
    };
    await Promise.all(built.nodes.map(async (launched) => {
      const instance = instances.get(launched.instanceId);
      if (instance === undefined) throw new Error(`${launched.instanceId} is not described`);
      const agent = await bootNode(boot, launched, instance);
      agents.push(agent);
      controlPlane.addNode(agent);
      progress(`node ${agent.node.name} (${launched.instanceId}, ${launched.nodeGroup.instanceType}, ${launched.zone}) ready: vpcnet-ipamd up, max pods ${agent.node.maxPods} (${elapsed(started)})`);
    }));
    controlPlane.start();
    const info: LabInfo = {
      labId: options.labId, clusterName: spec.name, region: spec.region, vpcId: built.vpcId, ec2Endpoint: emulator.endpoint,
      internetEchoUrl: `http://${LAB_ADDRESSES.echoServer}/cgi-bin/ip`, startedAt: new Date().toISOString(),
    };
    return { info, controlPlane, emulator, fabric, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
