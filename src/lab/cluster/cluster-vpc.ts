import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  ModifySubnetAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { _InstanceType, EC2Client, Tag } from '@aws-sdk/client-ec2';
import type { ClusterSpec, NodeGroupSpec, SubnetSpec } from './spec.ts';
import { plannedNodes } from './spec.ts';

/** A subnet the lab created for the cluster. */
export interface BuiltSubnet extends SubnetSpec {
  readonly subnetId: string;
}

/** An instance launched for a node group. */
export interface LaunchedNode {
  readonly instanceId: string;
  readonly nodeGroup: NodeGroupSpec;
  readonly zone: string;
}

/** Ids of what createClusterVpc() built. */
export interface BuiltClusterVpc {
  readonly vpcId: string;
  readonly internetGatewayId: string;
  readonly subnets: readonly BuiltSubnet[];
  readonly nodes: readonly LaunchedNode[];
}

/** The AMI id the lab's nodes boot (the emulator accepts any well-formed id). */
export const LAB_NODE_AMI = 'ami-0vpcnetlab0000001';

type TaggedResource = 'vpc' | 'subnet' | 'internet-gateway' | 'instance' | 'route-table';

function tagged(resourceType: TaggedResource, list: Tag[]) {
  return [{ ResourceType: resourceType, Tags: list }];
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`EC2 API reply lacks ${what}`);
  return value;
}

interface VpcContext {
  readonly ec2: EC2Client;
  readonly spec: ClusterSpec;
  readonly vpcId: string;
  readonly clusterTag: Tag;
}

async function createNetwork(ec2: EC2Client, spec: ClusterSpec, clusterTag: Tag): Promise<{ vpcId: string; internetGatewayId: string; mainTableId: string }> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: spec.vpcCidr, TagSpecifications: tagged('vpc', [{ Key: 'Name', Value: `eksctl-${spec.name}-cluster/VPC` }, clusterTag]) }));
  const vpcId = required(vpc.Vpc?.VpcId, 'Vpc.VpcId');
  const igw = await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tagged('internet-gateway', [{ Key: 'Name', Value: `eksctl-${spec.name}-cluster/InternetGateway` }]) }));
  const internetGatewayId = required(igw.InternetGateway?.InternetGatewayId, 'InternetGateway.InternetGatewayId');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }));
  const mainTableId = required(tables.RouteTables?.[0]?.RouteTableId, 'the main route table');
  await ec2.send(new CreateRouteCommand({ RouteTableId: mainTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: internetGatewayId }));
  return { vpcId, internetGatewayId, mainTableId };
}

/** Private subnets get their own route table with no route out (the lab has no NAT gateway). */
async function createPrivateRouteTable(context: VpcContext): Promise<string> {
  const table = await context.ec2.send(new CreateRouteTableCommand({
    VpcId: context.vpcId, TagSpecifications: tagged('route-table', [{ Key: 'Name', Value: `eksctl-${context.spec.name}-cluster/PrivateRouteTable` }]),
  }));
  return required(table.RouteTable?.RouteTableId, 'RouteTable.RouteTableId');
}

async function createSubnet(context: VpcContext, subnet: SubnetSpec, privateTableId: string | undefined): Promise<BuiltSubnet> {
  const { ec2, spec } = context;
  const roleTag = subnet.kind === 'public' ? { Key: 'kubernetes.io/role/elb', Value: '1' } : { Key: 'kubernetes.io/role/internal-elb', Value: '1' };
  const label = `eksctl-${spec.name}-cluster/Subnet${subnet.kind === 'public' ? 'Public' : 'Private'}${subnet.zone.toUpperCase().replace(/-/g, '')}`;
  const created = await ec2.send(new CreateSubnetCommand({
    VpcId: context.vpcId, CidrBlock: subnet.cidr, AvailabilityZone: subnet.zone,
    TagSpecifications: tagged('subnet', [{ Key: 'Name', Value: label }, context.clusterTag, roleTag]),
  }));
  const subnetId = required(created.Subnet?.SubnetId, 'Subnet.SubnetId');
  if (subnet.kind === 'public') {
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
  } else if (privateTableId !== undefined) {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTableId, SubnetId: subnetId }));
  }
  return { ...subnet, subnetId };
}

/** Launches one node; its Name tag numbers the cluster's nodes (`<cluster>-node-<n>`) so people can tell them apart. */
async function launchNode(context: VpcContext, subnetId: string, planned: { nodeGroup: NodeGroupSpec; zone: string }, ordinal: number): Promise<LaunchedNode> {
  const { spec, clusterTag } = context;
  const run = await context.ec2.send(new RunInstancesCommand({
    ImageId: LAB_NODE_AMI, InstanceType: planned.nodeGroup.instanceType as _InstanceType, MinCount: 1, MaxCount: 1, SubnetId: subnetId,
    TagSpecifications: tagged('instance', [
      { Key: 'Name', Value: `${spec.name}-node-${ordinal}` }, clusterTag,
      { Key: 'eks:cluster-name', Value: spec.name }, { Key: 'eks:nodegroup-name', Value: planned.nodeGroup.name },
    ]),
  }));
  return { instanceId: required(run.Instances?.[0]?.InstanceId, 'Instances[0].InstanceId'), nodeGroup: planned.nodeGroup, zone: planned.zone };
}

/**
 * Builds the cluster's VPC through the EC2 API, as eksctl does with CloudFormation: the VPC, an internet
 * gateway with the default route, the public and private subnets, and one instance per planned node,
 * tagged like an EKS managed node group.
 */
export async function createClusterVpc(ec2: EC2Client, spec: ClusterSpec): Promise<BuiltClusterVpc> {
  const clusterTag = { Key: `kubernetes.io/cluster/${spec.name}`, Value: 'owned' };
  const { vpcId, internetGatewayId } = await createNetwork(ec2, spec, clusterTag);
  const context: VpcContext = { ec2, spec, vpcId, clusterTag };
  const privateTableId = spec.subnets.some((s) => s.kind === 'private') ? await createPrivateRouteTable(context) : undefined;
  const subnets: BuiltSubnet[] = [];
  for (const subnet of spec.subnets) subnets.push(await createSubnet(context, subnet, privateTableId));
  const nodes: LaunchedNode[] = [];
  for (const planned of plannedNodes(spec)) {
    const subnet = subnets.find((s) => s.zone === planned.zone && s.kind === planned.subnet.kind && s.cidr === planned.subnet.cidr);
    if (subnet === undefined) throw new Error(`no ${planned.subnet.kind} subnet in ${planned.zone} for node group ${planned.nodeGroup.name}`);
    nodes.push(await launchNode(context, subnet.subnetId, planned, nodes.length + 1));
  }
  return { vpcId, internetGatewayId, subnets, nodes };
}
