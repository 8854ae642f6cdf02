import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  ModifySubnetAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { _InstanceType, EC2Client, Tag } from '@aws-sdk/client-ec2';

/** What to build: an EKS-style VPC with one public subnet per AZ and one node per subnet. */
export interface DefaultVpcSpec {
  readonly clusterName: string;
  readonly vpcCidr: string;
  /** One entry per AZ: zone name and the subnet's CIDR. */
  readonly subnets: readonly { readonly zone: string; readonly cidr: string }[];
  readonly instanceType: _InstanceType;
}

/** The lab's default: 192.168.0.0/16, three /19 public subnets in three AZs, a t3.medium in each. */
export const DEFAULT_VPC_SPEC: DefaultVpcSpec = {
  clusterName: 'vpcnet-lab',
  vpcCidr: '192.168.0.0/16',
  subnets: [
    { zone: 'us-west-2a', cidr: '192.168.0.0/19' },
    { zone: 'us-west-2b', cidr: '192.168.32.0/19' },
    { zone: 'us-west-2c', cidr: '192.168.64.0/19' },
  ],
  instanceType: 't3.medium',
};

/** Ids of what createDefaultVpc() built. */
export interface BuiltVpc {
  readonly vpcId: string;
  readonly internetGatewayId: string;
  readonly subnetIds: readonly string[];
  readonly instanceIds: readonly string[];
}

function tags(resourceType: 'vpc' | 'subnet' | 'internet-gateway' | 'instance', list: Tag[]) {
  return [{ ResourceType: resourceType, Tags: list }];
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`EC2 API reply lacks ${what}`);
  return value;
}

/**
 * Builds the VPC through the EC2 API, as a person would with the AWS CLI: VPC, internet gateway,
 * default route, public subnets, and one instance per subnet tagged like an EKS node.
 */
export async function createDefaultVpc(ec2: EC2Client, spec: DefaultVpcSpec = DEFAULT_VPC_SPEC): Promise<BuiltVpc> {
  const clusterTag = { Key: `kubernetes.io/cluster/${spec.clusterName}`, Value: 'owned' };
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: spec.vpcCidr, TagSpecifications: tags('vpc', [{ Key: 'Name', Value: `${spec.clusterName}-vpc` }, clusterTag]) }));
  const vpcId = required(vpc.Vpc?.VpcId, 'Vpc.VpcId');
  const igw = await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tags('internet-gateway', [{ Key: 'Name', Value: `${spec.clusterName}-igw` }]) }));
  const internetGatewayId = required(igw.InternetGateway?.InternetGatewayId, 'InternetGateway.InternetGatewayId');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }));
  const mainTableId = required(tables.RouteTables?.[0]?.RouteTableId, 'the main route table');
  await ec2.send(new CreateRouteCommand({ RouteTableId: mainTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: internetGatewayId }));
  const subnetIds: string[] = [];
  const instanceIds: string[] = [];
  for (const [index, { zone, cidr }] of spec.subnets.entries()) {
    const subnet = await ec2.send(new CreateSubnetCommand({
      VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone,
      TagSpecifications: tags('subnet', [{ Key: 'Name', Value: `${spec.clusterName}-public-${zone}` }, clusterTag, { Key: 'kubernetes.io/role/elb', Value: '1' }]),
    }));
    const subnetId = required(subnet.Subnet?.SubnetId, 'Subnet.SubnetId');
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
    subnetIds.push(subnetId);
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: 'ami-0vpcnetlab0000001', InstanceType: spec.instanceType, MinCount: 1, MaxCount: 1, SubnetId: subnetId,
      TagSpecifications: tags('instance', [{ Key: 'Name', Value: `${spec.clusterName}-node-${index + 1}` }, clusterTag, { Key: 'eks:cluster-name', Value: spec.clusterName }]),
    }));
    instanceIds.push(required(run.Instances?.[0]?.InstanceId, 'Instances[0].InstanceId'));
  }
  return { vpcId, internetGatewayId, subnetIds, instanceIds };
}
