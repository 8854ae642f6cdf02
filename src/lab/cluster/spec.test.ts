import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ClusterSpecError, DEFAULT_CLUSTER_SPEC, parseClusterSpec, plannedNodes } from './spec.ts';
import type { ClusterSpec } from './spec.ts';

const HEADER = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n';

function parse(body: string): ClusterSpec {
  return parseClusterSpec(HEADER + body, 'cluster.yaml');
}

function problemsOf(text: string): readonly string[] {
  try {
    parseClusterSpec(text, 'cluster.yaml');
  } catch (error) {
    if (error instanceof ClusterSpecError) return error.problems;
    throw error;
  }
  return assert.fail('expected a ClusterSpecError');
}

function readExample(name: string): string {
  return readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
}

function summary(spec: ClusterSpec): string[] {
  return plannedNodes(spec).map(({ nodeGroup, index, zone, subnet }) => `${nodeGroup.name}#${index} ${zone} ${subnet.kind} ${subnet.cidr}`);
}

const THREE_ZONES = ['us-west-2a', 'us-west-2b', 'us-west-2c'];

describe('DEFAULT_CLUSTER_SPEC', () => {
  test('is eksctl\'s default VPC with three t3.medium nodes, one per zone, in public subnets', () => {
    assert.deepEqual(DEFAULT_CLUSTER_SPEC, {
      name: 'vpcnet-lab',
      region: 'us-west-2',
      vpcCidr: '192.168.0.0/16',
      zones: THREE_ZONES,
      subnets: [
        { kind: 'public', zone: 'us-west-2a', cidr: '192.168.0.0/19' },
        { kind: 'public', zone: 'us-west-2b', cidr: '192.168.32.0/19' },
        { kind: 'public', zone: 'us-west-2c', cidr: '192.168.64.0/19' },
      ],
      nodeGroups: [{ name: 'ng-1', instanceType: 't3.medium', desiredCapacity: 3, zones: THREE_ZONES, privateNetworking: false, maxPodsPerNode: undefined }],
      awsNodeEnv: {},
    });
  });

  test('is deeply frozen', () => {
    assert.ok(Object.isFrozen(DEFAULT_CLUSTER_SPEC));
    assert.ok(Object.isFrozen(DEFAULT_CLUSTER_SPEC.subnets[0]));
    assert.ok(Object.isFrozen(DEFAULT_CLUSTER_SPEC.nodeGroups[0]?.zones));
    assert.ok(Object.isFrozen(DEFAULT_CLUSTER_SPEC.awsNodeEnv));
  });
});

describe('examples', () => {
  test('examples/cluster.yaml parses to the default cluster', () => {
    assert.deepEqual(parseClusterSpec(readExample('cluster.yaml'), 'examples/cluster.yaml'), DEFAULT_CLUSTER_SPEC);
  });

  test('examples/cluster-small-warm.yaml is two t3.small nodes in two zones with warm IP targets', () => {
    const spec = parseClusterSpec(readExample('cluster-small-warm.yaml'), 'examples/cluster-small-warm.yaml');
    assert.deepEqual(spec.zones, ['us-west-2a', 'us-west-2b']);
    assert.deepEqual(spec.awsNodeEnv, { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '4' });
    assert.deepEqual(spec.nodeGroups.map((group) => [group.instanceType, group.desiredCapacity]), [['t3.small', 2]]);
    assert.deepEqual(summary(spec), ['small#0 us-west-2a public 192.168.0.0/19', 'small#1 us-west-2b public 192.168.32.0/19']);
  });
});

describe('parseClusterSpec() defaults', () => {
  test('an empty ClusterConfig is the default cluster', () => {
    assert.deepEqual(parse(''), DEFAULT_CLUSTER_SPEC);
  });

  test('a private node group adds private /19s after the public ones', () => {
    const spec = parse('managedNodeGroups:\n  - name: private\n    desiredCapacity: 3\n    privateNetworking: true\n');
    assert.deepEqual(spec.subnets.map((subnet) => `${subnet.kind} ${subnet.zone} ${subnet.cidr}`), [
      'public us-west-2a 192.168.0.0/19', 'public us-west-2b 192.168.32.0/19', 'public us-west-2c 192.168.64.0/19',
      'private us-west-2a 192.168.96.0/19', 'private us-west-2b 192.168.128.0/19', 'private us-west-2c 192.168.160.0/19',
    ]);
    assert.deepEqual(summary(spec), [
      'private#0 us-west-2a private 192.168.96.0/19', 'private#1 us-west-2b private 192.168.128.0/19', 'private#2 us-west-2c private 192.168.160.0/19',
    ]);
  });

  test('subnets are eighths of another VPC block, for four zones', () => {
    const spec = parse('availabilityZones: [us-west-2d, us-west-2a, us-west-2b, us-west-2c]\nvpc: {cidr: 10.20.0.0/20}\n');
    assert.deepEqual(spec.subnets.map((subnet) => `${subnet.zone} ${subnet.cidr}`), [
      'us-west-2d 10.20.0.0/23', 'us-west-2a 10.20.2.0/23', 'us-west-2b 10.20.4.0/23', 'us-west-2c 10.20.6.0/23',
    ]);
    assert.equal(spec.nodeGroups[0]?.desiredCapacity, 4);
  });

  test('the zones come from vpc.subnets when availabilityZones is not given', () => {
    const spec = parse('vpc:\n  subnets:\n    public:\n      us-west-2c: {cidr: 192.168.64.0/19}\n      us-west-2b: {cidr: 192.168.32.0/19}\n');
    assert.deepEqual(spec.zones, ['us-west-2b', 'us-west-2c']);
    assert.deepEqual(spec.subnets.map((subnet) => subnet.zone), ['us-west-2c', 'us-west-2b']);
    assert.deepEqual(summary(spec), ['ng-1#0 us-west-2b public 192.168.32.0/19', 'ng-1#1 us-west-2c public 192.168.64.0/19']);
  });

  test('a listed node group takes t3.medium, eksctl\'s 2 nodes and the cluster zones', () => {
    const spec = parse('managedNodeGroups:\n  - name: web\n');
    assert.deepEqual(spec.nodeGroups, [{ name: 'web', instanceType: 't3.medium', desiredCapacity: 2, zones: THREE_ZONES, privateNetworking: false, maxPodsPerNode: undefined }]);
  });

  test('nodeGroups is read like managedNodeGroups, after it', () => {
    const spec = parse('managedNodeGroups: [{name: a, desiredCapacity: 1}]\nnodeGroups: [{name: b, desiredCapacity: 1, maxPodsPerNode: 20}]\n');
    assert.deepEqual(spec.nodeGroups.map((group) => [group.name, group.maxPodsPerNode]), [['a', undefined], ['b', 20]]);
  });

  test('an empty node group list means no nodes', () => {
    assert.deepEqual(parse('managedNodeGroups: []\n').nodeGroups, []);
  });

  test('vpc-cni configurationValues may be YAML text or a mapping; numbers and booleans become strings', () => {
    const fromText = parse('addons:\n  - name: vpc-cni\n    configurationValues: "env:\\n  WARM_IP_TARGET: 5\\n"\n');
    assert.deepEqual(fromText.awsNodeEnv, { WARM_IP_TARGET: '5' });
    const fromMapping = parse('addons:\n  - name: kube-proxy\n  - name: vpc-cni\n    version: latest\n    configurationValues:\n      env: {WARM_IP_TARGET: 5, ENABLE_PREFIX_DELEGATION: true}\n');
    assert.deepEqual(fromMapping.awsNodeEnv, { WARM_IP_TARGET: '5', ENABLE_PREFIX_DELEGATION: 'true' });
  });
});

describe('plannedNodes()', () => {
  test('spreads each group round-robin over its zones, groups in order, index counted per group', () => {
    const spec = parse('managedNodeGroups:\n  - {name: web, desiredCapacity: 5}\n  - {name: db, desiredCapacity: 3, availabilityZones: [us-west-2c, us-west-2a]}\n  - {name: none, desiredCapacity: 0}\n');
    assert.deepEqual(summary(spec), [
      'web#0 us-west-2a public 192.168.0.0/19', 'web#1 us-west-2b public 192.168.32.0/19', 'web#2 us-west-2c public 192.168.64.0/19',
      'web#3 us-west-2a public 192.168.0.0/19', 'web#4 us-west-2b public 192.168.32.0/19',
      'db#0 us-west-2c public 192.168.64.0/19', 'db#1 us-west-2a public 192.168.0.0/19', 'db#2 us-west-2c public 192.168.64.0/19',
    ]);
    assert.equal(plannedNodes(spec)[5]?.nodeGroup, spec.nodeGroups[1]);
  });

  test('refuses a hand-built spec whose group has no subnet of its kind', () => {
    const spec: ClusterSpec = { ...DEFAULT_CLUSTER_SPEC, nodeGroups: [{ ...DEFAULT_CLUSTER_SPEC.nodeGroups[0]!, privateNetworking: true }] };
    assert.throws(() => plannedNodes(spec), { name: 'RangeError', message: 'Cannot place node 0 of node group "ng-1": no private subnet in us-west-2a' });
  });
});

describe('ClusterSpecError', () => {
  test('lists every problem of the file at once', () => {
    const text = 'apiVersion: eksctl.io/v1alpha4\nkind: ClusterConfig\nmetadata: {name: 9lives, region: eu-west-1}\n' +
      'managedNodeGroups:\n  - {name: ng, instanceType: t3.mediun, desiredCapacity: 21}\n' +
      'addons: [{name: vpc-cni, configurationValues: \'{"env":{"WARM_IP_TARGET":"-1"}}\'}]\n';
    assert.deepEqual(problemsOf(text), [
      'cluster.yaml: apiVersion: expected "eksctl.io/v1alpha5", got a string ("eksctl.io/v1alpha4")',
      'cluster.yaml: metadata.name: "9lives" is not a valid cluster name: it must start with a letter and contain only letters, digits and hyphens, at most 100 characters',
      'cluster.yaml: metadata.region: "eu-west-1" is not available: the lab emulates one region, us-west-2',
      'cluster.yaml: managedNodeGroups[0].instanceType: "t3.mediun" is not an EC2 instance type (did you mean "t3.medium"?)',
      'cluster.yaml: managedNodeGroups[0].desiredCapacity: expected an integer from 0 to 20, got a number (21)',
      'cluster.yaml: addons[0].configurationValues.env.WARM_IP_TARGET: Invalid WARM_IP_TARGET "-1": expected an integer >= 0',
    ]);
  });

  test('has the problem as its message when there is one, else a count and one problem per line', () => {
    assert.throws(() => parse('metadata: {region: us-east-1}\n'), {
      name: 'ClusterSpecError',
      message: 'cluster.yaml: metadata.region: "us-east-1" is not available: the lab emulates one region, us-west-2',
    });
    assert.throws(() => parse('metadata: {region: us-east-1, name: "-"}\n'), {
      message: '2 problems in the cluster spec:\n' +
        '  cluster.yaml: metadata.name: "-" is not a valid cluster name: it must start with a letter and contain only letters, digits and hyphens, at most 100 characters\n' +
        '  cluster.yaml: metadata.region: "us-east-1" is not available: the lab emulates one region, us-west-2',
    });
  });

  test('reports YAML syntax errors with line and column', () => {
    assert.deepEqual(problemsOf(`${HEADER}metadata:\n  name: a\n  name: b\n`), ['cluster.yaml:5:3: invalid YAML: Map keys must be unique']);
    const [problem] = problemsOf(`${HEADER}availabilityZones: [us-west-2a\nvpc: {}\n`);
    assert.match(problem ?? '', /^cluster\.yaml:4:1: invalid YAML: /);
  });

  test('refuses an empty file and a document that is not a mapping', () => {
    const expected = 'cluster.yaml: expected a ClusterConfig mapping (apiVersion: eksctl.io/v1alpha5, kind: ClusterConfig)';
    assert.deepEqual(problemsOf(''), [`${expected}: the file is empty`]);
    assert.deepEqual(problemsOf('# nothing\n'), [`${expected}: the file is empty`]);
    assert.deepEqual(problemsOf('- a\n- b\n'), [`${expected}: got a list`]);
  });
});
