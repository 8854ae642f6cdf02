/**
 * A small cluster for the kube-view tests: two nodes (one not Ready), a Running pod of a deployment, a
 * `kubectl run` pod still creating its sandbox, a Pending pod with its FailedScheduling event, and a
 * host-network system pod. Times are fixed so ages are exact.
 */
import type { ClusterSnapshot, LabEvent, LabNode, LabPod } from './objects.ts';

/** The moment every test's `now` is. */
export const NOW = new Date('2024-01-15T12:00:00.000Z');

/** A lab node with defaults, `overrides` on top. */
export function fixtureNode(overrides: Partial<LabNode> = {}): LabNode {
  return {
    name: 'ip-192-168-12-34.us-west-2.compute.internal', instanceId: 'i-0123456789abcdef0', instanceType: 't3.medium',
    zone: 'us-west-2a', nodegroup: 'ng-1', internalIp: '192.168.12.34', externalIp: '54.12.0.7', maxPods: 17,
    netns: 'vpcl000001-i-0123456789abcdef0', createdAt: '2024-01-15T09:57:00.000Z', ready: true,
    daemon: { pid: 4242, restarts: 1, phase: 'running' },
    ...overrides,
  };
}

/** A lab pod with defaults (a Running deployment pod on the first node), `overrides` on top. */
export function fixturePod(overrides: Partial<LabPod> = {}): LabPod {
  return {
    namespace: 'default', name: 'web-5b8c6d7f9x-abcde', uid: '7d2c1a9e-0000-4000-8000-000000000001',
    labels: { app: 'web', 'pod-template-hash': '5b8c6d7f9x' }, image: 'httpd', hostNetwork: false, owner: 'web',
    createdAt: '2024-01-15T11:56:48.000Z', nodeName: 'ip-192-168-12-34.us-west-2.compute.internal', status: 'Running',
    message: undefined, podIp: '192.168.20.5', startedAt: '2024-01-15T11:56:51.000Z', sandboxId: 'a1b2c3', netns: 'cni-1',
    pid: 5151, restarts: 0,
    ...overrides,
  };
}

/** An event with defaults, `overrides` on top. */
export function fixtureEvent(overrides: Partial<LabEvent> = {}): LabEvent {
  return {
    type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-5b8c6d7f9x-abcde to ip-192-168-12-34.us-west-2.compute.internal',
    involved: { kind: 'Pod', namespace: 'default', name: 'web-5b8c6d7f9x-abcde' }, source: 'default-scheduler',
    firstTimestamp: '2024-01-15T11:56:48.000Z', lastTimestamp: '2024-01-15T11:56:48.000Z', count: 1,
    ...overrides,
  };
}

const PENDING_MESSAGE = '0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.';

/** The cluster the tests describe. */
export function fixtureSnapshot(): ClusterSnapshot {
  const nodeA = fixtureNode();
  const nodeB = fixtureNode({
    name: 'ip-192-168-40-7.us-west-2.compute.internal', instanceId: 'i-0fedcba9876543210', zone: 'us-west-2b',
    internalIp: '192.168.40.7', externalIp: undefined, createdAt: '2024-01-12T07:00:00.000Z', ready: false,
    daemon: { pid: undefined, restarts: 3, phase: 'restarting' },
  });
  const pods = [
    fixturePod(),
    fixturePod({
      name: 'shell', uid: 'u-2', labels: { run: 'shell' }, image: 'busybox', owner: undefined, status: 'ContainerCreating',
      podIp: undefined, startedAt: undefined, sandboxId: 'd4e5f6', createdAt: '2024-01-15T11:59:15.000Z',
    }),
    fixturePod({
      name: 'web-5b8c6d7f9x-zzzzz', uid: 'u-3', nodeName: undefined, status: 'Pending', message: PENDING_MESSAGE,
      podIp: undefined, startedAt: undefined, sandboxId: undefined, netns: undefined, pid: undefined, createdAt: '2024-01-15T11:50:00.000Z',
    }),
    fixturePod({
      namespace: 'kube-system', name: 'aws-node-k7x2p', uid: 'u-4', labels: { 'k8s-app': 'aws-node' }, image: 'busybox',
      hostNetwork: true, owner: undefined, podIp: '192.168.12.34', restarts: 2, createdAt: '2024-01-15T09:57:00.000Z',
      startedAt: '2024-01-15T09:57:01.000Z', sandboxId: undefined, netns: undefined, pid: undefined,
    }),
  ];
  const events = [
    fixtureEvent(),
    fixtureEvent({
      type: 'Warning', reason: 'FailedScheduling', message: PENDING_MESSAGE, source: 'default-scheduler',
      involved: { kind: 'Pod', namespace: 'default', name: 'web-5b8c6d7f9x-zzzzz' },
      firstTimestamp: '2024-01-15T11:50:00.000Z', lastTimestamp: '2024-01-15T11:58:30.000Z', count: 4,
    }),
    fixtureEvent({
      reason: 'NodeReady', message: `Node ${nodeA.name} status is now: NodeReady`, source: 'kubelet',
      involved: { kind: 'Node', namespace: undefined, name: nodeA.name }, firstTimestamp: nodeA.createdAt, lastTimestamp: nodeA.createdAt,
    }),
  ];
  return {
    clusterName: 'vpcnet-lab', region: 'us-west-2', nodes: [nodeB, nodeA], pods,
    deployments: [{ namespace: 'default', name: 'web', uid: 'dep-uid-1', image: 'httpd', createdAt: '2024-01-15T11:56:47.000Z', replicas: 2 }],
    events,
  };
}
