/**
 * The lab cluster's objects, as its control plane keeps them: nodes, pods, deployments and events. They
 * hold what Kubernetes would show for the same things (kube-view.ts turns them into kubectl-shaped tables
 * and Kubernetes-shaped JSON) plus the lab's own bookkeeping (namespaces, PIDs, sandbox ids).
 */

/** The images the lab can run: a long-running busybox shell, or busybox httpd serving on port 80. */
export type PodImage = 'busybox' | 'httpd';

/** Every image the lab knows, for validation and help texts. */
export const POD_IMAGES: readonly PodImage[] = ['busybox', 'httpd'];

/** A node: one EC2 instance running vpcnet-ipamd and a node agent. */
export interface LabNode {
  /** The EC2 private DNS name, as EKS names nodes: `ip-192-168-12-34.us-west-2.compute.internal`. */
  readonly name: string;
  readonly instanceId: string;
  readonly instanceType: string;
  readonly zone: string;
  readonly nodegroup: string;
  readonly internalIp: string;
  /** The public IPv4 address, when the node's subnet maps one. */
  readonly externalIp: string | undefined;
  /** kubelet's `--max-pods`, from the daemon's configuration (host-network pods included). */
  readonly maxPods: number;
  /** The instance's network namespace. */
  readonly netns: string;
  /** ISO 8601 time the node registered. */
  readonly createdAt: string;
  /** True once the node's vpcnet-ipamd reported ready. */
  ready: boolean;
  /** The node's vpcnet-ipamd process. */
  daemon: DaemonState;
}

/** What the node agent knows of its vpcnet-ipamd. */
export interface DaemonState {
  pid: number | undefined;
  /** Times it was started again after exiting. */
  restarts: number;
  phase: 'starting' | 'running' | 'restarting' | 'stopped';
}

/**
 * A pod's lifecycle as kubectl shows it in STATUS: `Pending` (not scheduled), `ContainerCreating`
 * (scheduled, CNI ADD running), `Running`, `Terminating` (CNI DEL running), `Failed` (ADD failed; the
 * message says why, and the agent retries).
 */
export type PodStatus = 'Pending' | 'ContainerCreating' | 'Running' | 'Terminating' | 'Failed';

/** A pod. */
export interface LabPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: PodImage;
  /** Host-network pods (aws-node, kube-proxy) use the node's address and get no CNI call. */
  readonly hostNetwork: boolean;
  /** The deployment that owns it, if any. */
  readonly owner: string | undefined;
  readonly createdAt: string;
  nodeName: string | undefined;
  status: PodStatus;
  /** Why the pod is not Running (for example the CNI error), shown by describe. */
  message: string | undefined;
  podIp: string | undefined;
  startedAt: string | undefined;
  /** The sandbox (pause container) id passed to CNI as CNI_CONTAINERID and K8S_POD_INFRA_CONTAINER_ID. */
  sandboxId: string | undefined;
  /** The pod's network namespace name (under /var/run/netns). */
  netns: string | undefined;
  /** The PID of the pod's process. */
  pid: number | undefined;
  restarts: number;
}

/** A deployment: keeps `replicas` pods labelled `app=<name>` running. */
export interface LabDeployment {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly image: PodImage;
  readonly createdAt: string;
  replicas: number;
}

/** An event, as `kubectl describe` lists them. */
export interface LabEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** The object it is about. */
  readonly involved: { readonly kind: 'Pod' | 'Node' | 'Deployment'; readonly namespace: string | undefined; readonly name: string };
  /** `default-scheduler`, `kubelet`, `deployment-controller`, ... */
  readonly source: string;
  readonly firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** Everything `get`, `describe` and `status` read, in one snapshot. */
export interface ClusterSnapshot {
  readonly clusterName: string;
  readonly region: string;
  readonly nodes: readonly LabNode[];
  readonly pods: readonly LabPod[];
  readonly deployments: readonly LabDeployment[];
  readonly events: readonly LabEvent[];
}
