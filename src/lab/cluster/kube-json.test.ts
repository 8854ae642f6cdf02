import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePod, fixtureSnapshot } from './kube-fixtures.ts';
import { kubectlJson, nodesJson, podsJson } from './kube-json.ts';
import type { PodJson } from './kube-json.ts';

const NODE_A = 'ip-192-168-12-34.us-west-2.compute.internal';
const NODE_B = 'ip-192-168-40-7.us-west-2.compute.internal';

/** The item as kubectl would print it (undefined fields gone). */
function printed(value: unknown): unknown {
  return JSON.parse(kubectlJson(value)) as unknown;
}

describe('podsJson()', () => {
  const snapshot = fixtureSnapshot();
  const list = podsJson(snapshot.pods, snapshot);
  const item = (name: string): PodJson => list.items.find((pod) => pod.metadata.name === name)!;

  it('is a v1 List of Pods in namespace/name order', () => {
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.metadata, { resourceVersion: '' });
    assert.deepEqual(list.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`), [
      'default/shell', 'default/web-5b8c6d7f9x-abcde', 'default/web-5b8c6d7f9x-zzzzz', 'kube-system/aws-node-k7x2p',
    ]);
  });

  it('gives a Running deployment pod its full Kubernetes shape', () => {
    assert.deepEqual(printed(item('web-5b8c6d7f9x-abcde')), {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: 'web-5b8c6d7f9x-abcde', namespace: 'default', uid: '7d2c1a9e-0000-4000-8000-000000000001',
        creationTimestamp: '2024-01-15T11:56:48Z', labels: { app: 'web', 'pod-template-hash': '5b8c6d7f9x' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'dep-uid-1', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'httpd', image: 'httpd' }], nodeName: NODE_A },
      status: {
        phase: 'Running',
        conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True' })),
        hostIP: '192.168.12.34', hostIPs: [{ ip: '192.168.12.34' }], podIP: '192.168.20.5', podIPs: [{ ip: '192.168.20.5' }],
        startTime: '2024-01-15T11:56:51Z',
        containerStatuses: [{
          name: 'httpd', image: 'httpd', imageID: '', containerID: 'vpcnet-lab://a1b2c3', ready: true, restartCount: 0, started: true,
          state: { running: { startedAt: '2024-01-15T11:56:51Z' } },
        }],
      },
    });
  });

  it('leaves an unscheduled pod Pending with no node, addresses or container status, and says why', () => {
    const pod = printed(item('web-5b8c6d7f9x-zzzzz')) as PodJson;
    assert.deepEqual(pod.spec, { containers: [{ name: 'httpd', image: 'httpd' }] });
    assert.deepEqual(pod.status, {
      phase: 'Pending',
      conditions: [{
        type: 'PodScheduled', status: 'False', reason: 'Unschedulable',
        message: '0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
      }],
    });
  });

  it('keeps a pod whose sandbox is being created (or failed) Pending on its node, waiting in ContainerCreating', () => {
    for (const status of ['ContainerCreating', 'Failed'] as const) {
      const [pod] = podsJson([{ ...snapshot.pods[1]!, status }], snapshot).items;
      assert.equal(pod!.status.phase, 'Pending');
      assert.equal(pod!.spec.nodeName, NODE_A);
      assert.equal(pod!.status.hostIP, '192.168.12.34');
      assert.equal(pod!.status.podIP, undefined);
      assert.deepEqual(pod!.status.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
      assert.equal(pod!.spec.containers[0]!.name, 'shell', 'a `kubectl run` container is named after the pod');
    }
  });

  it('keeps a Terminating pod Running, as Kubernetes does until it is gone', () => {
    const [pod] = podsJson([fixturePod({ status: 'Terminating' })], snapshot).items;
    assert.equal(pod!.status.phase, 'Running');
    assert.equal(pod!.status.conditions.find((c) => c.type === 'Ready')?.status, 'False');
  });

  it('marks host-network pods (and only them) with spec.hostNetwork, their IP being the node address', () => {
    const system = item('aws-node-k7x2p');
    assert.equal(system.spec.hostNetwork, true);
    assert.equal(system.status.podIP, system.status.hostIP);
    assert.equal(system.spec.containers[0]!.name, 'aws-node');
    assert.equal(system.metadata.ownerReferences, undefined);
    assert.equal('hostNetwork' in (printed(item('shell')) as PodJson).spec, false, 'omitted when false, as omitempty does');
  });

  it('omits ownerReferences when the deployment is gone, and labels when there are none', () => {
    const [pod] = podsJson([fixturePod({ labels: {} })], { nodes: snapshot.nodes, deployments: [] }).items;
    assert.deepEqual(Object.keys(printed(pod!.metadata) as object), ['creationTimestamp', 'name', 'namespace', 'uid']);
  });
});

describe('nodesJson()', () => {
  const snapshot = fixtureSnapshot();
  const nodes = nodesJson(snapshot.nodes, { region: 'us-west-2', kernel: '6.8.0-1019-aws' });

  it('is a v1 List of Nodes in name order', () => {
    assert.deepEqual(podsJson([], snapshot).items, []);
    assert.deepEqual(nodesJson([], { region: 'us-west-2', kernel: 'k' }).items, []);
    assert.equal(nodes.kind, 'List');
    assert.deepEqual(nodes.items.map((node) => node.metadata.name), [NODE_A, NODE_B]);
  });

  it("carries EKS's labels, the provider id, addresses, pod capacity and the Ready condition", () => {
    assert.deepEqual(printed(nodes.items[0]), {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name: NODE_A, creationTimestamp: '2024-01-15T09:57:00Z',
        labels: {
          'eks.amazonaws.com/nodegroup': 'ng-1', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': NODE_A,
          'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 't3.medium',
          'topology.kubernetes.io/region': 'us-west-2', 'topology.kubernetes.io/zone': 'us-west-2a',
        },
      },
      spec: { providerID: 'aws:///us-west-2a/i-0123456789abcdef0' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '192.168.12.34' }, { type: 'ExternalIP', address: '54.12.0.7' },
          { type: 'InternalDNS', address: NODE_A }, { type: 'Hostname', address: NODE_A },
        ],
        capacity: { pods: '17' }, allocatable: { pods: '17' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        nodeInfo: {
          architecture: 'amd64', containerRuntimeVersion: 'vpcnet-lab://0.1.0', kernelVersion: '6.8.0-1019-aws',
          kubeletVersion: 'v1.31.0-eks-vpcnet', operatingSystem: 'linux', osImage: 'vpcnet lab (network namespace)',
        },
      },
    });
  });

  it('has no ExternalIP without a public address, and the not-ready taints when not Ready', () => {
    const node = nodes.items[1]!;
    assert.deepEqual(node.status.addresses.map((a) => a.type), ['InternalIP', 'InternalDNS', 'Hostname']);
    assert.equal(node.status.conditions[0]!.status, 'False');
    assert.equal(node.status.conditions[0]!.reason, 'KubeletNotReady');
    assert.deepEqual(node.spec.taints, [
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    ]);
    assert.equal(node.metadata.labels['topology.kubernetes.io/zone'], 'us-west-2b');
  });
});

describe('kubectlJson()', () => {
  it('sorts keys at every level, indents by four spaces, drops undefined and ends with a newline', () => {
    assert.equal(kubectlJson({ b: 1, a: { d: [{ z: true, y: null }], c: undefined }, e: [] }), [
      '{',
      '    "a": {',
      '        "d": [',
      '            {',
      '                "y": null,',
      '                "z": true',
      '            }',
      '        ]',
      '    },',
      '    "b": 1,',
      '    "e": []',
      '}',
      '',
    ].join('\n'));
  });

  it("escapes <, > and & as Go's encoding/json does", () => {
    assert.equal(kubectlJson({ message: 'a <b> & c' }), '{\n    "message": "a \\u003cb\\u003e \\u0026 c"\n}\n');
  });
});
