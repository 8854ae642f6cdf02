/**
 * The lab's scheduler: places pods on nodes the way kube-scheduler's default profile does for pods that only
 * need a pod slot, and explains a failure in kube-scheduler's own words (the `FailedScheduling` event text).
 */

/** What the scheduler needs to know about a node. */
export interface SchedulableNode {
  readonly name: string;
  readonly ready: boolean;
  /** kubelet's `--max-pods`. */
  readonly maxPods: number;
  /** Pods bound to the node, host-network system pods included (kubelet counts them too). */
  readonly podCount: number;
}

/** Where one pod goes, or kube-scheduler's reason why it cannot go anywhere. */
export type ScheduleDecision = { readonly node: string } | { readonly unschedulable: string };

/** kube-scheduler's `ErrNoNodesAvailable`, reported when the cluster has no node at all. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/**
 * Filter reasons as kube-scheduler's plugins word them. A node that is not Ready carries the
 * `node.kubernetes.io/not-ready:NoSchedule` taint, which ordinary pods do not tolerate; the TaintToleration
 * filter runs before NodeResourcesFit, so such a node is reported for the taint only.
 */
const NOT_READY_REASON = 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
const TOO_MANY_PODS_REASON = 'Too many pods';

function rejection(node: SchedulableNode): string | undefined {
  if (!node.ready) return NOT_READY_REASON;
  if (node.podCount >= node.maxPods) return TOO_MANY_PODS_REASON;
  return undefined;
}

/** Byte-order comparison, as Go's sort.Strings and Kubernetes' name ordering use. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Least loaded first: lower podCount/maxPods (compared exactly), then fewer pods, then name. */
function compareLoad(a: SchedulableNode, b: SchedulableNode): number {
  return a.podCount * b.maxPods - b.podCount * a.maxPods || a.podCount - b.podCount || compareText(a.name, b.name);
}

/**
 * kube-scheduler's FitError text: `0/N nodes are available: ` then one `<count> <reason>` per reason, the
 * strings sorted as Go's sort.Strings sorts them (count included), joined by `, `, ending with a period.
 */
function fitError(nodes: readonly SchedulableNode[]): string {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const reason = rejection(node);
    if (reason !== undefined) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons = [...counts].map(([reason, count]) => `${count} ${reason}`).sort(compareText);
  return `0/${nodes.length} nodes are available: ${reasons.join(', ')}.`;
}

/**
 * Picks a node for one pod like kube-scheduler: only Ready nodes with podCount < maxPods; the least loaded
 * (fewest pods / maxPods ratio, then fewest pods, then name) wins.
 */
export function schedulePod(nodes: readonly SchedulableNode[]): ScheduleDecision {
  if (nodes.length === 0) return { unschedulable: NO_NODES_MESSAGE };
  const [best] = nodes.filter((node) => rejection(node) === undefined).sort(compareLoad);
  return best === undefined ? { unschedulable: fitError(nodes) } : { node: best.name };
}

/** Places several pods in order, counting each placement (returns one decision per pod). */
export function schedulePods(nodes: readonly SchedulableNode[], count: number): readonly ScheduleDecision[] {
  const current = nodes.map((node) => ({ ...node }));
  const decisions: ScheduleDecision[] = [];
  for (let placed = 0; placed < count; placed++) {
    const decision = schedulePod(current);
    decisions.push(decision);
    if ('node' in decision) {
      const chosen = current.find((node) => node.name === decision.node);
      if (chosen !== undefined) chosen.podCount += 1;
    }
  }
  return decisions;
}
