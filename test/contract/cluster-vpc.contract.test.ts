/**
 * createClusterVpc() against the real emulator, checked through the real `@aws-sdk/client-ec2`: the VPC,
 * subnets, route tables and instances an EKS-style cluster spec asks for, as eksctl would build them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { Instance, RouteTable, Subnet, Tag } from '@aws-sdk/client-ec2';
import { createClusterVpc } from '../../src/lab/cluster/cluster-vpc.ts';
import type { BuiltClusterVpc } from '../../src/lab/cluster/cluster-vpc.ts';
import { DEFAULT_CLUSTER_SPEC, parseClusterSpec } from '../../src/lab/cluster/spec.ts';
import type { ClusterSpec } from '../../src/lab/cluster/spec.ts';
import { LATENCY_PROFILES } from '../../src/lab/ec2/model/latency.ts';
import { startEmulator } from '../../src/lab/emulator.ts';
import type { RunningEmulator } from '../../src/lab/emulator.ts';

const PRIVATE_SPEC_YAML = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: mixed
  region: us-west-2
vpc:
  cidr: 10.10.0.0/16
managedNodeGroups:
  - name: edge
    instanceType: t3.small
    desiredCapacity: 1
    availabilityZones: [us-west-2b]
  - name: workers
    instanceType: m5.large
    desiredCapacity: 2
    privateNetworking: true
`;

/** What the emulator holds for one cluster, read back through the SDK. */
interface Observed {
  readonly built: BuiltClusterVpc;
  readonly subnets: readonly Subnet[];
  readonly instances: readonly Instance[];
  readonly routeTables: readonly RouteTable[];
}

function tagsOf(resource: { Tags?: Tag[] }): Record<string, string> {
  return Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

function routeTo(table: RouteTable | undefined, destination: string) {
  return table?.Routes?.find((route) => route.DestinationCidrBlock === destination);
}

async function buildAndDescribe(emulator: RunningEmulator, spec: ClusterSpec): Promise<Observed> {
  const built = await createClusterVpc(emulator.ec2, spec);
  const byVpc = [{ Name: 'vpc-id', Values: [built.vpcId] }];
  const subnets = (await emulator.ec2.send(new DescribeSubnetsCommand({ Filters: byVpc }))).Subnets ?? [];
  const reservations = (await emulator.ec2.send(new DescribeInstancesCommand({ InstanceIds: built.nodes.map((n) => n.instanceId) }))).Reservations ?? [];
  const routeTables = (await emulator.ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc }))).RouteTables ?? [];
  return { built, subnets, instances: reservations.flatMap((r) => r.Instances ?? []), routeTables };
}

function subnetOf(observed: Observed, id: string | undefined): Subnet {
  return observed.subnets.find((s) => s.SubnetId === id) ?? assert.fail(`no subnet ${id}`);
}

function instanceOf(observed: Observed, id: string): Instance {
  return observed.instances.find((i) => i.InstanceId === id) ?? assert.fail(`no instance ${id}`);
}

function mainTable(observed: Observed): RouteTable {
  return observed.routeTables.find((t) => t.Associations?.some((a) => a.Main === true)) ?? assert.fail('no main route table');
}

/** Checks every subnet's CIDR, zone, public-IP mapping and EKS tags against the spec. */
function assertSubnets(observed: Observed, spec: ClusterSpec): void {
  assert.deepEqual(observed.subnets.map((s) => s.CidrBlock).sort(), spec.subnets.map((s) => s.cidr).sort());
  for (const wanted of spec.subnets) {
    const built = observed.built.subnets.find((s) => s.cidr === wanted.cidr) ?? assert.fail(`${wanted.cidr} not built`);
    const subnet = subnetOf(observed, built.subnetId);
    assert.deepEqual([subnet.AvailabilityZone, subnet.MapPublicIpOnLaunch, subnet.VpcId], [wanted.zone, wanted.kind === 'public', observed.built.vpcId], wanted.cidr);
    const tags = tagsOf(subnet);
    assert.equal(tags[`kubernetes.io/cluster/${spec.name}`], 'owned', wanted.cidr);
    const [role, otherRole] = wanted.kind === 'public' ? ['kubernetes.io/role/elb', 'kubernetes.io/role/internal-elb'] : ['kubernetes.io/role/internal-elb', 'kubernetes.io/role/elb'];
    assert.deepEqual([tags[role], tags[otherRole]], ['1', undefined], `${wanted.kind} ${wanted.cidr} role tags`);
  }
}

/** Checks every instance is where the plan puts it, of its group's type, with a public IP only in a public subnet. */
function assertInstances(observed: Observed, spec: ClusterSpec): void {
  assert.equal(observed.instances.length, observed.built.nodes.length);
  for (const node of observed.built.nodes) {
    const instance = instanceOf(observed, node.instanceId);
    const subnet = subnetOf(observed, instance.SubnetId);
    const kind = node.nodeGroup.privateNetworking ? 'private' : 'public';
    assert.deepEqual([instance.Placement?.AvailabilityZone, subnet.AvailabilityZone], [node.zone, node.zone], node.instanceId);
    assert.equal(instance.InstanceType, node.nodeGroup.instanceType);
    assert.equal(instance.VpcId, observed.built.vpcId);
    assert.equal(subnet.MapPublicIpOnLaunch, kind === 'public', `${node.nodeGroup.name} is in a ${kind} subnet`);
    if (kind === 'public') assert.match(instance.PublicIpAddress ?? '', /^\d+\.\d+\.\d+\.\d+$/, `${node.instanceId} has a public IP`);
    else assert.equal(instance.PublicIpAddress, undefined, `${node.instanceId} is private`);
    const tags = tagsOf(instance);
    assert.deepEqual([tags[`kubernetes.io/cluster/${spec.name}`], tags['eks:cluster-name'], tags['eks:nodegroup-name']], ['owned', spec.name, node.nodeGroup.name]);
  }
}

/** The main table sends 0.0.0.0/0 to the cluster's attached internet gateway. */
async function assertInternetRoute(emulator: RunningEmulator, observed: Observed): Promise<void> {
  const main = mainTable(observed);
  assert.equal(routeTo(main, '0.0.0.0/0')?.GatewayId, observed.built.internetGatewayId);
  const gateways = (await emulator.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [observed.built.internetGatewayId] }))).InternetGateways ?? [];
  assert.deepEqual(gateways[0]?.Attachments?.map((a) => a.VpcId), [observed.built.vpcId]);
}

describe('createClusterVpc() for the default cluster', () => {
  let emulator: RunningEmulator;
  let observed: Observed;

  before(async () => {
    emulator = await startEmulator({ latency: LATENCY_PROFILES.fast, throttle: false });
    observed = await buildAndDescribe(emulator, DEFAULT_CLUSTER_SPEC);
  });

  after(async () => {
    await emulator.close();
  });

  it('creates the VPC 192.168.0.0/16 tagged for the cluster', async () => {
    const vpcs = (await emulator.ec2.send(new DescribeVpcsCommand({ VpcIds: [observed.built.vpcId] }))).Vpcs ?? [];
    assert.equal(vpcs[0]?.CidrBlock, '192.168.0.0/16');
    assert.equal(tagsOf(vpcs[0] ?? {})['kubernetes.io/cluster/vpcnet-lab'], 'owned');
  });

  it('creates one public /19 per zone that maps public IPs, tagged for the cluster and for load balancers', () => {
    assert.deepEqual(observed.subnets.map((s) => [s.AvailabilityZone, s.CidrBlock]).sort(), [
      ['us-west-2a', '192.168.0.0/19'], ['us-west-2b', '192.168.32.0/19'], ['us-west-2c', '192.168.64.0/19'],
    ]);
    assertSubnets(observed, DEFAULT_CLUSTER_SPEC);
  });

  it('launches three t3.medium nodes, one per zone, each with a public IP', () => {
    assert.deepEqual(observed.instances.map((i) => [i.Placement?.AvailabilityZone, i.InstanceType]).sort(), [
      ['us-west-2a', 't3.medium'], ['us-west-2b', 't3.medium'], ['us-west-2c', 't3.medium'],
    ]);
    assertInstances(observed, DEFAULT_CLUSTER_SPEC);
  });

  it('routes 0.0.0.0/0 to the internet gateway in the main table and makes no other table', async () => {
    await assertInternetRoute(emulator, observed);
    assert.equal(observed.routeTables.length, 1);
    assert.equal(routeTo(mainTable(observed), '192.168.0.0/16')?.GatewayId, 'local');
  });
});

describe('createClusterVpc() with a privateNetworking node group', () => {
  const spec = parseClusterSpec(PRIVATE_SPEC_YAML, 'mixed.yaml');
  let emulator: RunningEmulator;
  let observed: Observed;

  before(async () => {
    emulator = await startEmulator({ latency: LATENCY_PROFILES.fast, throttle: false });
    observed = await buildAndDescribe(emulator, spec);
  });

  after(async () => {
    await emulator.close();
  });

  it('creates public and private subnets in eighths of the VPC, private ones with no public IPs', () => {
    const rows = observed.subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.MapPublicIpOnLaunch]);
    assert.deepEqual(rows.sort(), [
      ['us-west-2a', '10.10.0.0/19', true], ['us-west-2a', '10.10.96.0/19', false],
      ['us-west-2b', '10.10.128.0/19', false], ['us-west-2b', '10.10.32.0/19', true],
      ['us-west-2c', '10.10.160.0/19', false], ['us-west-2c', '10.10.64.0/19', true],
    ]);
    assertSubnets(observed, spec);
  });

  it('launches the public group in its zone with a public IP and the private group round-robin with none', () => {
    const rows = observed.built.nodes.map((node) => {
      const instance = instanceOf(observed, node.instanceId);
      return [node.nodeGroup.name, instance.Placement?.AvailabilityZone, instance.InstanceType, subnetOf(observed, instance.SubnetId).CidrBlock, instance.PublicIpAddress === undefined];
    });
    assert.deepEqual(rows, [
      ['edge', 'us-west-2b', 't3.small', '10.10.32.0/19', false],
      ['workers', 'us-west-2a', 'm5.large', '10.10.96.0/19', true],
      ['workers', 'us-west-2b', 'm5.large', '10.10.128.0/19', true],
    ]);
    assertInstances(observed, spec);
  });

  it('gives the private subnets their own route table with no route out', () => {
    const privateIds = observed.built.subnets.filter((s) => s.kind === 'private').map((s) => s.subnetId).sort();
    const privateTable = observed.routeTables.find((t) => t.Associations?.some((a) => a.SubnetId === privateIds[0])) ?? assert.fail('no private route table');
    assert.notEqual(privateTable.RouteTableId, mainTable(observed).RouteTableId);
    assert.deepEqual(privateTable.Associations?.map((a) => a.SubnetId).sort(), privateIds);
    assert.equal(routeTo(privateTable, '0.0.0.0/0'), undefined);
    assert.deepEqual(privateTable.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId]), [['10.10.0.0/16', 'local']]);
  });

  it('leaves the public subnets on the main table, which routes 0.0.0.0/0 to the internet gateway', async () => {
    await assertInternetRoute(emulator, observed);
    const explicit = observed.routeTables.flatMap((t) => t.Associations ?? []).filter((a) => a.Main !== true).map((a) => a.SubnetId);
    for (const subnet of observed.built.subnets.filter((s) => s.kind === 'public')) assert.ok(!explicit.includes(subnet.subnetId), `${subnet.cidr} uses the main table`);
    assert.equal(observed.routeTables.length, 2);
  });
});
