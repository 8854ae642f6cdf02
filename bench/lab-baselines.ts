/**
 * bench/lab.ts, the baselines, measured in the same run on the same machine:
 *
 * - fabric alone: the default cluster's VPC and 3 instances built through the emulated EC2 API (the same
 *   `createClusterVpc` call `lab up` makes) and made real by the fabric with IMDS and the EC2 API inside
 *   every instance, in this process: no CLI, no supervisor, no vpcnet-ipamd, no control plane.
 * - reference pods: N busybox pods made the way the lab's node agents make them (`createSandbox`: `ip netns
 *   add`, the loopback list, the node's conflist, a busybox shell) but with Debian's `ptp` + `host-local`
 *   (and `portmap`, as in the lab's conflist) instead of vpcnet-cni, on 3 "node" namespaces of our own, 4
 *   sandboxes at a time per node as a NodeAgent works, then removed the same way (`removeSandbox`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecFileRunner } from '../src/adapters/linux/exec-file-runner.ts';
import { createClusterVpc } from '../src/lab/cluster/cluster-vpc.ts';
import { CniDriver } from '../src/lab/cluster/cni-driver.ts';
import type { Conflist } from '../src/lab/cluster/cni-driver.ts';
import { waitForRunningInstances } from '../src/lab/cluster/lab-nodes.ts';
import { REFERENCE_PLUGIN_DIR } from '../src/lab/cluster/node-files.ts';
import { createSandbox, removeSandbox } from '../src/lab/cluster/pod-sandbox.ts';
import type { Sandbox, SandboxContext, SandboxPod } from '../src/lab/cluster/pod-sandbox.ts';
import { DEFAULT_CLUSTER_SPEC } from '../src/lab/cluster/spec.ts';
import { LATENCY_PROFILES } from '../src/lab/ec2/model/latency.ts';
import { startEmulator } from '../src/lab/emulator.ts';
import { cleanupStale, Fabric } from '../src/lab/fabric/index.ts';
import { addNamespace, deleteNamespace, listNamespaces } from '../src/lab/fabric/netns.ts';
import { newLabId } from '../src/lab/fabric/naming.ts';
import type { ScaleTimes } from './lab-cluster-run.ts';

const runner = new ExecFileRunner();

/** The fabric baseline's phases, ms (the same steps `lab up` reports as progress). */
export interface FabricTimes {
  readonly emulatorMs: number;
  readonly fabricStartMs: number;
  readonly vpcMs: number;
  readonly instancesMs: number;
  readonly upMs: number;
  readonly downMs: number;
}

/** The default cluster's VPC and instances, made real by the fabric alone (fast latency, throttling on, as `lab up`'s defaults). */
export async function fabricAlone(): Promise<FabricTimes> {
  const labId = newLabId();
  const t0 = performance.now();
  const emulator = await startEmulator({ latency: LATENCY_PROFILES.fast, throttle: true, seed: Date.now() % 100_000 });
  const errors: unknown[] = [];
  const port = Number(new URL(emulator.endpoint).port);
  const fabric = new Fabric({ model: emulator.model, labId, runner, onError: (error) => errors.push(error), services: { imds: { lagMs: LATENCY_PROFILES.fast.imdsLagMs }, ec2Api: { host: '127.0.0.1', port } } });
  const marks: number[] = [performance.now()];
  try {
    await fabric.start();
    marks.push(performance.now());
    const built = await createClusterVpc(emulator.ec2, DEFAULT_CLUSTER_SPEC);
    marks.push(performance.now());
    await waitForRunningInstances(emulator.ec2, built.nodes.map((node) => node.instanceId));
    await fabric.settled();
    marks.push(performance.now());
  } finally {
    const stopping = performance.now();
    await fabric.stop().catch((error: unknown) => errors.push(error));
    await emulator.close();
    marks.push(performance.now() - stopping);
    await cleanupStale(labId, runner); // nothing left after a clean stop; after a failure, this lab's leftovers only
  }
  if (errors.length > 0) throw new Error(`fabric baseline failed: ${String(errors[0])}`);
  const [emulated = t0, started = t0, vpc = t0, up = t0, downMs = 0] = marks;
  return { emulatorMs: emulated - t0, fabricStartMs: started - emulated, vpcMs: vpc - started, instancesMs: up - vpc, upMs: up - t0, downMs };
}

/** How the reference pods are laid out: nodes, sandboxes in flight per node (NodeAgent's MAX_PARALLEL_SANDBOXES). */
export interface ReferencePodsOptions {
  readonly pods: number;
  readonly nodes: number;
  readonly parallelPerNode: number;
  /** A directory for host-local's state and the pods' files. */
  readonly dir: string;
}

function referenceConflist(dir: string, node: number): Conflist {
  return {
    cniVersion: '1.0.0',
    name: 'bench-ptp',
    plugins: [
      { type: 'ptp', mtu: 9001, ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: `10.250.${node}.0/24` }]], dataDir: join(dir, `host-local-${node}`) } },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** Runs `work` over `items` with at most `parallel` in flight; resolves when all are done. */
async function pool<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

interface PlacedPod {
  readonly context: SandboxContext;
  readonly pod: SandboxPod;
  sandbox?: Sandbox;
}

/** Times the nodes' queues working through `pods` (each node 4 at a time); first and last completion. */
async function timedOnNodes(placed: readonly PlacedPod[], contexts: readonly SandboxContext[], parallel: number, work: (pod: PlacedPod) => Promise<void>): Promise<ScaleTimes> {
  const started = performance.now();
  const startedEpochMs = Date.now();
  let firstMs: number | undefined;
  await Promise.all(contexts.map((context) => pool(placed.filter((p) => p.context === context), parallel, async (pod) => {
    await work(pod);
    firstMs ??= performance.now() - started;
  })));
  const allMs = performance.now() - started;
  return { firstMs: firstMs ?? allMs, allMs, startedEpochMs };
}

/** N pods up with ptp + host-local, then down again; every namespace made here is removed by name. */
export async function referencePods(options: ReferencePodsOptions): Promise<{ up: ScaleTimes; down: ScaleTimes }> {
  const prefix = `vlabbench-${randomBytes(3).toString('hex')}`;
  const nodeNamespaces = Array.from({ length: options.nodes }, (_, node) => `${prefix}-node${node}`);
  const contexts: SandboxContext[] = [];
  try {
    for (const [node, namespace] of nodeNamespaces.entries()) {
      await addNamespace(runner, namespace);
      const podsDir = join(options.dir, `pods-${node}`);
      await mkdir(podsDir, { recursive: true });
      contexts.push({
        runner, driver: new CniDriver({ binDirs: [REFERENCE_PLUGIN_DIR], hostNetns: `/var/run/netns/${namespace}` }),
        conflist: referenceConflist(options.dir, node), netnsPrefix: `${prefix}-n${node}`, podsDir, nodeName: namespace,
      });
    }
    const placed: PlacedPod[] = Array.from({ length: options.pods }, (_, index) => ({
      context: contexts[index % contexts.length]!, pod: { namespace: 'default', name: `ref-${index}`, uid: randomUUID(), image: 'busybox' },
    }));
    const up = await timedOnNodes(placed, contexts, options.parallelPerNode, async (entry) => {
      entry.sandbox = await createSandbox(entry.context, entry.pod);
    });
    const down = await timedOnNodes(placed, contexts, options.parallelPerNode, async (entry) => {
      if (entry.sandbox === undefined) return;
      const problem = await removeSandbox(entry.context, entry.pod, entry.sandbox);
      if (problem !== undefined) throw new Error(`reference DEL failed: ${problem}`);
      entry.sandbox = undefined;
    });
    return { up, down };
  } finally {
    // Pod namespaces are `<prefix>-n<node>-pod-<id>`: any still here (a failed run) are ours by exact name.
    const leftovers = (await listNamespaces(runner)).filter((name) => name.startsWith(`${prefix}-`) && !nodeNamespaces.includes(name));
    for (const name of [...leftovers, ...nodeNamespaces]) await deleteNamespace(runner, name);
  }
}
