/**
 * What kubectl prints for the lab cluster: `get` tables, `-o json` lists and `describe` texts, made from a
 * ClusterSnapshot (objects.ts). Every function is pure; the current time is a parameter.
 */
export { podsTable, nodesTable, noResourcesFound } from './kube-table.ts';
export type { PodsTableOptions, NodesTableOptions } from './kube-table.ts';
export { podsJson, nodesJson, kubectlJson } from './kube-json.ts';
export type { KubeList, PodJson, NodeJson, NodesJsonOptions } from './kube-json.ts';
export { describePod } from './kube-describe-pod.ts';
export { describeNode } from './kube-describe-node.ts';
export { humanDuration } from './kube-time.ts';
