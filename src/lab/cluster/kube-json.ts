/**
 * `kubectl get pods|nodes -o json`: the lab's objects in the Kubernetes API shape (a `v1` `List` of `Pod`
 * or `Node` items), with Kubernetes' omissions (a field with no value is absent, as Go's `omitempty`
 * leaves it), and `kubectlJson()` to print it byte for byte as kubectl does.
 */
import {
  CONTAINER_RUNTIME_VERSION, KUBELET_VERSION, OS_IMAGE, containerName, containerState, nodeAddresses, nodeLabels,
  nodeOf, nodeReadyCondition, nodeTaints, podConditions, podController, podPhase, providerId, sortNodes, sortPods,
} from './kube-fields.ts';
import type { ContainerState, KubeCondition } from './kube-fields.ts';
import { kubeTimestamp } from './kube-time.ts';
import type { ClusterSnapshot, LabNode, LabPod } from './objects.ts';

/** A `v1` `List`, as `kubectl get -o json` prints several objects. */
export interface KubeList<T> {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly items: readonly T[];
  readonly metadata: { readonly resourceVersion: '' };
}

/** A container's status in a pod's status. */
export interface ContainerStatusJson {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly containerID?: string;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly started: boolean;
  readonly state: ContainerState;
}

/** A `v1` `Pod` with the fields the lab knows. */
export interface PodJson {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly creationTimestamp: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly {
      readonly apiVersion: 'apps/v1'; readonly kind: string; readonly name: string; readonly uid: string;
      readonly controller: true; readonly blockOwnerDeletion: true;
    }[];
  };
  readonly spec: {
    readonly containers: readonly { readonly name: string; readonly image: string }[];
    readonly hostNetwork?: true;
    readonly nodeName?: string;
  };
  readonly status: {
    readonly phase: 'Pending' | 'Running';
    readonly conditions: readonly KubeCondition[];
    readonly hostIP?: string;
    readonly hostIPs?: readonly { readonly ip: string }[];
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip: string }[];
    readonly startTime?: string;
    readonly containerStatuses?: readonly ContainerStatusJson[];
  };
}

/** A `v1` `Node` with the fields the lab knows. */
export interface NodeJson {
  readonly apiVersion: 'v1';
  readonly kind: 'Node';
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly creationTimestamp: string };
  readonly spec: { readonly providerID: string; readonly taints?: readonly { readonly key: string; readonly effect: string }[] };
  readonly status: {
    readonly addresses: readonly { readonly type: string; readonly address: string }[];
    readonly capacity: { readonly pods: string };
    readonly allocatable: { readonly pods: string };
    readonly conditions: readonly KubeCondition[];
    readonly nodeInfo: Readonly<Record<string, string>>;
  };
}

/** Where nodes' facts that are not on LabNode come from. */
export interface NodesJsonOptions {
  readonly region: string;
  /** The machine's kernel release, which every lab node shares. */
  readonly kernel: string;
}

function list<T>(items: readonly T[]): KubeList<T> {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

function ownerReferences(pod: LabPod, snapshot: Pick<ClusterSnapshot, 'deployments'>): PodJson['metadata']['ownerReferences'] {
  const controller = podController(pod);
  if (controller === undefined) return undefined;
  const owner = snapshot.deployments.find((d) => d.namespace === pod.namespace && d.name === controller.name);
  if (owner === undefined) return undefined;
  return [{ apiVersion: 'apps/v1', kind: controller.kind, name: controller.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }];
}

function containerStatuses(pod: LabPod): ContainerStatusJson[] | undefined {
  const state = containerState(pod);
  if (state === undefined) return undefined;
  const running = 'running' in state;
  const containerID = running && pod.sandboxId !== undefined ? `vpcnet-lab://${pod.sandboxId}` : undefined;
  const jsonState = running ? { running: { startedAt: kubeTimestamp(state.running.startedAt) } } : state;
  return [{
    name: containerName(pod), image: pod.image, imageID: '', containerID, ready: pod.status === 'Running',
    restartCount: pod.restarts, started: running, state: jsonState,
  }];
}

function podItem(pod: LabPod, snapshot: Pick<ClusterSnapshot, 'nodes' | 'deployments'>): PodJson {
  const hostIP = nodeOf(pod, snapshot.nodes)?.internalIp;
  const labels = Object.keys(pod.labels).length === 0 ? undefined : { ...pod.labels };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: pod.name, namespace: pod.namespace, uid: pod.uid, creationTimestamp: kubeTimestamp(pod.createdAt), labels,
      ownerReferences: ownerReferences(pod, snapshot),
    },
    spec: {
      containers: [{ name: containerName(pod), image: pod.image }],
      hostNetwork: pod.hostNetwork ? true : undefined,
      nodeName: pod.nodeName,
    },
    status: {
      phase: podPhase(pod),
      conditions: podConditions(pod),
      hostIP, hostIPs: hostIP === undefined ? undefined : [{ ip: hostIP }],
      podIP: pod.podIp, podIPs: pod.podIp === undefined ? undefined : [{ ip: pod.podIp }],
      startTime: pod.startedAt === undefined ? undefined : kubeTimestamp(pod.startedAt),
      containerStatuses: containerStatuses(pod),
    },
  };
}

/**
 * `kubectl get pods -o json`: a List of Pods in namespace/name order. `snapshot` supplies the nodes (for
 * `status.hostIP`) and the deployments (for `metadata.ownerReferences`).
 */
export function podsJson(pods: readonly LabPod[], snapshot: Pick<ClusterSnapshot, 'nodes' | 'deployments'>): KubeList<PodJson> {
  return list(sortPods(pods).map((pod) => podItem(pod, snapshot)));
}

function nodeItem(node: LabNode, options: NodesJsonOptions): NodeJson {
  const taints = nodeTaints(node);
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: node.name, labels: nodeLabels(node, options.region), creationTimestamp: kubeTimestamp(node.createdAt) },
    spec: { providerID: providerId(node), taints: taints.length === 0 ? undefined : taints },
    status: {
      addresses: nodeAddresses(node),
      capacity: { pods: String(node.maxPods) },
      allocatable: { pods: String(node.maxPods) },
      conditions: [nodeReadyCondition(node)],
      nodeInfo: {
        architecture: 'amd64', containerRuntimeVersion: CONTAINER_RUNTIME_VERSION, kernelVersion: options.kernel,
        kubeletVersion: KUBELET_VERSION, operatingSystem: 'linux', osImage: OS_IMAGE,
      },
    },
  };
}

/** `kubectl get nodes -o json`: a List of Nodes in name order. */
export function nodesJson(nodes: readonly LabNode[], options: NodesJsonOptions): KubeList<NodeJson> {
  return list(sortNodes(nodes).map((node) => nodeItem(node, options)));
}

/** Objects with their keys in byte order, as Go's encoding/json writes the maps kubectl prints. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

const GO_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * The text `kubectl get -o json` prints for a value: keys sorted, four-space indent, `<`, `>` and `&`
 * escaped as Go's json.MarshalIndent escapes them, and a final newline.
 */
export function kubectlJson(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), null, 4);
  return `${text.replace(/[<>&\u2028\u2029]/g, (char) => GO_ESCAPES[char] ?? char)}\n`;
}
