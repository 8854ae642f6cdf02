/**
 * `kubectl get pods` and `kubectl get nodes` tables, with kubectl's columns, `<none>` placeholders, ages and
 * alignment. Pure: the current time comes in the options.
 */
import { CONTAINER_RUNTIME_VERSION, KUBELET_VERSION, OS_IMAGE, sortNodes, sortPods } from './kube-fields.ts';
import { ageSince } from './kube-time.ts';
import { alignRows } from './kube-tabwriter.ts';
import type { LabNode, LabPod } from './objects.ts';

const NONE = '<none>';

/** How `get pods` was asked for. */
export interface PodsTableOptions {
  /** `-o wide`: adds IP, NODE, NOMINATED NODE and READINESS GATES. */
  readonly wide: boolean;
  /** `-A`: adds NAMESPACE first. */
  readonly allNamespaces: boolean;
  readonly now: Date;
}

/** How `get nodes` was asked for. */
export interface NodesTableOptions {
  /** `-o wide`: adds INTERNAL-IP, EXTERNAL-IP, OS-IMAGE, KERNEL-VERSION and CONTAINER-RUNTIME. */
  readonly wide: boolean;
  readonly now: Date;
  /** The machine's kernel release (`uname -r`), which every lab node shares. */
  readonly kernel: string;
}

function podRow(pod: LabPod, options: PodsTableOptions): string[] {
  const row = [
    pod.name,
    pod.status === 'Running' ? '1/1' : '0/1',
    pod.status,
    String(pod.restarts),
    ageSince(pod.createdAt, options.now),
  ];
  if (options.wide) row.push(pod.podIp ?? NONE, pod.nodeName ?? NONE, NONE, NONE);
  return options.allNamespaces ? [pod.namespace, ...row] : row;
}

/**
 * `kubectl get pods [-A] [-o wide]`: one line per pod in namespace/name order. Empty when there are no
 * pods: kubectl then prints only `noResourcesFound()` (on stderr).
 */
export function podsTable(pods: readonly LabPod[], options: PodsTableOptions): string {
  if (pods.length === 0) return '';
  const header = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'];
  if (options.wide) header.push('IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES');
  const rows = sortPods(pods).map((pod) => podRow(pod, options));
  return alignRows([options.allNamespaces ? ['NAMESPACE', ...header] : header, ...rows]);
}

function nodeRow(node: LabNode, options: NodesTableOptions): string[] {
  const row = [node.name, node.ready ? 'Ready' : 'NotReady', NONE, ageSince(node.createdAt, options.now), KUBELET_VERSION];
  if (options.wide) row.push(node.internalIp, node.externalIp ?? NONE, OS_IMAGE, options.kernel, CONTAINER_RUNTIME_VERSION);
  return row;
}

/** `kubectl get nodes [-o wide]`: one line per node in name order; empty when there are none. */
export function nodesTable(nodes: readonly LabNode[], options: NodesTableOptions): string {
  if (nodes.length === 0) return '';
  const header = ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'];
  if (options.wide) header.push('INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME');
  return alignRows([header, ...sortNodes(nodes).map((node) => nodeRow(node, options))]);
}

/**
 * kubectl's message for an empty list: `No resources found in <namespace> namespace.` for namespaced
 * resources in one namespace, `No resources found` for cluster-wide lists and `-A`.
 */
export function noResourcesFound(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}
