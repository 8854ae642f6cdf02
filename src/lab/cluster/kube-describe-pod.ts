/**
 * `kubectl describe pod`: kubectl's layout and alignment for a lab pod, with the events about it (for a pod
 * that cannot be placed, the scheduler's `FailedScheduling` warning).
 */
import { DescribeWriter, eventsAbout, writeEvents, writeLabels, writeLines } from './kube-describe-writer.ts';
import { containerName, containerState, nodeOf, podConditions, podController, podPhase } from './kube-fields.ts';
import { rfc1123z } from './kube-time.ts';
import type { ClusterSnapshot, LabPod } from './objects.ts';

/** The priority class of the system pods (aws-node, kube-proxy), and its value. */
const SYSTEM_NODE_CRITICAL = { name: 'system-node-critical', value: 2000001000 };

/** Tolerations the API server adds to every ordinary pod; DaemonSet pods tolerate everything. */
const DEFAULT_TOLERATIONS = [
  'node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
  'node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
];

function serviceAccount(pod: LabPod): string {
  return (pod.hostNetwork ? pod.labels['k8s-app'] : undefined) ?? 'default';
}

function writeHeader(w: DescribeWriter, pod: LabPod, snapshot: ClusterSnapshot): void {
  w.write(0, `Name:\t${pod.name}\n`);
  w.write(0, `Namespace:\t${pod.namespace}\n`);
  w.write(0, `Priority:\t${pod.hostNetwork ? SYSTEM_NODE_CRITICAL.value : 0}\n`);
  if (pod.hostNetwork) w.write(0, `Priority Class Name:\t${SYSTEM_NODE_CRITICAL.name}\n`);
  w.write(0, `Service Account:\t${serviceAccount(pod)}\n`);
  const hostIp = nodeOf(pod, snapshot.nodes)?.internalIp ?? '';
  w.write(0, `Node:\t${pod.nodeName === undefined ? '<none>' : `${pod.nodeName}/${hostIp}`}\n`);
  if (pod.startedAt !== undefined) w.write(0, `Start Time:\t${rfc1123z(pod.startedAt)}\n`);
  writeLabels(w, 'Labels', pod.labels);
  w.write(0, 'Annotations:\t<none>\n');
}

function writeStatus(w: DescribeWriter, pod: LabPod): void {
  if (pod.status === 'Terminating') {
    w.write(0, 'Status:\tTerminating\n');
    w.write(0, 'Termination Grace Period:\t30s\n');
  } else {
    w.write(0, `Status:\t${podPhase(pod)}\n`);
  }
  // The lab's own explanation (scheduler or CNI error): Kubernetes shows such text as the pod's Message.
  if (pod.message !== undefined) w.write(0, `Message:\t${pod.message}\n`);
  w.write(0, `IP:\t${pod.podIp ?? ''}\n`);
  if (pod.podIp === undefined) {
    w.write(0, 'IPs:\t<none>\n');
  } else {
    w.write(0, 'IPs:\n');
    w.write(1, `IP:\t${pod.podIp}\n`);
  }
  const controller = podController(pod);
  if (controller !== undefined) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
}

function writeContainerState(w: DescribeWriter, pod: LabPod): void {
  const state = containerState(pod);
  if (state === undefined) return;
  if ('running' in state) {
    w.write(2, 'State:\tRunning\n');
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else {
    w.write(2, 'State:\tWaiting\n');
    w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
  w.write(2, `Ready:\t${pod.status === 'Running' ? 'True' : 'False'}\n`);
  w.write(2, `Restart Count:\t${pod.restarts}\n`);
}

function writeContainers(w: DescribeWriter, pod: LabPod): void {
  const state = containerState(pod);
  w.write(0, 'Containers:\n');
  w.write(1, `${containerName(pod)}:\n`);
  if (state !== undefined) {
    const id = 'running' in state && pod.sandboxId !== undefined ? `vpcnet-lab://${pod.sandboxId}` : '';
    w.write(2, `Container ID:\t${id}\n`);
  }
  w.write(2, `Image:\t${pod.image}\n`);
  if (state !== undefined) w.write(2, 'Image ID:\t\n');
  w.write(2, 'Port:\t<none>\n');
  w.write(2, 'Host Port:\t<none>\n');
  writeContainerState(w, pod);
  w.write(2, 'Environment:\t<none>\n');
  w.write(2, 'Mounts:\t<none>\n');
}

function writeConditions(w: DescribeWriter, pod: LabPod): void {
  w.write(0, 'Conditions:\n  Type\tStatus\n');
  for (const condition of podConditions(pod)) w.write(1, `${condition.type} \t${condition.status} \n`);
  w.write(0, 'Volumes:\t<none>\n');
  w.write(0, 'QoS Class:\tBestEffort\n');
  w.write(0, 'Node-Selectors:\t<none>\n');
  writeLines(w, 'Tolerations', pod.hostNetwork ? ['op=Exists'] : DEFAULT_TOLERATIONS);
}

/** `kubectl describe pod <name>`: the pod's fields, its container, conditions and events. */
export function describePod(snapshot: ClusterSnapshot, pod: LabPod, now: Date): string {
  const w = new DescribeWriter();
  writeHeader(w, pod, snapshot);
  writeStatus(w, pod);
  writeContainers(w, pod);
  writeConditions(w, pod);
  writeEvents(w, eventsAbout(snapshot.events, { kind: 'Pod', namespace: pod.namespace, name: pod.name }), now);
  return w.text();
}
