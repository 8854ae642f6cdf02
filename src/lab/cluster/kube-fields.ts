/**
 * What Kubernetes would derive from the lab's objects: pod phase, conditions and container state, the
 * node's labels, addresses, taints and provider id. Shared by the tables, the JSON and `describe`.
 */
import type { LabNode, LabPod } from './objects.ts';

/** The kubelet version lab nodes report (an EKS-style build string). */
export const KUBELET_VERSION = 'v1.31.0-eks-vpcnet';
/** What lab nodes report as their OS image. */
export const OS_IMAGE = 'vpcnet lab (network namespace)';
/** What lab nodes report as their container runtime. */
export const CONTAINER_RUNTIME_VERSION = 'vpcnet-lab://0.1.0';

/** A condition as it appears in an object's status. */
export interface KubeCondition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason?: string;
  readonly message?: string;
}

/** A container's state, in the Kubernetes shape (one of running or waiting). */
export type ContainerState =
  | { readonly running: { readonly startedAt: string } }
  | { readonly waiting: { readonly reason: string } };

/** Byte order, as the API server lists objects (by namespace, then name). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pods in the API server's list order: namespace, then name. */
export function sortPods(pods: readonly LabPod[]): LabPod[] {
  return [...pods].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}

/** Nodes in the API server's list order: by name. */
export function sortNodes(nodes: readonly LabNode[]): LabNode[] {
  return [...nodes].sort((a, b) => compareText(a.name, b.name));
}

/**
 * Kubernetes' pod phase: a pod whose sandbox is not up yet (or could not be created) is still `Pending`;
 * a pod being deleted keeps its phase, `Running`, until it is gone.
 */
export function podPhase(pod: LabPod): 'Pending' | 'Running' {
  return pod.status === 'Running' || pod.status === 'Terminating' ? 'Running' : 'Pending';
}

/** The node a pod is bound to, if it is bound and the node is known. */
export function nodeOf(pod: LabPod, nodes: readonly LabNode[]): LabNode | undefined {
  return pod.nodeName === undefined ? undefined : nodes.find((node) => node.name === pod.nodeName);
}

/**
 * The container's name, as kubectl would have made it: `create deployment` names it after the image,
 * `run` after the pod; the system pods' containers are named after their app (`aws-node`, `kube-proxy`).
 */
export function containerName(pod: LabPod): string {
  if (pod.owner !== undefined) return pod.image;
  return (pod.hostNetwork ? pod.labels['k8s-app'] : undefined) ?? pod.name;
}

/** The container's state, or undefined while the pod is not bound to a node (no status yet). */
export function containerState(pod: LabPod): ContainerState | undefined {
  if (pod.nodeName === undefined) return undefined;
  const running = pod.status === 'Running' || pod.status === 'Terminating';
  if (running && pod.startedAt !== undefined) return { running: { startedAt: pod.startedAt } };
  return { waiting: { reason: 'ContainerCreating' } };
}

function condition(type: string, isTrue: boolean): KubeCondition {
  return { type, status: isTrue ? 'True' : 'False' };
}

/** The pod's conditions, in the order the kubelet reports them. */
export function podConditions(pod: LabPod): KubeCondition[] {
  if (pod.nodeName === undefined) {
    const unschedulable = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' } as const;
    return [pod.message === undefined ? unschedulable : { ...unschedulable, message: pod.message }];
  }
  const sandboxReady = pod.status === 'Running' || (pod.status === 'Terminating' && pod.startedAt !== undefined);
  const ready = pod.status === 'Running';
  return [
    condition('PodReadyToStartContainers', sandboxReady),
    condition('Initialized', true),
    condition('Ready', ready),
    condition('ContainersReady', ready),
    condition('PodScheduled', true),
  ];
}

/** The owner kubectl shows under `Controlled By`, if the pod has one. */
export function podController(pod: LabPod): { readonly kind: 'Deployment'; readonly name: string } | undefined {
  return pod.owner === undefined ? undefined : { kind: 'Deployment', name: pod.owner };
}

/** The labels EKS puts on a managed node group's nodes. */
export function nodeLabels(node: LabNode, region: string): Record<string, string> {
  return {
    'eks.amazonaws.com/nodegroup': node.nodegroup,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': node.instanceType,
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': node.zone,
  };
}

/** The AWS cloud provider's id for the node's instance. */
export function providerId(node: LabNode): string {
  return `aws:///${node.zone}/${node.instanceId}`;
}

/** The node's addresses in the AWS cloud provider's order (InternalIP, ExternalIP, InternalDNS, Hostname). */
export function nodeAddresses(node: LabNode): { readonly type: string; readonly address: string }[] {
  return [
    { type: 'InternalIP', address: node.internalIp },
    ...(node.externalIp === undefined ? [] : [{ type: 'ExternalIP', address: node.externalIp }]),
    { type: 'InternalDNS', address: node.name },
    { type: 'Hostname', address: node.name },
  ];
}

/** The node's Ready condition with kubelet's reason and message. */
export function nodeReadyCondition(node: LabNode): Required<KubeCondition> {
  return node.ready
    ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
    : {
        type: 'Ready', status: 'False', reason: 'KubeletNotReady',
        message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      };
}

/** The taints a node that is not Ready carries, sorted as describe prints them (effect, then key). */
export function nodeTaints(node: LabNode): { readonly key: string; readonly effect: string }[] {
  if (node.ready) return [];
  return [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
  ];
}
