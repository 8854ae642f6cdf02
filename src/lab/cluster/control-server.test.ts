import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LabClient, LabRequestError } from './control-client.ts';
import { ControlPlane } from './control-plane.ts';
import type { PodRunner } from './control-plane.ts';
import { startControlServer } from './control-server.ts';
import { fixtureNode } from './kube-fixtures.ts';
import type { LabInfo } from './lab-cluster.ts';
import type { LabNode, LabPod, PodImage } from './objects.ts';
import { unixRequest } from './unix-http.ts';

/** A node agent without namespaces: pods go Running on the next turn of the event loop. */
class FakeAgent implements PodRunner {
  readonly node: LabNode = fixtureNode({ name: 'node-a', maxPods: 12 });
  readonly removed: string[] = [];
  #nextHost = 10;

  runPod(pod: LabPod): void {
    pod.status = 'ContainerCreating';
    setImmediate(() => {
      if (pod.status === 'ContainerCreating') Object.assign(pod, { status: 'Running', podIp: `192.168.12.${this.#nextHost++}` });
    });
  }

  removePod(pod: LabPod): Promise<void> {
    this.removed.push(`${pod.namespace}/${pod.name}`);
    return Promise.resolve();
  }

  close(): void {}
}

const INFO: LabInfo = {
  labId: 'a1b2c3', clusterName: 'test', region: 'us-west-2', vpcId: 'vpc-0123456789abcdef0', ec2Endpoint: 'http://127.0.0.1:1',
  internetEchoUrl: 'http://203.0.113.10/cgi-bin/ip', startedAt: '2024-01-15T12:00:00.000Z',
};

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** What assert.rejects checks: a LabRequestError with this status and message (a RegExp matches). */
function refused(status: number, message: string | RegExp): { name: string; status: number; message: string | RegExp } {
  return { name: 'LabRequestError', status, message };
}

describe('startControlServer() with LabClient', () => {
  let dir = '';
  let socketPath = '';
  let server: Server | undefined;
  let client: LabClient;
  const agent = new FakeAgent();
  const plane = new ControlPlane({ clusterName: 'test', region: 'us-west-2' });
  let shutdowns = 0;
  let onShutdown: () => void = () => undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vpcnet-control-server-'));
    socketPath = join(dir, 'control.sock');
    await writeFile(socketPath, 'a stale socket left by a crashed lab');
    plane.addNode(agent);
    server = await startControlServer({
      socketPath, controlPlane: plane, info: INFO, details: () => ({ supervisorPid: 4242 }),
      onShutdown: () => { shutdowns += 1; onShutdown(); },
    });
    client = new LabClient(socketPath);
  });

  after(async () => {
    await plane.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces a stale file and listens on a socket only its owner can use (0600)', async () => {
    const info = await stat(socketPath);
    assert.ok(info.isSocket());
    assert.equal(info.mode & 0o777, 0o600);
  });

  it('view() returns the lab info, the details and a snapshot of the cluster', async () => {
    const view = await client.view();
    assert.deepEqual(view.info, INFO);
    assert.deepEqual(view.details, { supervisorPid: 4242 });
    assert.deepEqual([view.snapshot.clusterName, view.snapshot.region], ['test', 'us-west-2']);
    assert.deepEqual(view.snapshot.nodes.map((n) => [n.name, n.maxPods]), [['node-a', 12]]);
    assert.deepEqual(view.snapshot.pods.map((p) => p.labels['k8s-app']).sort(), ['aws-node', 'kube-proxy']);
    assert.ok(Array.isArray(view.snapshot.deployments) && Array.isArray(view.snapshot.events));
  });

  it('createPod() creates a pod the control plane runs; a second one of that name is refused with 409', async () => {
    const pod = await client.createPod({ namespace: 'default', name: 'shell', image: 'busybox' });
    assert.deepEqual([pod.namespace, pod.name, pod.status, pod.image], ['default', 'shell', 'Pending', 'busybox']);
    await settle();
    const running = (await client.view()).snapshot.pods.find((p) => p.name === 'shell');
    assert.deepEqual([running?.status, running?.nodeName], ['Running', 'node-a']);
    const error = await client.createPod({ namespace: 'default', name: 'shell', image: 'busybox' }).catch((e: unknown) => e);
    assert.ok(error instanceof LabRequestError);
    assert.deepEqual([error.status, error.message], [409, 'pods "shell" already exists']);
  });

  it('refuses an image the lab does not have, and a bad name, with 422 and the reason', async () => {
    await assert.rejects(client.createPod({ namespace: 'default', name: 'web', image: 'nginx' as PodImage }),
      refused(422, 'image "nginx" is not available in the lab: use busybox or httpd'));
    await assert.rejects(client.createDeployment({ namespace: 'default', name: 'web', image: 'nginx:1.25' as PodImage, replicas: 1 }), refused(422, /^image "nginx:1\.25"/));
    await assert.rejects(client.createPod({ namespace: 'default', name: 'Web', image: 'busybox' }), refused(422, /^The Pod "Web" is invalid: metadata\.name/));
    assert.equal((await client.view()).snapshot.pods.some((p) => p.name.toLowerCase() === 'web'), false);
  });

  it('refuses a request without a name, or with replicas that are not a number, with 400', async () => {
    const noName = await unixRequest({ socketPath, method: 'POST', path: '/v1/pods', body: { image: 'busybox' }, timeoutMs: 5_000 });
    assert.deepEqual(noName, { status: 400, body: { message: 'name must be a string' } });
    const badReplicas = await unixRequest({ socketPath, method: 'POST', path: '/v1/deployments', body: { name: 'x', replicas: '3' }, timeoutMs: 5_000 });
    assert.deepEqual(badReplicas, { status: 400, body: { message: 'replicas must be a number' } });
  });

  it('creates, scales and deletes a deployment', async () => {
    const created = await client.createDeployment({ namespace: 'default', name: 'web', image: 'httpd', replicas: 2 });
    assert.deepEqual([created.name, created.replicas, created.image], ['web', 2, 'httpd']);
    await settle();
    const scaled = await client.scaleDeployment('default', 'web', 4);
    assert.equal(scaled.replicas, 4);
    await settle();
    const owned = (await client.view()).snapshot.pods.filter((p) => p.owner === 'web');
    assert.deepEqual(owned.map((p) => p.status), ['Running', 'Running', 'Running', 'Running']);
    await client.deleteDeployment('default', 'web');
    const view = await client.view();
    assert.deepEqual([view.snapshot.deployments.length, view.snapshot.pods.filter((p) => p.owner === 'web').length], [0, 0]);
    for (const pod of owned) assert.ok(agent.removed.includes(`default/${pod.name}`), `${pod.name} removed by its agent`);
    await assert.rejects(client.scaleDeployment('default', 'web', 1), refused(404, 'deployments.apps "web" not found'));
    await assert.rejects(client.deleteDeployment('default', 'web'), refused(404, 'deployments.apps "web" not found'));
  });

  it('deletePod() waits until the pod is gone; an unknown pod is 404', async () => {
    await client.createPod({ namespace: 'team-a', name: 'gone', image: 'busybox' });
    await settle();
    await client.deletePod('team-a', 'gone');
    assert.ok(agent.removed.includes('team-a/gone'));
    assert.equal((await client.view()).snapshot.pods.some((p) => p.name === 'gone'), false);
    await assert.rejects(client.deletePod('team-a', 'gone'), refused(404, 'pods "gone" not found'));
  });

  it('serves objects whose name is a word of its paths ("scale")', async () => {
    await client.createPod({ namespace: 'default', name: 'scale', image: 'busybox' });
    await client.deletePod('default', 'scale');
    await client.createDeployment({ namespace: 'default', name: 'scale', image: 'busybox', replicas: 1 });
    assert.equal((await client.scaleDeployment('default', 'scale', 2)).replicas, 2);
    await client.deleteDeployment('default', 'scale');
    assert.equal((await client.view()).snapshot.pods.some((p) => p.name.startsWith('scale')), false);
  });

  it('answers 404 for unknown routes and methods, and for a path without the object', async () => {
    assert.deepEqual(await unixRequest({ socketPath, method: 'GET', path: '/v1/nodes', timeoutMs: 5_000 }), { status: 404, body: { message: 'no route for GET /v1/nodes' } });
    assert.deepEqual(await unixRequest({ socketPath, method: 'GET', path: '/v1/pods', timeoutMs: 5_000 }), { status: 404, body: { message: 'no route for GET /v1/pods' } });
    assert.deepEqual(await unixRequest({ socketPath, method: 'DELETE', path: '/v1/pods/default', timeoutMs: 5_000 }), { status: 404, body: { message: 'no such path' } });
  });

  it('shutdown() is answered, then onShutdown is called once', { timeout: 5_000 }, async () => {
    const called = new Promise<void>((resolve) => { onShutdown = resolve; });
    await client.shutdown();
    await called;
    assert.equal(shutdowns, 1);
  });
});
