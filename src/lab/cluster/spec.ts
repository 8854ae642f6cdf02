import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { formatCidr } from '../../core/ip/index.ts';
import { readAwsNodeEnv } from './spec-aws-node.ts';
import {
  CLUSTER_API_VERSION, CLUSTER_KIND, DEFAULT_CLUSTER_NAME, SPEC_LIMITS, generatedSubnets,
} from './spec-defaults.ts';
import { readClusterZones, readRegion, readSubnets, readVpcCidr } from './spec-network.ts';
import { checkNodeGroupSubnets, nameProblem, readNodeGroups } from './spec-node-groups.ts';
import { MappingReader, Problems, describeValue, isMapping } from './spec-read.ts';

/**
 * The lab cluster's spec, written as an eksctl `ClusterConfig` (apiVersion eksctl.io/v1alpha5): name, region,
 * availability zones, VPC block and subnets, node groups, and the aws-node environment through the vpc-cni
 * add-on. Unset fields take eksctl's defaults; every problem in the file is reported at once.
 */

/** One subnet of the cluster VPC. */
export interface SubnetSpec {
  readonly kind: 'public' | 'private';
  readonly zone: string;
  readonly cidr: string;
}

/** One node group: `desiredCapacity` instances of one type. */
export interface NodeGroupSpec {
  readonly name: string;
  readonly instanceType: string;
  readonly desiredCapacity: number;
  /** AZs the group's nodes are spread over, round-robin, in this order. */
  readonly zones: readonly string[];
  /** Nodes in private subnets (no public IP) when true. */
  readonly privateNetworking: boolean;
  /** eksctl's maxPodsPerNode: overrides the computed kubelet --max-pods when set. */
  readonly maxPodsPerNode: number | undefined;
}

/** A validated cluster: everything the lab needs to build it. */
export interface ClusterSpec {
  readonly name: string;
  readonly region: string;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
  /** Public subnets first, then private ones. */
  readonly subnets: readonly SubnetSpec[];
  readonly nodeGroups: readonly NodeGroupSpec[];
  /** The aws-node (vpc-cni addon) environment, validated: e.g. { WARM_IP_TARGET: '5' }. */
  readonly awsNodeEnv: Readonly<Record<string, string>>;
}

/** A node the lab launches: the `index`th (from 0) of its group, in `zone`, in `subnet`. */
export interface PlannedNode {
  readonly nodeGroup: NodeGroupSpec;
  readonly zone: string;
  readonly subnet: SubnetSpec;
  readonly index: number;
}

/** The cluster file was refused: every problem, each as `<file>: <field path>: <what is wrong>`. */
export class ClusterSpecError extends Error {
  /** Every problem found, in file order as far as possible; never empty. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const list = problems.map((problem) => `  ${problem}`).join('\n');
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems in the cluster spec:\n${list}`);
    this.name = 'ClusterSpecError';
    this.problems = Object.freeze([...problems]);
  }
}

const TOP_LEVEL_KEYS = ['apiVersion', 'kind', 'metadata', 'availabilityZones', 'vpc', 'managedNodeGroups', 'nodeGroups', 'addons'];
/** `version` and `tags` are accepted for eksctl compatibility and not used by the lab. */
const METADATA_KEYS = ['name', 'region', 'version', 'tags'];
const VPC_KEYS = ['cidr', 'subnets'];
const HEADER = `apiVersion: ${CLUSTER_API_VERSION}, kind: ${CLUSTER_KIND}`;

function syntaxProblem(source: string, error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  return `${source}:${line}:${col}: invalid YAML: ${error.message}`;
}

/** The document's top-level mapping; throws at once on YAML syntax errors (nothing else can be checked). */
function readDocument(text: string, source: string, problems: Problems): MappingReader | undefined {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) throw new ClusterSpecError(document.errors.map((error) => syntaxProblem(source, error, lines)));
  let root: unknown;
  try {
    root = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.add('', `invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (isMapping(root)) return new MappingReader(root, '', problems);
  const got = root === null || root === undefined ? 'the file is empty' : `got ${describeValue(root)}`;
  problems.add('', `expected a ClusterConfig mapping (${HEADER}): ${got}`);
  return undefined;
}

function expectConstant(root: MappingReader, key: string, expected: string): void {
  const value = root.raw(key);
  if (value === expected) return;
  const message = value === undefined ? `missing: expected ${JSON.stringify(expected)}` : `expected ${JSON.stringify(expected)}, got ${describeValue(value)}`;
  root.report(key, message);
}

function readClusterName(metadata: MappingReader | undefined): string {
  const name = metadata?.string('name');
  if (name === undefined) return DEFAULT_CLUSTER_NAME;
  const problem = nameProblem(name, 'cluster', SPEC_LIMITS.maxClusterNameLength);
  if (problem !== undefined) metadata?.report('name', problem);
  return name;
}

function readClusterSpec(root: MappingReader, problems: Problems): ClusterSpec {
  root.checkKeys(TOP_LEVEL_KEYS);
  expectConstant(root, 'apiVersion', CLUSTER_API_VERSION);
  expectConstant(root, 'kind', CLUSTER_KIND);
  const metadata = root.mapping('metadata');
  metadata?.checkKeys(METADATA_KEYS);
  const name = readClusterName(metadata);
  const region = readRegion(metadata);
  const vpc = root.mapping('vpc');
  vpc?.checkKeys(VPC_KEYS);
  const vpcCidr = readVpcCidr(vpc);
  const zones = readClusterZones(root, vpc);
  const listedSubnets = readSubnets(vpc, zones, vpcCidr);
  const groups = readNodeGroups(root, zones, problems);
  const anyPrivate = groups.some(({ spec }) => spec.privateNetworking);
  const subnets = listedSubnets ?? (vpcCidr === undefined ? [] : generatedSubnets(vpcCidr, zones, anyPrivate));
  if (subnets === undefined && vpcCidr !== undefined) {
    problems.add('vpc.cidr', `${formatCidr(vpcCidr)} is too small for eksctl's subnets (one eighth of the VPC each, at least /28):` +
      ' use a block of /25 or larger, or list vpc.subnets');
  }
  if (listedSubnets !== undefined) checkNodeGroupSubnets(groups, listedSubnets, problems);
  return {
    name, region, zones,
    vpcCidr: vpcCidr === undefined ? '' : formatCidr(vpcCidr),
    subnets: subnets ?? [],
    nodeGroups: groups.map(({ spec }) => spec),
    awsNodeEnv: readAwsNodeEnv(root, problems),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses and validates a ClusterConfig YAML document; `source` names the file in messages. Throws one
 * {@link ClusterSpecError} listing every problem; the result is deeply frozen.
 */
export function parseClusterSpec(text: string, source: string): ClusterSpec {
  const problems = new Problems(source);
  const root = readDocument(text, source, problems);
  const spec = root === undefined ? undefined : readClusterSpec(root, problems);
  if (spec === undefined || problems.list.length > 0) throw new ClusterSpecError(problems.list);
  return deepFreeze(spec);
}

/**
 * The built-in default cluster (same as examples/cluster.yaml): vpcnet-lab in us-west-2, 192.168.0.0/16 with a
 * public /19 in each of us-west-2a, b and c, and node group ng-1 of three t3.medium nodes, one per zone.
 */
export const DEFAULT_CLUSTER_SPEC: ClusterSpec = parseClusterSpec(`apiVersion: ${CLUSTER_API_VERSION}\nkind: ${CLUSTER_KIND}\n`, 'built-in cluster spec');

/**
 * Instances per node group in zone order, for the lab to launch: each group's nodes go round-robin over its
 * zones (index 0 in the first zone, 1 in the second...), in the group's public or private subnet there.
 */
export function plannedNodes(spec: ClusterSpec): readonly PlannedNode[] {
  const nodes: PlannedNode[] = [];
  for (const nodeGroup of spec.nodeGroups) {
    const kind = nodeGroup.privateNetworking ? 'private' : 'public';
    for (let index = 0; index < nodeGroup.desiredCapacity; index++) {
      const zone = nodeGroup.zones[index % nodeGroup.zones.length];
      const subnet = spec.subnets.find((candidate) => candidate.kind === kind && candidate.zone === zone);
      if (zone === undefined || subnet === undefined) {
        throw new RangeError(`Cannot place node ${index} of node group "${nodeGroup.name}": no ${kind} subnet in ${zone ?? 'any zone'}`);
      }
      nodes.push({ nodeGroup, zone, subnet, index });
    }
  }
  return nodes;
}
