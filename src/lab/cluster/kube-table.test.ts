import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureSnapshot, NOW } from './kube-fixtures.ts';
import { noResourcesFound, nodesTable, podsTable } from './kube-table.ts';

const KERNEL = '6.8.0-1019-aws';

describe('podsTable()', () => {
  const snapshot = fixtureSnapshot();
  const defaultPods = snapshot.pods.filter((pod) => pod.namespace === 'default');

  it('prints kubectl get pods: name order, READY 1/1 only when Running, status, restarts, age', () => {
    assert.equal(podsTable(defaultPods, { wide: false, allNamespaces: false, now: NOW }), [
      'NAME                   READY   STATUS              RESTARTS   AGE',
      'shell                  0/1     ContainerCreating   0          45s',
      'web-5b8c6d7f9x-abcde   1/1     Running             0          3m12s',
      'web-5b8c6d7f9x-zzzzz   0/1     Pending             0          10m',
      '',
    ].join('\n'));
  });

  it('adds NAMESPACE first with -A and the IP and NODE columns with -o wide, <none> where empty', () => {
    const header = 'NAMESPACE     NAME                   READY   STATUS              RESTARTS   AGE     IP              NODE                                          NOMINATED NODE   READINESS GATES';
    assert.equal(podsTable(snapshot.pods, { wide: true, allNamespaces: true, now: NOW }), [
      header,
      'default       shell                  0/1     ContainerCreating   0          45s     <none>          ip-192-168-12-34.us-west-2.compute.internal   <none>           <none>',
      'default       web-5b8c6d7f9x-abcde   1/1     Running             0          3m12s   192.168.20.5    ip-192-168-12-34.us-west-2.compute.internal   <none>           <none>',
      'default       web-5b8c6d7f9x-zzzzz   0/1     Pending             0          10m     <none>          <none>                                        <none>           <none>',
      'kube-system   aws-node-k7x2p         1/1     Running             2          123m    192.168.12.34   ip-192-168-12-34.us-west-2.compute.internal   <none>           <none>',
      '',
    ].join('\n'));
  });

  it('adds NAMESPACE without wide columns for -A alone', () => {
    const table = podsTable(snapshot.pods.filter((pod) => pod.hostNetwork), { wide: false, allNamespaces: true, now: NOW });
    assert.equal(table, 'NAMESPACE     NAME             READY   STATUS    RESTARTS   AGE\nkube-system   aws-node-k7x2p   1/1     Running   2          123m\n');
  });

  it('shows Failed and Terminating pods as not ready, with their status as it is', () => {
    const pods = [
      { ...defaultPods[1]!, name: 'a', status: 'Failed' as const },
      { ...defaultPods[1]!, name: 'b', status: 'Terminating' as const },
    ];
    assert.equal(podsTable(pods, { wide: false, allNamespaces: false, now: NOW }), [
      'NAME   READY   STATUS        RESTARTS   AGE',
      'a      0/1     Failed        0          45s',
      'b      0/1     Terminating   0          45s',
      '',
    ].join('\n'));
  });

  it('prints nothing for no pods', () => {
    assert.equal(podsTable([], { wide: true, allNamespaces: false, now: NOW }), '');
  });
});

describe('nodesTable()', () => {
  const snapshot = fixtureSnapshot();

  it('prints kubectl get nodes in name order with Ready / NotReady', () => {
    assert.equal(nodesTable(snapshot.nodes, { wide: false, now: NOW, kernel: KERNEL }), [
      'NAME                                          STATUS     ROLES    AGE    VERSION',
      'ip-192-168-12-34.us-west-2.compute.internal   Ready      <none>   123m   v1.31.0-eks-vpcnet',
      'ip-192-168-40-7.us-west-2.compute.internal    NotReady   <none>   3d5h   v1.31.0-eks-vpcnet',
      '',
    ].join('\n'));
  });

  it('adds addresses, OS image, kernel and runtime with -o wide, <none> for a missing external IP', () => {
    const lines = nodesTable(snapshot.nodes, { wide: true, now: NOW, kernel: KERNEL }).split('\n');
    assert.deepEqual(lines, [
      'NAME                                          STATUS     ROLES    AGE    VERSION              INTERNAL-IP     EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME',
      'ip-192-168-12-34.us-west-2.compute.internal   Ready      <none>   123m   v1.31.0-eks-vpcnet   192.168.12.34   54.12.0.7     vpcnet lab (network namespace)   6.8.0-1019-aws   vpcnet-lab://0.1.0',
      'ip-192-168-40-7.us-west-2.compute.internal    NotReady   <none>   3d5h   v1.31.0-eks-vpcnet   192.168.40.7    <none>        vpcnet lab (network namespace)   6.8.0-1019-aws   vpcnet-lab://0.1.0',
      '',
    ]);
  });

  it('prints nothing for no nodes', () => {
    assert.equal(nodesTable([], { wide: false, now: NOW, kernel: KERNEL }), '');
  });
});

describe('noResourcesFound()', () => {
  it("uses kubectl's wording for one namespace and for all", () => {
    assert.equal(noResourcesFound('default'), 'No resources found in default namespace.');
    assert.equal(noResourcesFound(undefined), 'No resources found');
  });
});
