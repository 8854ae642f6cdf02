import { blockSize, formatCidr } from '../../core/ip/index.ts';
import type { Cidr } from '../../core/ip/index.ts';
import type { SubnetSpec } from './spec.ts';

/**
 * The cluster spec's fixed values: eksctl's defaults (region, three zones, 192.168.0.0/16 split in eighths,
 * public subnets first) and the lab's limits.
 */

/** The only `apiVersion` eksctl's ClusterConfig has. */
export const CLUSTER_API_VERSION = 'eksctl.io/v1alpha5';
/** The document kind. */
export const CLUSTER_KIND = 'ClusterConfig';
/** The one region the emulated AWS serves (the EC2 model's default). */
export const LAB_REGION = 'us-west-2';
/** `metadata.name` when not given. */
export const DEFAULT_CLUSTER_NAME = 'vpcnet-lab';
/** eksctl's default `vpc.cidr`. */
export const DEFAULT_VPC_CIDR = '192.168.0.0/16';
/** eksctl picks three zones when none are listed. */
export const DEFAULT_ZONE_COUNT = 3;
/** The node group created when the file lists none. */
export const DEFAULT_NODE_GROUP_NAME = 'ng-1';
/** The lab's instance type when none is given (eksctl's would be m5.large; t3.medium is the lab's size). */
export const DEFAULT_INSTANCE_TYPE = 't3.medium';
/** eksctl's `desiredCapacity` for a listed node group that sets none. */
export const DEFAULT_DESIRED_CAPACITY = 2;
/** Add-ons of an EKS cluster the spec accepts; only vpc-cni's configuration is used. */
export const KNOWN_ADDONS: readonly string[] = ['vpc-cni', 'kube-proxy', 'coredns'];
/** The add-on whose `configurationValues.env` becomes the aws-node environment. */
export const VPC_CNI_ADDON = 'vpc-cni';

/** Ranges the spec enforces: AWS's, eksctl's, and the lab's own (each node is a netns plus a daemon). */
export const SPEC_LIMITS = Object.freeze({
  /** AWS: a VPC's or subnet's IPv4 block is /16 to /28. */
  minPrefix: 16,
  maxPrefix: 28,
  maxClusterNameLength: 100,
  /** EKS node group names are at most 63 characters. */
  maxNodeGroupNameLength: 63,
  maxNodesPerGroup: 20,
  maxNodes: 30,
  minMaxPodsPerNode: 1,
  maxMaxPodsPerNode: 250,
});

/** eksctl's rule for cluster names (and the lab's for node group names). */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The first `DEFAULT_ZONE_COUNT` zones of the region: `<region>a`, `b`, `c`. */
export function defaultZones(region: string): readonly string[] {
  return ['a', 'b', 'c'].slice(0, DEFAULT_ZONE_COUNT).map((letter) => `${region}${letter}`);
}

/** eksctl splits the VPC block in eighths: the subnets are the VPC prefix + 3. */
const SPLIT_BITS = 3;

/**
 * Subnets as eksctl makes them when `vpc.subnets` is not given: the VPC block split in eighths, one public
 * per zone from the start, then (only when `withPrivate`) one private per zone after them. Undefined when the
 * eighths would be smaller than /28.
 */
export function generatedSubnets(vpc: Cidr, zones: readonly string[], withPrivate: boolean): SubnetSpec[] | undefined {
  const prefixLength = vpc.prefixLength + SPLIT_BITS;
  if (prefixLength > SPEC_LIMITS.maxPrefix) return undefined;
  const size = blockSize(prefixLength);
  const block = (slot: number): string => formatCidr({ network: vpc.network + slot * size, prefixLength });
  const publicSubnets = zones.map((zone, index): SubnetSpec => ({ kind: 'public', zone, cidr: block(index) }));
  if (!withPrivate) return publicSubnets;
  const privateSubnets = zones.map((zone, index): SubnetSpec => ({ kind: 'private', zone, cidr: block(zones.length + index) }));
  return [...publicSubnets, ...privateSubnets];
}
