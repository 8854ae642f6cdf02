/**
 * `kubectl describe node`: kubectl's layout for a lab node (labels, taints, the Ready condition, addresses,
 * pod capacity, provider id, the pods on it and its events), plus a lab-only `vpcnet-ipamd:` section.
 */
import { DescribeWriter, eventsAbout, writeEvents, writeLabels, writeLines } from './kube-describe-writer.ts';
import { nodeAddresses, nodeLabels, nodeReadyCondition, nodeTaints, providerId, sortPods } from './kube-fields.ts';
import { ageSince, rfc1123z } from './kube-time.ts';
import type { ClusterSnapshot, LabNode } from './objects.ts';

function writeConditions(w: DescribeWriter, node: LabNode, now: Date): void {
  const ready = nodeReadyCondition(node);
  w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
  w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
  // The lab keeps no condition history: the heartbeat is now and the transition is the registration.
  const times = `${rfc1123z(now.toISOString())} \t${rfc1123z(node.createdAt)} `;
  w.write(1, `${ready.type} \t${ready.status} \t${times}\t${ready.reason} \t${ready.message}\n`);
}

function writeResources(w: DescribeWriter, node: LabNode): void {
  w.write(0, 'Addresses:\n');
  for (const address of nodeAddresses(node)) w.write(1, `${address.type}:\t${address.address}\n`);
  for (const title of ['Capacity', 'Allocatable']) {
    w.write(0, `${title}:\n`);
    w.write(0, `  pods:\t${node.maxPods}\n`);
  }
  w.write(0, `ProviderID:\t${providerId(node)}\n`);
}

function writePods(w: DescribeWriter, snapshot: ClusterSnapshot, node: LabNode, now: Date): void {
  const pods = sortPods(snapshot.pods.filter((pod) => pod.nodeName === node.name));
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tAge\n');
  w.write(1, '---------\t----\t\t---\n');
  for (const pod of pods) w.write(1, `${pod.namespace}\t${pod.name}\t\t${ageSince(pod.createdAt, now)}\n`);
}

/** The lab's own section: the node's vpcnet-ipamd process as the node agent sees it. */
function writeDaemon(w: DescribeWriter, node: LabNode): void {
  w.write(0, 'vpcnet-ipamd:\n');
  w.write(1, `PID:\t${node.daemon.pid ?? '<none>'}\n`);
  w.write(1, `Phase:\t${node.daemon.phase}\n`);
  w.write(1, `Restarts:\t${node.daemon.restarts}\n`);
}

/** `kubectl describe node <name>`: the node's fields, the pods bound to it and its events. */
export function describeNode(snapshot: ClusterSnapshot, node: LabNode, now: Date): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${node.name}\n`);
  w.write(0, 'Roles:\t<none>\n');
  writeLabels(w, 'Labels', nodeLabels(node, snapshot.region));
  w.write(0, 'Annotations:\t<none>\n');
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.createdAt)}\n`);
  writeLines(w, 'Taints', nodeTaints(node).map((taint) => `${taint.key}:${taint.effect}`));
  w.write(0, 'Unschedulable:\tfalse\n');
  writeConditions(w, node, now);
  writeResources(w, node);
  writePods(w, snapshot, node, now);
  writeDaemon(w, node);
  writeEvents(w, eventsAbout(snapshot.events, { kind: 'Node', namespace: undefined, name: node.name }), now);
  return w.text();
}
