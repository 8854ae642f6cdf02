import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClusterSpecError, parseClusterSpec } from './spec.ts';
import { editDistance, nearest } from './spec-suggest.ts';

/** Each validation rule of parseClusterSpec() with its exact message. */

const HEADER = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n';

function problemsOf(text: string): readonly string[] {
  try {
    parseClusterSpec(text, 'cluster.yaml');
  } catch (error) {
    if (error instanceof ClusterSpecError) return error.problems;
    throw error;
  }
  return assert.fail('expected a ClusterSpecError');
}

/** [rule, YAML after the header, the one expected problem without the `cluster.yaml: ` prefix]. */
type Case = readonly [string, string, string];

function runCases(cases: readonly Case[]): void {
  for (const [rule, body, expected] of cases) {
    test(rule, () => {
      assert.deepEqual(problemsOf(HEADER + body), [`cluster.yaml: ${expected}`]);
    });
  }
}

const NAME_RULE = 'it must start with a letter and contain only letters, digits and hyphens';
const NODE_GROUPS = 'managedNodeGroups:\n  - name: ng\n';

describe('parseClusterSpec() document rules', () => {
  test('apiVersion and kind must be eksctl\'s', () => {
    assert.deepEqual(problemsOf('kind: Cluster\n'), [
      'cluster.yaml: apiVersion: missing: expected "eksctl.io/v1alpha5"',
      'cluster.yaml: kind: expected "ClusterConfig", got a string ("Cluster")',
    ]);
  });
  runCases([
    ['unknown top-level key, with the nearest known key', 'managedNodeGroup: []\n', 'unknown top-level key "managedNodeGroup" (did you mean "managedNodeGroups"?)'],
    ['unknown nested key, far from any known key', 'vpc:\n  nat: {gateway: Single}\n', 'vpc: unknown key "nat" (known keys: cidr, subnets)'],
    ['unknown metadata key', 'metadata: {nmae: x}\n', 'metadata: unknown key "nmae" (did you mean "name"?)'],
    ['a field of the wrong type', 'metadata: {name: 42}\n', 'metadata.name: expected a string, got a number (42)'],
    ['a section that is not a mapping', 'vpc: [192.168.0.0/16]\n', 'vpc: expected a mapping, got a list'],
  ]);
});

describe('parseClusterSpec() name, region and zones', () => {
  runCases([
    ['the cluster name starts with a letter', 'metadata: {name: 1st}\n', `metadata.name: "1st" is not a valid cluster name: ${NAME_RULE}, at most 100 characters`],
    ['the cluster name has letters, digits and hyphens only', 'metadata: {name: my_lab}\n', `metadata.name: "my_lab" is not a valid cluster name: ${NAME_RULE}, at most 100 characters`],
    ['the cluster name has at most 100 characters', `metadata: {name: ${'a'.repeat(101)}}\n`, `metadata.name: "${'a'.repeat(101)}" is not a valid cluster name: ${NAME_RULE}, at most 100 characters`],
    ['the region is the lab\'s', 'metadata: {region: eu-west-1}\n', 'metadata.region: "eu-west-1" is not available: the lab emulates one region, us-west-2'],
    ['zones belong to the region', 'availabilityZones: [us-west-2a, us-east-1a]\n', 'availabilityZones[1]: "us-east-1a" is not an availability zone of us-west-2 (us-west-2a, us-west-2b, us-west-2c, us-west-2d)'],
    ['zones are listed once', 'availabilityZones: [us-west-2a, us-west-2b, us-west-2a]\n', 'availabilityZones[2]: "us-west-2a" is listed twice'],
    ['zones are names', 'availabilityZones: [us-west-2a, 2]\n', 'availabilityZones[1]: expected a zone name such as "us-west-2a", got a number (2)'],
    ['at least one zone', 'availabilityZones: []\nmanagedNodeGroups: []\n', 'availabilityZones: expected at least one availability zone'],
  ]);
});

describe('parseClusterSpec() VPC and subnet rules', () => {
  const ONE_ZONE = 'availabilityZones: [us-west-2a]\n';
  const subnets = (kind: string, zone: string, cidr: string): string => `vpc:\n  subnets:\n    ${kind}:\n      ${zone}: {cidr: ${cidr}}\n`;
  runCases([
    ['the VPC block is /16 or longer', 'vpc: {cidr: 10.0.0.0/8}\n', 'vpc.cidr: "10.0.0.0/8" has prefix /8: a VPC CIDR block must be /16 to /28'],
    ['the VPC block is /28 or shorter', 'vpc: {cidr: 10.0.0.0/29}\n', 'vpc.cidr: "10.0.0.0/29" has prefix /29: a VPC CIDR block must be /16 to /28'],
    ['the VPC block is an IPv4 CIDR', 'vpc: {cidr: 10.0.0.0}\n', 'vpc.cidr: "10.0.0.0" is not an IPv4 CIDR block such as 192.168.0.0/16'],
    ['the VPC block has no host bits', 'vpc: {cidr: 10.0.1.0/16}\n', 'vpc.cidr: "10.0.1.0/16" has host bits set: the block is 10.0.0.0/16'],
    ['eksctl\'s eighths need a /25 or larger', 'vpc: {cidr: 10.0.0.0/26}\n', 'vpc.cidr: 10.0.0.0/26 is too small for eksctl\'s subnets (one eighth of the VPC each, at least /28): use a block of /25 or larger, or list vpc.subnets'],
    ['subnets lie inside the VPC', ONE_ZONE + subnets('public', 'us-west-2a', '10.0.0.0/19'), 'vpc.subnets.public.us-west-2a.cidr: "10.0.0.0/19" is not inside the VPC CIDR 192.168.0.0/16'],
    ['subnets are /28 or shorter', ONE_ZONE + subnets('public', 'us-west-2a', '192.168.0.0/29'), 'vpc.subnets.public.us-west-2a.cidr: "192.168.0.0/29" has prefix /29: a subnet CIDR block must be /16 to /28'],
    ['subnets are in the cluster\'s zones', `${ONE_ZONE}${subnets('public', 'us-west-2a', '192.168.0.0/19')}      us-west-2d: {cidr: 192.168.32.0/19}\n`, 'vpc.subnets.public.us-west-2d: "us-west-2d" is not in availabilityZones (us-west-2a)'],
    ['subnets are keyed by zone', `${ONE_ZONE}${subnets('public', 'us-west-2a', '192.168.0.0/19')}      us-west-2e: {cidr: 192.168.32.0/19}\n`, 'vpc.subnets.public.us-west-2e: "us-west-2e" is not an availability zone of us-west-2 (us-west-2a, us-west-2b, us-west-2c, us-west-2d)'],
    ['subnets have a cidr', ONE_ZONE + 'vpc:\n  subnets:\n    public:\n      us-west-2a: {}\n', 'vpc.subnets.public.us-west-2a.cidr: missing: expected an IPv4 CIDR block such as 192.168.0.0/19'],
    ['subnets are public or private', `${subnets('public', 'us-west-2a', '192.168.0.0/19')}    intra: {}\n${ONE_ZONE}`, 'vpc.subnets: unknown key "intra" (known keys: public, private)'],
  ]);

  test('subnets do not overlap', () => {
    const body = 'vpc:\n  subnets:\n    public:\n      us-west-2a: {cidr: 192.168.0.0/19}\n    private:\n      us-west-2a: {cidr: 192.168.16.0/20}\n';
    assert.deepEqual(problemsOf(`${HEADER}availabilityZones: [us-west-2a]\n${body}`), [
      'cluster.yaml: vpc.subnets.private.us-west-2a.cidr: "192.168.16.0/20" overlaps vpc.subnets.public.us-west-2a.cidr (192.168.0.0/19)',
    ]);
  });
});

describe('parseClusterSpec() node group rules', () => {
  runCases([
    ['the instance type is known, with the nearest type suggested', `${NODE_GROUPS}    instanceType: t3.mediun\n`, 'managedNodeGroups[0].instanceType: "t3.mediun" is not an EC2 instance type (did you mean "t3.medium"?)'],
    ['no suggestion when nothing is near', 'nodeGroups:\n  - {name: ng, instanceType: banana}\n', 'nodeGroups[0].instanceType: "banana" is not an EC2 instance type'],
    ['desiredCapacity is at most 20', `${NODE_GROUPS}    desiredCapacity: 21\n`, 'managedNodeGroups[0].desiredCapacity: expected an integer from 0 to 20, got a number (21)'],
    ['desiredCapacity is not negative', `${NODE_GROUPS}    desiredCapacity: -1\n`, 'managedNodeGroups[0].desiredCapacity: expected an integer from 0 to 20, got a number (-1)'],
    ['desiredCapacity is a whole number', `${NODE_GROUPS}    desiredCapacity: 1.5\n`, 'managedNodeGroups[0].desiredCapacity: expected an integer from 0 to 20, got a number (1.5)'],
    ['desiredCapacity is a number, not a string', `${NODE_GROUPS}    desiredCapacity: "3"\n`, 'managedNodeGroups[0].desiredCapacity: expected an integer from 0 to 20, got a string ("3")'],
    ['maxPodsPerNode is at least 1', `${NODE_GROUPS}    maxPodsPerNode: 0\n`, 'managedNodeGroups[0].maxPodsPerNode: expected an integer from 1 to 250, got a number (0)'],
    ['maxPodsPerNode is at most 250', `${NODE_GROUPS}    maxPodsPerNode: 251\n`, 'managedNodeGroups[0].maxPodsPerNode: expected an integer from 1 to 250, got a number (251)'],
    ['node groups have a name', 'managedNodeGroups:\n  - {instanceType: t3.small}\n', 'managedNodeGroups[0].name: missing: every node group needs a name, such as "ng-1"'],
    ['node group names follow the naming rule', 'managedNodeGroups:\n  - name: ng_1\n', `managedNodeGroups[0].name: "ng_1" is not a valid node group name: ${NAME_RULE}, at most 63 characters`],
    ['node group names are unique across both lists', 'managedNodeGroups: [{name: ng}]\nnodeGroups: [{name: ng}]\n', 'nodeGroups[0].name: "ng" is already the name of managedNodeGroups[0]'],
    ['node group zones are cluster zones', `availabilityZones: [us-west-2a, us-west-2b]\n${NODE_GROUPS}    availabilityZones: [us-west-2c]\n`, 'managedNodeGroups[0].availabilityZones[0]: "us-west-2c" is not in availabilityZones (us-west-2a, us-west-2b)'],
    ['privateNetworking is a boolean', `${NODE_GROUPS}    privateNetworking: yes\n`, 'managedNodeGroups[0].privateNetworking: expected a boolean, got a string ("yes")'],
    ['node group keys are known', `${NODE_GROUPS}    desiredCapasity: 1\n`, 'managedNodeGroups[0]: unknown key "desiredCapasity" (did you mean "desiredCapacity"?)'],
    ['a node group is a mapping', 'managedNodeGroups:\n  -\n', 'managedNodeGroups[0]: expected a mapping with the node group\'s fields, got nothing'],
    ['the lab runs at most 30 nodes', 'managedNodeGroups: [{name: a, desiredCapacity: 16}, {name: b, desiredCapacity: 15}]\n',
      'the node groups ask for 31 nodes in total, but the lab runs at most 30 (every node is a network namespace plus a vpcnet-ipamd process on this machine)'],
  ]);

  const publicOnly = 'vpc:\n  subnets:\n    public:\n      us-west-2a: {cidr: 192.168.0.0/19}\n      us-west-2b: {cidr: 192.168.32.0/19}\n';
  runCases([
    ['private nodes need a private subnet in each of their zones', `${publicOnly}${NODE_GROUPS}    privateNetworking: true\n    availabilityZones: [us-west-2b]\n`,
      'managedNodeGroups[0]: privateNetworking needs a private subnet in us-west-2b, and vpc.subnets.private has none there'],
    ['public nodes need a public subnet in each of their zones', `availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\n${publicOnly}${NODE_GROUPS}`,
      'managedNodeGroups[0]: the nodes need a public subnet in us-west-2c, and vpc.subnets.public has none there (set privateNetworking: true to use private subnets)'],
    ['the default group needs a public subnet too', `availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\n${publicOnly}`,
      'default node group ng-1: the nodes need a public subnet in us-west-2c, and vpc.subnets.public has none there (set privateNetworking: true to use private subnets)'],
  ]);
});

describe('parseClusterSpec() aws-node environment rules', () => {
  const vpcCni = (values: string): string => `addons:\n  - name: vpc-cni\n    configurationValues: '${values}'\n`;
  runCases([
    ['values are checked by the daemon\'s parser', vpcCni('{"env":{"WARM_IP_TARGET":"five"}}'), 'addons[0].configurationValues.env.WARM_IP_TARGET: Invalid WARM_IP_TARGET "five": expected an integer >= 0'],
    ['checks that span variables name the variable the daemon names', vpcCni('{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}'),
      'addons[0].configurationValues.env.WARM_PREFIX_TARGET: Invalid WARM_PREFIX_TARGET (unset): expected an integer >= 1 when ENABLE_PREFIX_DELEGATION is true and neither WARM_IP_TARGET nor MINIMUM_IP_TARGET is above 0'],
    ['variables are ones the daemon reads', vpcCni('{"env":{"WARM_IP_TARGETS":"5"}}'), 'addons[0].configurationValues.env.WARM_IP_TARGETS: vpcnet-ipamd does not read this variable (did you mean "WARM_IP_TARGET"?)'],
    ['values are scalars', 'addons:\n  - name: vpc-cni\n    configurationValues:\n      env: {WARM_IP_TARGET: [5]}\n', 'addons[0].configurationValues.env.WARM_IP_TARGET: expected a string, number or boolean, got a list'],
    ['configurationValues parses', vpcCni('{"env": {'), 'addons[0].configurationValues: cannot be parsed as JSON or YAML: Flow map in block collection must be sufficiently indented and end with a }'],
    ['configurationValues has only env', vpcCni('{"init":{"env":{}}}'), 'addons[0].configurationValues: unknown key "init" (known keys: env)'],
    ['configurationValues is text or a mapping', 'addons:\n  - {name: vpc-cni, configurationValues: 5}\n', 'addons[0].configurationValues: expected a JSON or YAML string, or a mapping, got a number (5)'],
    ['add-ons are known', 'addons:\n  - name: vpc-cnii\n', 'addons[0].name: "vpc-cnii" is not an add-on the lab knows (did you mean "vpc-cni"?)'],
    ['add-ons have a name', 'addons:\n  - version: latest\n', 'addons[0].name: missing: expected an add-on name (vpc-cni, kube-proxy, coredns)'],
    ['add-ons are listed once', 'addons: [{name: vpc-cni}, {name: vpc-cni}]\n', 'addons[1].name: "vpc-cni" is already listed at addons[0]'],
  ]);
});

describe('nearest()', () => {
  test('editDistance() counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  test('suggests the closest candidate within max(2, a third of the length), ignoring case, first on ties', () => {
    assert.equal(nearest('T3.MEDIUM', ['t3.small', 't3.medium']), 't3.medium');
    assert.equal(nearest('abcdef', ['abxyef', 'abcxyz']), 'abxyef');
    assert.equal(nearest('cidr', ['subnets']), undefined);
  });
});
