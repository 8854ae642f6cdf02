import { randomBytes, randomUUID } from 'node:crypto';
import { LabApiError, validateName, validateNamespace, validateReplicas } from './api-errors.ts';
import type { ClusterSnapshot, LabDeployment, LabEvent, LabNode, LabPod, PodImage } from './objects.ts';
import { schedulePod } from './scheduler.ts';

const MAX_EVENTS = 2000;
const RECONCILE_INTERVAL_MS = 5_000;
/** Characters Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(length: number): string {
  return [...randomBytes(length)].map((byte) => NAME_ALPHABET[byte % NAME_ALPHABET.length]).join('');
}

function now(): string {
  return new Date().toISOString();
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** What the control plane needs of a node's agent (NodeAgent; a fake in unit tests). */
export interface PodRunner {
  readonly node: LabNode;
  /** Starts the pod's sandbox in the background (the pod goes ContainerCreating, then Running). */
  runPod(pod: LabPod): void;
  /** Removes the pod's sandbox; resolves when it is gone. */
  removePod(pod: LabPod): Promise<void>;
  /** Stops taking work. */
  close(): void;
}

/** What a new pod is. */
export interface PodRequest {
  readonly namespace: string;
  readonly name: string;
  readonly image: PodImage;
}

/** What a new deployment is. */
export interface DeploymentRequest extends PodRequest {
  readonly replicas: number;
}

/**
 * The lab's API server, scheduler and deployment controller in one: it keeps the objects, places pending
 * pods on nodes with room (max pods, host-network pods included), keeps deployments at their replica
 * count, and hands pods to the node agents. Every change triggers a reconcile; a timer retries the rest.
 */
export class ControlPlane {
  readonly clusterName: string;
  readonly region: string;
  readonly #agents = new Map<string, PodRunner>();
  readonly #pods = new Map<string, LabPod>();
  readonly #deployments = new Map<string, LabDeployment>();
  readonly #events: LabEvent[] = [];
  /** Removals in progress, so that a second delete of the same pod waits for the same removal. */
  readonly #removals = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #reconcileQueued = false;

  constructor(options: { clusterName: string; region: string }) {
    this.clusterName = options.clusterName;
    this.region = options.region;
  }

  /** Registers a ready node and its host-network system pods (aws-node, kube-proxy). */
  addNode(agent: PodRunner): void {
    const node = agent.node;
    this.#agents.set(node.name, agent);
    for (const app of ['aws-node', 'kube-proxy']) {
      const pod = this.#newPod({ namespace: 'kube-system', name: `${app}-${suffix(5)}`, image: 'busybox' }, { 'k8s-app': app }, undefined, true);
      Object.assign(pod, { nodeName: node.name, status: 'Running', podIp: node.internalIp, startedAt: now() });
    }
    this.recordEvent({ kind: 'Node', namespace: undefined, name: node.name }, { type: 'Normal', reason: 'NodeReady', message: `Node ${node.name} status is now: NodeReady` }, 'kubelet');
    this.#requestReconcile();
  }

  /** Starts the periodic reconcile. */
  start(): void {
    this.#timer = setInterval(() => this.#reconcile(), RECONCILE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** A consistent copy of every object. */
  snapshot(): ClusterSnapshot {
    const copy = <T>(value: T): T => structuredClone(value);
    return {
      clusterName: this.clusterName, region: this.region,
      nodes: [...this.#agents.values()].map((agent) => copy(agent.node)),
      pods: [...this.#pods.values()].map(copy),
      deployments: [...this.#deployments.values()].map(copy),
      events: this.#events.map(copy),
    };
  }

  /** `kubectl run`: one pod. */
  createPod(request: PodRequest): LabPod {
    validateNamespace(request.namespace);
    validateName('Pod', request.name);
    if (this.#pods.has(key(request.namespace, request.name))) throw new LabApiError(409, `pods "${request.name}" already exists`);
    const pod = this.#newPod(request, { run: request.name }, undefined, false);
    this.#requestReconcile();
    return structuredClone(pod);
  }

  /** `kubectl delete pod`: resolves once CNI DEL has run and the pod is gone. */
  async deletePod(namespace: string, name: string): Promise<void> {
    const pod = this.#pods.get(key(namespace, name));
    if (pod === undefined) throw new LabApiError(404, `pods "${name}" not found`);
    if (pod.hostNetwork) throw new LabApiError(422, `pods "${name}" is a node's system pod (host network): it goes away with its node`);
    await this.#removePod(pod);
  }

  /** `kubectl create deployment`. */
  createDeployment(request: DeploymentRequest): LabDeployment {
    validateNamespace(request.namespace);
    validateName('Deployment', request.name);
    validateReplicas(request.replicas);
    const id = key(request.namespace, request.name);
    if (this.#deployments.has(id)) throw new LabApiError(409, `deployments.apps "${request.name}" already exists`);
    const deployment: LabDeployment = { namespace: request.namespace, name: request.name, uid: randomUUID(), image: request.image, createdAt: now(), replicas: request.replicas };
    this.#deployments.set(id, deployment);
    this.#requestReconcile();
    return structuredClone(deployment);
  }

  /** `kubectl scale deployment/<name> --replicas N`. */
  scaleDeployment(namespace: string, name: string, replicas: number): LabDeployment {
    validateReplicas(replicas);
    const deployment = this.#deployment(namespace, name);
    const before = deployment.replicas;
    deployment.replicas = replicas;
    this.recordEvent({ kind: 'Deployment', namespace, name }, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${replicas >= before ? 'up' : 'down'} replica set ${name} from ${before} to ${replicas}` }, 'deployment-controller');
    this.#requestReconcile();
    return structuredClone(deployment);
  }

  /** `kubectl delete deployment`: removes it and its pods (resolves once they are gone). */
  async deleteDeployment(namespace: string, name: string): Promise<void> {
    this.#deployment(namespace, name);
    this.#deployments.delete(key(namespace, name));
    await Promise.all(this.#podsOf(namespace, name).map((pod) => this.#removePod(pod)));
  }

  /** Removes every pod (CNI DEL for each) and stops the timers: the first step of `lab down`. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#deployments.clear();
    await Promise.all([...this.#pods.values()].filter((pod) => !pod.hostNetwork).map((pod) => this.#removePod(pod)));
    for (const agent of this.#agents.values()) agent.close();
  }

  /** Adds an event, or counts it again when the same one is already the latest for that object. */
  recordEvent(involved: LabEvent['involved'], what: Pick<LabEvent, 'type' | 'reason' | 'message'>, source: string): void {
    const at = now();
    const same = this.#events.findLast((e) => e.involved.kind === involved.kind && e.involved.namespace === involved.namespace && e.involved.name === involved.name);
    if (same !== undefined && same.reason === what.reason && same.message === what.message) {
      same.count += 1;
      same.lastTimestamp = at;
      return;
    }
    this.#events.push({ ...what, involved, source, firstTimestamp: at, lastTimestamp: at, count: 1 });
    if (this.#events.length > MAX_EVENTS) this.#events.splice(0, this.#events.length - MAX_EVENTS);
  }

  /** Reporter for node agents: pod events go into the event list. */
  podEvent(pod: LabPod, what: Pick<LabEvent, 'type' | 'reason' | 'message'>, source = 'kubelet'): void {
    this.recordEvent({ kind: 'Pod', namespace: pod.namespace, name: pod.name }, what, source);
  }

  /** Something changed on a node (a pod stopped, the daemon came back): try pending pods again. */
  nodeChanged(): void {
    this.#requestReconcile();
  }

  #newPod(request: PodRequest, labels: Record<string, string>, owner: string | undefined, hostNetwork: boolean): LabPod {
    const pod: LabPod = {
      namespace: request.namespace, name: request.name, uid: randomUUID(), labels, image: request.image, hostNetwork, owner, createdAt: now(),
      nodeName: undefined, status: 'Pending', message: undefined, podIp: undefined, startedAt: undefined, sandboxId: undefined, netns: undefined, pid: undefined, restarts: 0,
    };
    this.#pods.set(key(pod.namespace, pod.name), pod);
    return pod;
  }

  #deployment(namespace: string, name: string): LabDeployment {
    const deployment = this.#deployments.get(key(namespace, name));
    if (deployment === undefined) throw new LabApiError(404, `deployments.apps "${name}" not found`);
    return deployment;
  }

  #podsOf(namespace: string, owner: string): LabPod[] {
    return [...this.#pods.values()].filter((pod) => pod.namespace === namespace && pod.owner === owner);
  }

  #removePod(pod: LabPod): Promise<void> {
    const id = key(pod.namespace, pod.name);
    const inProgress = this.#removals.get(id);
    if (inProgress !== undefined) return inProgress;
    const removal = this.#doRemovePod(pod).finally(() => this.#removals.delete(id));
    this.#removals.set(id, removal);
    return removal;
  }

  async #doRemovePod(pod: LabPod): Promise<void> {
    const wasScheduled = pod.nodeName !== undefined;
    pod.status = 'Terminating';
    if (wasScheduled) this.podEvent(pod, { type: 'Normal', reason: 'Killing', message: `Stopping container ${pod.image}` });
    const agent = pod.nodeName === undefined ? undefined : this.#agents.get(pod.nodeName);
    await agent?.removePod(pod);
    this.#pods.delete(key(pod.namespace, pod.name));
    this.#requestReconcile();
  }

  #requestReconcile(): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    queueMicrotask(() => {
      this.#reconcileQueued = false;
      this.#reconcile();
    });
  }

  #reconcile(): void {
    for (const deployment of this.#deployments.values()) this.#reconcileDeployment(deployment);
    this.#schedulePending();
  }

  #reconcileDeployment(deployment: LabDeployment): void {
    const live = this.#podsOf(deployment.namespace, deployment.name).filter((pod) => pod.status !== 'Terminating');
    const templateHash = deployment.uid.replace(/-/g, '').slice(0, 10).replace(/[aeiou01]/g, 'x');
    for (let count = live.length; count < deployment.replicas; count++) {
      const name = `${deployment.name}-${templateHash}-${suffix(5)}`;
      const pod = this.#newPod({ namespace: deployment.namespace, name, image: deployment.image }, { app: deployment.name, 'pod-template-hash': templateHash }, deployment.name, false);
      this.recordEvent({ kind: 'Deployment', namespace: deployment.namespace, name: deployment.name }, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.name}` }, 'replicaset-controller');
    }
    // Like the ReplicaSet controller: unscheduled pods go first, then the youngest.
    const rank = (pod: LabPod): number => (pod.nodeName === undefined ? 0 : pod.status === 'Running' ? 2 : 1);
    const victims = live.sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt)).slice(0, Math.max(0, live.length - deployment.replicas));
    for (const pod of victims) void this.#removePod(pod);
  }

  #schedulePending(): void {
    const pending = [...this.#pods.values()].filter((pod) => pod.nodeName === undefined && pod.status === 'Pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const pod of pending) {
      const nodes = [...this.#agents.values()].map(({ node }) => this.#schedulable(node));
      const decision = schedulePod(nodes);
      if ('unschedulable' in decision) {
        pod.message = decision.unschedulable;
        this.podEvent(pod, { type: 'Warning', reason: 'FailedScheduling', message: decision.unschedulable }, 'default-scheduler');
        continue;
      }
      const agent = this.#agents.get(decision.node);
      if (agent === undefined) continue;
      pod.nodeName = decision.node;
      pod.message = undefined;
      this.podEvent(pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.namespace}/${pod.name} to ${decision.node}` }, 'default-scheduler');
      agent.runPod(pod);
    }
  }

  #schedulable(node: LabNode) {
    const podCount = [...this.#pods.values()].filter((pod) => pod.nodeName === node.name).length;
    return { name: node.name, ready: node.ready, maxPods: node.maxPods, podCount };
  }
}
