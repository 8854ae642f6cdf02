import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LabApiError } from './api-errors.ts';
import { ControlPlane } from './control-plane.ts';
import type { PodRunner } from './control-plane.ts';
import { fixtureNode } from './kube-fixtures.ts';
import type { LabNode, LabPod } from './objects.ts';

/** A node agent without namespaces: pods go Running on the next turn of the event loop with a made-up IP. */
class FakeAgent implements PodRunner {
  readonly node: LabNode;
  readonly removed: string[] = [];
  closed = false;
  /** When true, removePod waits until release() is called. */
  holdRemovals = false;
  readonly #held: (() => void)[] = [];
  #nextHost = 10;

  constructor(node: LabNode) {
    this.node = node;
  }

  runPod(pod: LabPod): void {
    pod.status = 'ContainerCreating';
    setImmediate(() => {
      if (pod.status !== 'ContainerCreating') return;
      Object.assign(pod, { status: 'Running', podIp: this.node.internalIp.replace(/\.\d+$/, `.${this.#nextHost++}`), netns: `fake-${pod.name}` });
    });
  }

  async removePod(pod: LabPod): Promise<void> {
    this.removed.push(`${pod.namespace}/${pod.name}`);
    if (this.holdRemovals) await new Promise<void>((resolve) => this.#held.push(resolve));
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  close(): void {
    this.closed = true;
  }
}

const running: { plane: ControlPlane; agents: FakeAgent[] }[] = [];

function cluster(maxPods: readonly number[]): { plane: ControlPlane; agents: FakeAgent[] } {
  const plane = new ControlPlane({ clusterName: 'test', region: 'us-west-2' });
  const agents = maxPods.map((max, index) => new FakeAgent(fixtureNode({ name: `node-${'abc'[index]}`, instanceId: `i-${index}`, internalIp: `192.168.${index}.5`, maxPods: max })));
  for (const agent of agents) plane.addNode(agent);
  running.push({ plane, agents });
  return { plane, agents };
}

/** Lets the reconcile microtask and the fake agents' setImmediate callbacks run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function pod(plane: ControlPlane, name: string, namespace = 'default'): LabPod {
  const found = plane.snapshot().pods.find((p) => p.namespace === namespace && p.name === name);
  return found ?? assert.fail(`no pod ${namespace}/${name}`);
}

function userPods(plane: ControlPlane): LabPod[] {
  return plane.snapshot().pods.filter((p) => !p.hostNetwork);
}

function podsPerNode(plane: ControlPlane): Record<string, number> {
  const byNode = Object.groupBy(userPods(plane), (p) => p.nodeName ?? 'none');
  return Object.fromEntries(Object.entries(byNode).map(([node, pods]) => [node, pods?.length ?? 0]));
}

/** What assert.throws/rejects checks: a LabApiError with this status and message (a RegExp matches). */
function apiError(status: LabApiError['status'], message: string | RegExp): Pick<LabApiError, 'name' | 'status'> & { message: string | RegExp } {
  return { name: 'LabApiError', status, message };
}

afterEach(async () => {
  for (const { plane, agents } of running.splice(0)) {
    for (const agent of agents) Object.assign(agent, { holdRemovals: false }).release();
    await plane.stop();
  }
});

describe('ControlPlane.addNode()', () => {
  it('registers aws-node and kube-proxy as Running host-network pods in kube-system, and NodeReady', () => {
    const { plane } = cluster([17]);
    const system = plane.snapshot().pods;
    assert.deepEqual(system.map((p) => p.labels['k8s-app']).sort(), ['aws-node', 'kube-proxy']);
    for (const p of system) {
      assert.equal(p.namespace, 'kube-system');
      assert.match(p.name, new RegExp(`^${p.labels['k8s-app']}-[a-z0-9]{5}$`));
      assert.deepEqual([p.hostNetwork, p.nodeName, p.status, p.podIp], [true, 'node-a', 'Running', '192.168.0.5']);
    }
    assert.ok(plane.snapshot().events.some((e) => e.reason === 'NodeReady' && e.involved.kind === 'Node' && e.involved.name === 'node-a'));
  });

  it('counts the system pods toward max pods', async () => {
    const { plane } = cluster([3]);
    plane.createPod({ namespace: 'default', name: 'one', image: 'busybox' });
    plane.createPod({ namespace: 'default', name: 'two', image: 'busybox' });
    await settle();
    assert.equal(pod(plane, 'one').status, 'Running');
    assert.deepEqual([pod(plane, 'two').status, pod(plane, 'two').message], ['Pending', '0/1 nodes are available: 1 Too many pods.']);
  });
});

describe('ControlPlane.createPod()', () => {
  it('creates a Pending pod that is scheduled and started, with a Scheduled event', async () => {
    const { plane } = cluster([17]);
    const created = plane.createPod({ namespace: 'default', name: 'shell', image: 'busybox' });
    assert.deepEqual([created.status, created.nodeName, created.labels], ['Pending', undefined, { run: 'shell' }]);
    await settle();
    const running = pod(plane, 'shell');
    assert.deepEqual([running.status, running.nodeName, running.podIp], ['Running', 'node-a', '192.168.0.10']);
    const scheduled = plane.snapshot().events.find((e) => e.involved.name === 'shell' && e.reason === 'Scheduled');
    assert.equal(scheduled?.message, 'Successfully assigned default/shell to node-a');
    assert.equal(scheduled.source, 'default-scheduler');
  });

  it('refuses a second pod of the same name in a namespace (409), not in another namespace', () => {
    const { plane } = cluster([17]);
    plane.createPod({ namespace: 'default', name: 'a', image: 'busybox' });
    assert.throws(() => plane.createPod({ namespace: 'default', name: 'a', image: 'httpd' }), apiError(409, 'pods "a" already exists'));
    assert.equal(plane.createPod({ namespace: 'other', name: 'a', image: 'busybox' }).namespace, 'other');
  });

  it('refuses bad names and namespaces with the API server\'s text (422)', () => {
    const { plane } = cluster([17]);
    assert.throws(() => plane.createPod({ namespace: 'default', name: 'Web_1', image: 'busybox' }),
      apiError(422, /^The Pod "Web_1" is invalid: metadata\.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of/));
    assert.throws(() => plane.createPod({ namespace: 'Prod', name: 'web', image: 'busybox' }), apiError(422, /^namespace "Prod" is invalid: a lowercase RFC 1123 label/));
    assert.throws(() => plane.createDeployment({ namespace: 'default', name: '-web', image: 'busybox', replicas: 1 }), apiError(422, /^The Deployment "-web" is invalid/));
    assert.equal(userPods(plane).length, 0);
  });
});

describe('ControlPlane scheduling', () => {
  it('spreads pods to the least loaded node', async () => {
    const { plane } = cluster([10, 10, 10]);
    for (let i = 0; i < 6; i++) plane.createPod({ namespace: 'default', name: `p${i}`, image: 'busybox' });
    await settle();
    assert.deepEqual(podsPerNode(plane), { 'node-a': 2, 'node-b': 2, 'node-c': 2 });
  });

  it('weighs load by max pods: a small node takes no pod while a big one is relatively emptier', async () => {
    const { plane } = cluster([4, 12]);
    for (let i = 0; i < 4; i++) plane.createPod({ namespace: 'default', name: `p${i}`, image: 'busybox' });
    await settle();
    assert.deepEqual(podsPerNode(plane), { 'node-b': 4 });
  });

  it('leaves pods beyond capacity Pending with Too many pods and one counted FailedScheduling event', async () => {
    const { plane } = cluster([3, 3, 3]);
    for (let i = 0; i < 4; i++) plane.createPod({ namespace: 'default', name: `p${i}`, image: 'busybox' });
    await settle();
    const pending = pod(plane, 'p3');
    assert.deepEqual([pending.status, pending.nodeName, pending.message], ['Pending', undefined, '0/3 nodes are available: 3 Too many pods.']);
    plane.nodeChanged();
    await settle();
    const failed = plane.snapshot().events.filter((e) => e.involved.name === 'p3' && e.reason === 'FailedScheduling');
    assert.equal(failed.length, 1, 'the same event is counted, not repeated');
    assert.deepEqual([failed[0]?.type, failed[0]?.message, failed[0]?.source], ['Warning', '0/3 nodes are available: 3 Too many pods.', 'default-scheduler']);
    assert.ok((failed[0]?.count ?? 0) >= 2, `count ${failed[0]?.count}`);
  });

  it('schedules a Pending pod once a deleted pod frees its node', async () => {
    const { plane, agents } = cluster([3]);
    plane.createPod({ namespace: 'default', name: 'first', image: 'busybox' });
    plane.createPod({ namespace: 'default', name: 'second', image: 'busybox' });
    await settle();
    assert.equal(pod(plane, 'second').status, 'Pending');
    await plane.deletePod('default', 'first');
    assert.deepEqual(agents[0]?.removed, ['default/first']);
    assert.ok(plane.snapshot().events.some((e) => e.involved.name === 'first' && e.reason === 'Killing' && e.message === 'Stopping container busybox'));
    await settle();
    assert.deepEqual([pod(plane, 'second').status, pod(plane, 'second').message], ['Running', undefined]);
    assert.equal(plane.snapshot().pods.some((p) => p.name === 'first'), false);
  });
});

describe('ControlPlane deployments', () => {
  it('creates replicas named <deploy>-<hash>-<suffix> with app and pod-template-hash labels', async () => {
    const { plane } = cluster([17, 17]);
    const deployment = plane.createDeployment({ namespace: 'default', name: 'web', image: 'httpd', replicas: 3 });
    assert.equal(deployment.replicas, 3);
    await settle();
    const pods = userPods(plane);
    assert.equal(pods.length, 3);
    const hashes = new Set(pods.map((p) => p.labels['pod-template-hash']));
    assert.equal(hashes.size, 1);
    for (const p of pods) {
      assert.match(p.name, /^web-[a-z0-9]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.name.split('-')[1], p.labels['pod-template-hash']);
      assert.deepEqual([p.labels.app, p.owner, p.image, p.status], ['web', 'web', 'httpd', 'Running']);
    }
    const created = plane.snapshot().events.filter((e) => e.reason === 'SuccessfulCreate' && e.involved.kind === 'Deployment' && e.involved.name === 'web');
    assert.deepEqual(created.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.name}`).sort());
    assert.throws(() => plane.createDeployment({ namespace: 'default', name: 'web', image: 'httpd', replicas: 1 }), apiError(409, 'deployments.apps "web" already exists'));
  });

  it('scales up and down, removing the youngest pods first, with ScalingReplicaSet events', async () => {
    const { plane, agents } = cluster([17, 17]);
    plane.createDeployment({ namespace: 'default', name: 'web', image: 'busybox', replicas: 2 });
    await settle();
    const oldest = userPods(plane).map((p) => p.name).sort();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(plane.scaleDeployment('default', 'web', 5).replicas, 5);
    await settle();
    assert.equal(userPods(plane).filter((p) => p.status === 'Running').length, 5);
    plane.scaleDeployment('default', 'web', 2);
    await settle();
    assert.deepEqual(userPods(plane).map((p) => p.name).sort(), oldest);
    assert.equal(agents.flatMap((a) => a.removed).length, 3);
    const scaling = plane.snapshot().events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    assert.deepEqual(scaling, ['Scaled up replica set web from 2 to 5', 'Scaled down replica set web from 5 to 2']);
  });

  it('scales down Pending pods before scheduled ones, even among pods of the same age', async (t) => {
    // A frozen clock gives every pod the same creation time, so only the Pending-first rule decides.
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2024-01-15T12:00:00Z') });
    const { plane, agents } = cluster([4]);
    plane.createDeployment({ namespace: 'default', name: 'web', image: 'busybox', replicas: 4 });
    await settle();
    const running = userPods(plane).filter((p) => p.status === 'Running').map((p) => p.name).sort();
    assert.equal(running.length, 2);
    plane.scaleDeployment('default', 'web', 2);
    await settle();
    assert.deepEqual(userPods(plane).map((p) => p.name).sort(), running);
    assert.deepEqual(agents[0]?.removed, [], 'unscheduled pods need no sandbox removal');
  });

  it('deleteDeployment() removes the deployment and waits for its pods; 404s for what is not there', async () => {
    const { plane, agents } = cluster([17]);
    plane.createDeployment({ namespace: 'default', name: 'web', image: 'busybox', replicas: 3 });
    await settle();
    await plane.deleteDeployment('default', 'web');
    assert.deepEqual([plane.snapshot().deployments.length, userPods(plane).length, agents[0]?.removed.length], [0, 0, 3]);
    await assert.rejects(plane.deleteDeployment('default', 'web'), apiError(404, 'deployments.apps "web" not found'));
    assert.throws(() => plane.scaleDeployment('default', 'web', 1), apiError(404, 'deployments.apps "web" not found'));
    await assert.rejects(plane.deletePod('default', 'nope'), apiError(404, 'pods "nope" not found'));
    assert.throws(() => plane.createDeployment({ namespace: 'default', name: 'x', image: 'busybox', replicas: -1 }), apiError(422, /^spec\.replicas: Invalid value: -1/));
  });
});

describe('ControlPlane.deletePod() and stop()', () => {
  it('refuses to delete a host-network system pod (422)', async () => {
    const { plane } = cluster([17]);
    const awsNode = plane.snapshot().pods.find((p) => p.labels['k8s-app'] === 'aws-node') ?? assert.fail('no aws-node pod');
    await assert.rejects(plane.deletePod('kube-system', awsNode.name), apiError(422, new RegExp(`^pods "${awsNode.name}" is a node's system pod`)));
    assert.equal(pod(plane, awsNode.name, 'kube-system').status, 'Running');
  });

  it('deletePod() resolves once the agent removed the sandbox; until then the pod is Terminating and holds its slot', async () => {
    const { plane, agents } = cluster([3]);
    plane.createPod({ namespace: 'default', name: 'slow', image: 'busybox' });
    plane.createPod({ namespace: 'default', name: 'waiting', image: 'busybox' });
    await settle();
    agents[0]!.holdRemovals = true;
    let done = false;
    const deleted = plane.deletePod('default', 'slow').then(() => { done = true; });
    await settle();
    assert.deepEqual([done, pod(plane, 'slow').status, pod(plane, 'waiting').status], [false, 'Terminating', 'Pending']);
    agents[0]!.release();
    await deleted;
    await settle();
    assert.equal(pod(plane, 'waiting').status, 'Running');
  });

  it('a second deletePod() of a pod being deleted resolves only once it is gone', async () => {
    const { plane, agents } = cluster([17]);
    const agent = agents[0]!;
    plane.createPod({ namespace: 'default', name: 'slow', image: 'busybox' });
    await settle();
    agent.holdRemovals = true;
    const first = plane.deletePod('default', 'slow');
    let secondDone = false;
    const second = plane.deletePod('default', 'slow').then(() => { secondDone = true; });
    await settle();
    assert.equal(secondDone, false, 'kubectl delete returns when the pod is gone, not while it is Terminating');
    agent.release();
    await Promise.all([first, second]);
    assert.equal(plane.snapshot().pods.some((p) => p.name === 'slow'), false);
  });

  it('stop() removes every non-host pod through its agent, then closes the agents', async () => {
    const { plane, agents } = cluster([3, 3]);
    plane.createDeployment({ namespace: 'default', name: 'web', image: 'busybox', replicas: 2 });
    plane.createPod({ namespace: 'default', name: 'extra', image: 'busybox' });
    await settle();
    const scheduled = userPods(plane).filter((p) => p.nodeName !== undefined).map((p) => `default/${p.name}`).sort();
    assert.deepEqual([scheduled.length, userPods(plane).length], [2, 3]);
    await plane.stop();
    assert.deepEqual(agents.flatMap((a) => a.removed).sort(), scheduled);
    assert.deepEqual(plane.snapshot().pods.map((p) => p.hostNetwork), [true, true, true, true]);
    assert.deepEqual([plane.snapshot().deployments.length, agents.every((a) => a.closed)], [0, true]);
  });
});
