import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '../../ports/command-runner.ts';
import { deleteNamespace } from '../fabric/netns.ts';
import type { CniDriver, Conflist, RuntimeConf } from './cni-driver.ts';
import { LOOPBACK_CONFLIST } from './node-files.ts';
import type { PodImage } from './objects.ts';

/** The busybox the pods run (Debian's busybox-static). */
export const POD_BUSYBOX = '/usr/bin/busybox';

/** Who the sandbox is for: what containerd's CRI puts in CNI_ARGS. */
export interface SandboxPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly image: PodImage;
}

/** A running sandbox: its namespace, CNI result and process. */
export interface Sandbox {
  readonly sandboxId: string;
  readonly netns: string;
  readonly podIp: string;
  readonly pid: number;
  /** The conflist's ADD result, kept for DEL (libcni caches it the same way). */
  readonly result: Record<string, unknown>;
}

/** What a node's sandboxes need. */
export interface SandboxContext {
  readonly runner: CommandRunner;
  readonly driver: CniDriver;
  readonly conflist: Conflist;
  /** Names the pod namespaces `<prefix>-pod-<id>`, inside the lab's own prefix. */
  readonly netnsPrefix: string;
  /** The node's directory for pod files (web roots, logs). */
  readonly podsDir: string;
  readonly nodeName: string;
}

/** containerd's CNI_ARGS for a CRI sandbox. */
export function criCniArgs(pod: SandboxPod, sandboxId: string): string {
  return `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.namespace};K8S_POD_NAME=${pod.name};K8S_POD_INFRA_CONTAINER_ID=${sandboxId};K8S_POD_UID=${pod.uid}`;
}

function runtimeConf(pod: SandboxPod, sandboxId: string, netns: string): RuntimeConf {
  return {
    containerId: sandboxId, netns: `/var/run/netns/${netns}`, ifName: 'eth0', args: criCniArgs(pod, sandboxId),
    capabilityArgs: { portMappings: [], 'io.kubernetes.cri.pod-annotations': {} },
  };
}

function podAddress(result: Record<string, unknown>): string {
  const ips = result.ips as { address?: string }[] | undefined;
  const address = ips?.[0]?.address?.split('/')[0];
  if (address === undefined) throw new Error(`the CNI result has no address: ${JSON.stringify(result)}`);
  return address;
}

async function podCommand(context: SandboxContext, pod: SandboxPod, podIp: string): Promise<string[]> {
  if (pod.image === 'busybox') return [POD_BUSYBOX, 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 3600 & wait $!; done'];
  const root = join(context.podsDir, `${pod.namespace}_${pod.name}`, 'www');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'index.html'), `hello from ${pod.namespace}/${pod.name} (${podIp}) on ${context.nodeName}\n`);
  return [POD_BUSYBOX, 'httpd', '-f', '-p', '80', '-h', root];
}

async function startPodProcess(context: SandboxContext, pod: SandboxPod, netns: string, podIp: string): Promise<number> {
  const command = await podCommand(context, pod, podIp);
  const log = await open(join(context.podsDir, `${pod.namespace}_${pod.name}.log`), 'a');
  try {
    // Its own process group, so that removing the pod can end the shell and its children by one exact id.
    const child = spawn('ip', ['netns', 'exec', netns, ...command], { stdio: ['ignore', log.fd, log.fd], detached: true });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${pod.image} for ${pod.namespace}/${pod.name}`);
    return child.pid;
  } finally {
    await log.close();
  }
}

/**
 * Creates a pod sandbox as containerd's CRI does: a fresh network namespace, the loopback plugin, then
 * the node's conflist (ADD) with the CRI's environment and CNI_ARGS, and finally the pod's process. A
 * failure undoes what was done (DEL, namespace removal) and rethrows.
 */
export async function createSandbox(context: SandboxContext, pod: SandboxPod): Promise<Sandbox> {
  const sandboxId = randomBytes(32).toString('hex');
  const netns = `${context.netnsPrefix}-pod-${sandboxId.slice(0, 12)}`;
  const runtime = runtimeConf(pod, sandboxId, netns);
  await context.runner.run('ip', ['netns', 'add', netns]).then((r) => {
    if (r.code !== 0) throw new Error(`ip netns add ${netns}: ${r.stderr.trim()}`);
  });
  let result: Record<string, unknown> | undefined;
  try {
    await context.driver.addList(LOOPBACK_CONFLIST, runtime);
    result = await context.driver.addList(context.conflist, runtime);
    const podIp = podAddress(result);
    const pid = await startPodProcess(context, pod, netns, podIp);
    return { sandboxId, netns, podIp, pid, result };
  } catch (error) {
    await context.driver.delList(context.conflist, runtime, result).catch(() => undefined);
    await deleteNamespace(context.runner, netns).catch(() => undefined);
    throw error;
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Removes a sandbox as StopPodSandbox + RemovePodSandbox do: ends the pod's process group, runs DEL
 * through the conflist (with the namespace still present) and the loopback list, then removes the
 * namespace and the pod's files. DEL failures are returned, not thrown: removal always completes.
 */
export async function removeSandbox(context: SandboxContext, pod: SandboxPod, sandbox: Pick<Sandbox, 'sandboxId' | 'netns' | 'pid' | 'result'>): Promise<string | undefined> {
  killGroup(sandbox.pid);
  const runtime = runtimeConf(pod, sandbox.sandboxId, sandbox.netns);
  let problem: string | undefined;
  try {
    await context.driver.delList(context.conflist, runtime, sandbox.result);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  await context.driver.delList(LOOPBACK_CONFLIST, runtime, undefined).catch(() => undefined);
  await deleteNamespace(context.runner, sandbox.netns);
  await rm(join(context.podsDir, `${pod.namespace}_${pod.name}`), { recursive: true, force: true });
  return problem;
}
