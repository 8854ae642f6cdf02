import { instanceLimits, knownInstanceTypes } from '../../core/limits/instance-limits.ts';
import {
  DEFAULT_DESIRED_CAPACITY, DEFAULT_INSTANCE_TYPE, DEFAULT_NODE_GROUP_NAME, NAME_PATTERN, SPEC_LIMITS,
} from './spec-defaults.ts';
import { readZoneList } from './spec-network.ts';
import { MappingReader, childPath } from './spec-read.ts';
import type { Problems } from './spec-read.ts';
import { didYouMean } from './spec-suggest.ts';
import type { NodeGroupSpec, SubnetSpec } from './spec.ts';

/** `managedNodeGroups[]` and `nodeGroups[]`: the nodes the lab launches, validated alone and against the subnets. */

/** The two eksctl lists of node groups; the lab treats both alike. */
const GROUP_LIST_KEYS = ['managedNodeGroups', 'nodeGroups'] as const;
const NODE_GROUP_KEYS = ['name', 'instanceType', 'desiredCapacity', 'availabilityZones', 'privateNetworking', 'maxPodsPerNode'];

/** A node group and where the file defines it, for messages. */
export interface LocatedNodeGroup {
  readonly spec: NodeGroupSpec;
  /** `managedNodeGroups[0]`, or a description of the default group when the file lists none. */
  readonly path: string;
}

/** Why `name` breaks eksctl's naming rule, or undefined when it follows it. */
export function nameProblem(name: string, what: string, maxLength: number): string | undefined {
  if (NAME_PATTERN.test(name) && name.length <= maxLength) return undefined;
  return `${JSON.stringify(name)} is not a valid ${what} name: it must start with a letter and contain only letters, digits and hyphens, at most ${maxLength} characters`;
}

function readName(group: MappingReader): string | undefined {
  const name = group.string('name');
  if (name === undefined) {
    if (!group.has('name')) group.report('name', 'missing: every node group needs a name, such as "ng-1"');
    return undefined;
  }
  const problem = nameProblem(name, 'node group', SPEC_LIMITS.maxNodeGroupNameLength);
  if (problem !== undefined) group.report('name', problem);
  return name;
}

function readInstanceType(group: MappingReader): string {
  const type = group.string('instanceType') ?? DEFAULT_INSTANCE_TYPE;
  if (instanceLimits(type) === undefined) {
    group.report('instanceType', `${JSON.stringify(type)} is not an EC2 instance type${didYouMean(type, knownInstanceTypes())}`);
  }
  return type;
}

function readGroup(group: MappingReader, clusterZones: readonly string[]): NodeGroupSpec {
  group.checkKeys(NODE_GROUP_KEYS);
  const { minMaxPodsPerNode, maxMaxPodsPerNode, maxNodesPerGroup } = SPEC_LIMITS;
  return {
    name: readName(group) ?? '',
    instanceType: readInstanceType(group),
    desiredCapacity: group.integer('desiredCapacity', 0, maxNodesPerGroup) ?? DEFAULT_DESIRED_CAPACITY,
    zones: readZoneList(group, 'availabilityZones', clusterZones) ?? clusterZones,
    privateNetworking: group.boolean('privateNetworking') ?? false,
    maxPodsPerNode: group.integer('maxPodsPerNode', minMaxPodsPerNode, maxMaxPodsPerNode),
  };
}

function defaultGroup(zones: readonly string[]): NodeGroupSpec {
  return {
    name: DEFAULT_NODE_GROUP_NAME, instanceType: DEFAULT_INSTANCE_TYPE, desiredCapacity: zones.length,
    zones, privateNetworking: false, maxPodsPerNode: undefined,
  };
}

function checkUniqueNames(groups: readonly LocatedNodeGroup[], problems: Problems): void {
  const firstUse = new Map<string, string>();
  for (const { spec, path } of groups) {
    if (spec.name === '') continue;
    const earlier = firstUse.get(spec.name);
    if (earlier === undefined) firstUse.set(spec.name, path);
    else problems.add(childPath(path, 'name'), `${JSON.stringify(spec.name)} is already the name of ${earlier}`);
  }
}

function checkTotalNodes(groups: readonly LocatedNodeGroup[], problems: Problems): void {
  const total = groups.reduce((sum, { spec }) => sum + spec.desiredCapacity, 0);
  if (total <= SPEC_LIMITS.maxNodes) return;
  problems.add('', `the node groups ask for ${total} nodes in total, but the lab runs at most ${SPEC_LIMITS.maxNodes}` +
    ' (every node is a network namespace plus a vpcnet-ipamd process on this machine)');
}

/**
 * Every listed node group (managed ones first), or the default group `ng-1` (t3.medium, one node per cluster
 * zone) when the file lists none. Checks names are unique and the cluster stays within the lab's size.
 */
export function readNodeGroups(root: MappingReader, clusterZones: readonly string[], problems: Problems): readonly LocatedNodeGroup[] {
  const keys = GROUP_LIST_KEYS.filter((key) => root.has(key));
  if (keys.length === 0) return [{ spec: defaultGroup(clusterZones), path: `default node group ${DEFAULT_NODE_GROUP_NAME}` }];
  const groups: LocatedNodeGroup[] = [];
  for (const key of keys) {
    root.list(key)?.forEach((item, index) => {
      const path = childPath(key, index);
      const group = MappingReader.of(item, path, problems);
      if (group !== undefined) groups.push({ spec: readGroup(group, clusterZones), path });
      else if (item === null) problems.add(path, 'expected a mapping with the node group\'s fields, got nothing');
    });
  }
  checkUniqueNames(groups, problems);
  checkTotalNodes(groups, problems);
  return groups;
}

/**
 * Checks each group has a subnet of its kind in each of its zones: private subnets for `privateNetworking`
 * groups, public ones otherwise.
 */
export function checkNodeGroupSubnets(groups: readonly LocatedNodeGroup[], subnets: readonly SubnetSpec[], problems: Problems): void {
  for (const { spec, path } of groups) {
    const kind = spec.privateNetworking ? 'private' : 'public';
    for (const zone of spec.zones) {
      if (subnets.some((subnet) => subnet.kind === kind && subnet.zone === zone)) continue;
      const message = spec.privateNetworking
        ? `privateNetworking needs a private subnet in ${zone}, and vpc.subnets.private has none there`
        : `the nodes need a public subnet in ${zone}, and vpc.subnets.public has none there (set privateNetworking: true to use private subnets)`;
      problems.add(path, message);
    }
  }
}
