import type { LabNode, LabPod } from './objects.ts';
import type { NodeDaemon } from './node-daemon.ts';
import type { Sandbox, SandboxContext } from './pod-sandbox.ts';
import { createSandbox, removeSandbox } from './pod-sandbox.ts';

/** What the agent reports back to the control plane, as kubelet does with events and pod status. */
export interface AgentReporter {
  /** The pod's status changed (the agent has already updated the object). */
  podChanged(pod: LabPod): void;
  event(pod: LabPod, event: { type: 'Normal' | 'Warning'; reason: string; message: string }): void;
}

const MAX_PARALLEL_SANDBOXES = 4;
const MAX_RETRY_MS = 10_000;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One node's kubelet and container runtime: creates and removes pod sandboxes (namespace, CNI, process)
 * a few at a time, retries a failed sandbox with a growing back-off while the pod still wants to run, and
 * owns the node's vpcnet-ipamd.
 */
export class NodeAgent {
  readonly node: LabNode;
  readonly daemon: NodeDaemon;
  readonly #context: SandboxContext;
  readonly #reporter: AgentReporter;
  readonly #sandboxes = new Map<string, Sandbox>();
  readonly #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #closed = false;

  constructor(options: { node: LabNode; daemon: NodeDaemon; context: SandboxContext; reporter: AgentReporter }) {
    this.node = options.node;
    this.daemon = options.daemon;
    this.#context = options.context;
    this.#reporter = options.reporter;
  }

  /** Starts the pod's sandbox (queued); the pod goes ContainerCreating, then Running. */
  runPod(pod: LabPod): void {
    pod.status = 'ContainerCreating';
    this.#reporter.podChanged(pod);
    this.#enqueue(() => this.#create(pod, 1_000));
  }

  /** Removes the pod's sandbox if it has one; resolves when CNI DEL and the namespace removal are done. */
  removePod(pod: LabPod): Promise<void> {
    return new Promise((resolve) => {
      this.#enqueue(async () => {
        await this.#remove(pod);
        resolve();
      });
    });
  }

  /** Stops taking work; pending work is dropped. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  #enqueue(work: () => Promise<void>): void {
    if (this.#closed) return;
    this.#queue.push(work);
    this.#drain();
  }

  #drain(): void {
    while (this.#running < MAX_PARALLEL_SANDBOXES && this.#queue.length > 0) {
      const work = this.#queue.shift();
      if (work === undefined) return;
      this.#running += 1;
      void work().finally(() => {
        this.#running -= 1;
        this.#drain();
      });
    }
  }

  async #create(pod: LabPod, retryMs: number): Promise<void> {
    if (pod.status !== 'ContainerCreating') return;
    try {
      const sandbox = await createSandbox(this.#context, pod);
      if (pod.status !== 'ContainerCreating') {
        // Deleted while its sandbox was being created: nobody else knows this sandbox, so undo it here.
        await removeSandbox(this.#context, pod, sandbox);
        return;
      }
      this.#sandboxes.set(key(pod), sandbox);
      Object.assign(pod, { sandboxId: sandbox.sandboxId, netns: sandbox.netns, pid: sandbox.pid, podIp: sandbox.podIp, message: undefined });
      pod.status = 'Running';
      pod.startedAt = new Date().toISOString();
      this.#reporter.event(pod, { type: 'Normal', reason: 'Started', message: `Started container ${pod.image} (sandbox ${sandbox.sandboxId.slice(0, 13)}, IP ${sandbox.podIp})` });
      this.#reporter.podChanged(pod);
    } catch (error) {
      pod.message = `Failed to create pod sandbox: ${describeError(error)}`;
      this.#reporter.event(pod, { type: 'Warning', reason: 'FailedCreatePodSandBox', message: pod.message });
      this.#reporter.podChanged(pod);
      setTimeout(() => this.#enqueue(() => this.#create(pod, Math.min(retryMs * 2, MAX_RETRY_MS))), retryMs);
    }
  }

  async #remove(pod: LabPod): Promise<void> {
    const sandbox = this.#sandboxes.get(key(pod));
    if (sandbox === undefined) return;
    this.#sandboxes.delete(key(pod));
    try {
      const problem = await removeSandbox(this.#context, pod, sandbox);
      if (problem !== undefined) this.#reporter.event(pod, { type: 'Warning', reason: 'FailedKillPod', message: `CNI DEL failed (the pod is removed anyway): ${problem}` });
    } catch (error) {
      this.#reporter.event(pod, { type: 'Warning', reason: 'FailedKillPod', message: `could not remove the sandbox ${sandbox.netns}: ${describeError(error)}` });
    }
  }
}

function key(pod: LabPod): string {
  return `${pod.namespace}/${pod.name}`;
}
