import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureNode, fixturePod } from '../lab/cluster/kube-fixtures.ts';
import { LabCliError } from './lab-context.ts';
import { deploymentName, findNode, findPod, resourceOf } from './lab-kube.ts';

function cliError(message: string | RegExp): { name: string; message: string | RegExp } {
  return { name: 'LabCliError', message };
}

describe('resourceOf()', () => {
  it('knows kubectl\'s names, short names and singulars for pods, nodes and deployments', () => {
    const expected: Record<string, string> = {
      pod: 'pods', pods: 'pods', po: 'pods', node: 'nodes', nodes: 'nodes', no: 'nodes',
      deployment: 'deployments', deployments: 'deployments', deploy: 'deployments', PODS: 'pods', Deploy: 'deployments',
    };
    for (const [name, resource] of Object.entries(expected)) assert.equal(resourceOf(name), resource, name);
  });

  it('refuses anything else in kubectl\'s words, listing what the lab has', () => {
    for (const name of ['services', 'svc', 'deploymentz', '', 'pod/web']) {
      assert.throws(() => resourceOf(name), cliError(`the server doesn't have a resource type "${name}" (the lab has pods, nodes and deployments)`));
    }
    assert.throws(() => resourceOf('svc'), (error) => error instanceof LabCliError);
  });
});

describe('findNode()', () => {
  const nodes = [
    fixtureNode({ name: 'ip-192-168-12-34.us-west-2.compute.internal', instanceId: 'i-0aaaaaaaaaaaaaaa1' }),
    fixtureNode({ name: 'ip-192-168-40-7.us-west-2.compute.internal', instanceId: 'i-0bbbbbbbbbbbbbbb2' }),
    fixtureNode({ name: 'ip-192-168-40-70.us-west-2.compute.internal', instanceId: 'i-0ccccccccccccccc3' }),
  ];

  it('finds a node by its exact name', () => {
    assert.equal(findNode(nodes, 'ip-192-168-40-7.us-west-2.compute.internal').instanceId, 'i-0bbbbbbbbbbbbbbb2');
  });

  it('finds a node by its instance id', () => {
    assert.equal(findNode(nodes, 'i-0ccccccccccccccc3').name, 'ip-192-168-40-70.us-west-2.compute.internal');
  });

  it('finds a node by a unique prefix of its name', () => {
    assert.equal(findNode(nodes, 'ip-192-168-12').instanceId, 'i-0aaaaaaaaaaaaaaa1');
    assert.equal(findNode(nodes, 'ip-192-168-40-70').instanceId, 'i-0ccccccccccccccc3');
  });

  it('prefers an exact name over a longer name it is a prefix of', () => {
    const short = fixtureNode({ name: 'node-1', instanceId: 'i-1' });
    assert.equal(findNode([fixtureNode({ name: 'node-10', instanceId: 'i-10' }), short], 'node-1').instanceId, 'i-1');
  });

  it('refuses an ambiguous prefix, naming the matches', () => {
    assert.throws(() => findNode(nodes, 'ip-192-168-40-7'), cliError(
      '"ip-192-168-40-7" matches 2 nodes: ip-192-168-40-7.us-west-2.compute.internal, ip-192-168-40-70.us-west-2.compute.internal',
    ));
  });

  it('reports a node that is not there, listing the nodes', () => {
    assert.throws(() => findNode(nodes, 'ip-10-0-0-1'), cliError(
      'nodes "ip-10-0-0-1" not found (nodes: ip-192-168-12-34.us-west-2.compute.internal, ip-192-168-40-7.us-west-2.compute.internal, ip-192-168-40-70.us-west-2.compute.internal)',
    ));
    assert.throws(() => findNode([], 'x'), cliError('nodes "x" not found (nodes: )'));
  });

  it('does not match an instance id by prefix', () => {
    assert.throws(() => findNode(nodes, 'i-0aaa'), cliError(/^nodes "i-0aaa" not found/));
  });
});

describe('findPod()', () => {
  const pods = [fixturePod({ name: 'web' }), fixturePod({ name: 'web', namespace: 'team-a', uid: 'u-2' }), fixturePod({ name: 'shell', uid: 'u-3' })];

  it('finds a pod by namespace and exact name', () => {
    assert.equal(findPod(pods, 'team-a', 'web').uid, 'u-2');
    assert.equal(findPod(pods, 'default', 'shell').uid, 'u-3');
  });

  it('reports a pod missing from the namespace (no prefix matching)', () => {
    assert.throws(() => findPod(pods, 'team-a', 'shell'), cliError('pods "shell" not found in namespace "team-a"'));
    assert.throws(() => findPod(pods, 'default', 'we'), cliError('pods "we" not found in namespace "default"'));
  });
});

describe('deploymentName()', () => {
  it('takes deployment/<name>, deploy/<name>, deployment <name> or a bare name', () => {
    assert.equal(deploymentName('deployment/web', undefined), 'web');
    assert.equal(deploymentName('deploy/web', undefined), 'web');
    assert.equal(deploymentName('deployments/web', undefined), 'web');
    assert.equal(deploymentName('deployment', 'web'), 'web');
    assert.equal(deploymentName('deploy', 'web'), 'web');
    assert.equal(deploymentName('web', undefined), 'web');
  });

  it('refuses other resources and a missing name', () => {
    const message = (target: string): string => `cannot scale "${target}": the lab scales deployments (deployment/<name>)`;
    assert.throws(() => deploymentName('pods/x', undefined), cliError(message('pods/x')));
    assert.throws(() => deploymentName('pod', 'x'), cliError(message('pod')));
    assert.throws(() => deploymentName('nodes/n', undefined), cliError(message('nodes/n')));
    assert.throws(() => deploymentName('deployment/', undefined), cliError(message('deployment/')));
    assert.throws(() => deploymentName('services/x', undefined), cliError(/resource type "services"/));
  });

  it('refuses a resource/name form with more than one slash, as kubectl does', () => {
    assert.throws(() => deploymentName('deployment/web/extra', undefined), (error) => error instanceof LabCliError);
  });
});
