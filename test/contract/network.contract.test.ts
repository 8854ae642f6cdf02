/**
 * The network actions of the EC2 emulator against the real `@aws-sdk/client-ec2`: every field the
 * SDK parses out of the XML replies, and AWS's error codes as the SDK's `error.name`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import { NETWORK_ACTIONS } from '../../src/lab/ec2/actions/network-actions.ts';
import type { TestEmulator } from './harness.ts';
import { startTestEmulator } from './harness.ts';
import { putEni, rejectsWithCode } from './network-helpers.ts';

let emu: TestEmulator;

before(async () => {
  emu = await startTestEmulator({ actions: NETWORK_ACTIONS });
});

after(async () => {
  await emu.close();
});

async function newVpc(cidr = '10.0.0.0/16'): Promise<string> {
  const { Vpc } = await emu.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  return Vpc!.VpcId!;
}

test('DescribeAvailabilityZones lists the region zones with ids and honours filters', async () => {
  const all = await emu.ec2.send(new DescribeAvailabilityZonesCommand({}));
  assert.deepEqual(all.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State, z.RegionName]), [
    ['us-west-2a', 'usw2-az1', 'available', 'us-west-2'],
    ['us-west-2b', 'usw2-az2', 'available', 'us-west-2'],
    ['us-west-2c', 'usw2-az3', 'available', 'us-west-2'],
    ['us-west-2d', 'usw2-az4', 'available', 'us-west-2'],
  ]);
  assert.equal(all.AvailabilityZones?.[0]?.ZoneType, 'availability-zone');
  const one = await emu.ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['usw2-az3'] }] }));
  assert.deepEqual(one.AvailabilityZones?.map((z) => z.ZoneName), ['us-west-2c']);
  const named = await emu.ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-west-2d'] }));
  assert.deepEqual(named.AvailabilityZones?.map((z) => z.ZoneId), ['usw2-az4']);
  await rejectsWithCode(emu.ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-west-2z'] })), 'InvalidParameterValue');
  await rejectsWithCode(
    emu.ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'x', Values: ['y'] }] })),
    'InvalidParameterValue',
    /The filter 'x' is invalid/,
  );
});

test('CreateVpc returns every VPC field and creates the main route table', async () => {
  const { Vpc } = await emu.ec2.send(new CreateVpcCommand({
    CidrBlock: '10.0.0.0/16',
    TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'sdk' }] }],
  }));
  assert.match(Vpc?.VpcId ?? '', /^vpc-0[0-9a-f]{16}$/);
  assert.equal(Vpc?.CidrBlock, '10.0.0.0/16');
  assert.equal(Vpc?.State, 'available');
  assert.equal(Vpc?.IsDefault, false);
  assert.equal(Vpc?.OwnerId, '123456789012');
  assert.equal(Vpc?.InstanceTenancy, 'default');
  assert.match(Vpc?.DhcpOptionsId ?? '', /^dopt-/);
  assert.equal(Vpc?.CidrBlockAssociationSet?.[0]?.CidrBlock, '10.0.0.0/16');
  assert.equal(Vpc?.CidrBlockAssociationSet?.[0]?.CidrBlockState?.State, 'associated');
  assert.deepEqual(Vpc?.Tags, [{ Key: 'Name', Value: 'sdk' }]);
  const tables = await emu.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpc.VpcId!] }] }));
  assert.equal(tables.RouteTables?.length, 1);
  assert.equal(tables.RouteTables?.[0]?.Associations?.[0]?.Main, true);
  assert.deepEqual(tables.RouteTables?.[0]?.Routes, [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
  ]);
  await rejectsWithCode(emu.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range', /The CIDR '10.0.0.0\/8' is invalid./);
  await rejectsWithCode(
    emu.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', TagSpecifications: [{ ResourceType: 'subnet', Tags: [] }] })),
    'InvalidParameterValue',
  );
});

test('DescribeVpcs selects by id and filter, pages with MaxResults/NextToken, and reports unknown ids', async () => {
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await newVpc(`10.${100 + i}.0.0/16`));
  const byId = await emu.ec2.send(new DescribeVpcsCommand({ VpcIds: [ids[2]!] }));
  assert.deepEqual(byId.Vpcs?.map((v) => v.CidrBlock), ['10.102.0.0/16']);
  const byFilter = await emu.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.10?.0.0/16'] }] }));
  assert.equal(byFilter.Vpcs?.length, 6);
  const first = await emu.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
  assert.equal(first.Vpcs?.length, 5);
  assert.ok(first.NextToken);
  const rest = await emu.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken: first.NextToken }));
  const total = await emu.ec2.send(new DescribeVpcsCommand({}));
  assert.equal(5 + (rest.Vpcs?.length ?? 0), total.Vpcs?.length);
  assert.equal(rest.NextToken, undefined);
  await rejectsWithCode(emu.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] })), 'InvalidVpcID.NotFound');
  await rejectsWithCode(emu.ec2.send(new DescribeVpcsCommand({ MaxResults: 4 })), 'InvalidParameterValue');
});

test('AssociateVpcCidrBlock adds a secondary CIDR, its local routes, and enforces overlap and the limit', async () => {
  const vpcId = await newVpc();
  const reply = await emu.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '100.64.0.0/16' }));
  assert.equal(reply.VpcId, vpcId);
  assert.equal(reply.CidrBlockAssociation?.CidrBlock, '100.64.0.0/16');
  assert.equal(reply.CidrBlockAssociation?.CidrBlockState?.State, 'associated');
  assert.match(reply.CidrBlockAssociation?.AssociationId ?? '', /^vpc-cidr-assoc-/);
  const { Vpcs } = await emu.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  assert.deepEqual(Vpcs?.[0]?.CidrBlockAssociationSet?.map((a) => a.CidrBlock), ['10.0.0.0/16', '100.64.0.0/16']);
  const { RouteTables } = await emu.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(RouteTables?.[0]?.Routes?.map((r) => r.DestinationCidrBlock), ['10.0.0.0/16', '100.64.0.0/16']);
  await rejectsWithCode(emu.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '100.64.128.0/17' })), 'InvalidVpc.Range');
  for (const cidr of ['100.65.0.0/16', '100.66.0.0/16', '100.67.0.0/16']) {
    await emu.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: cidr }));
  }
  await rejectsWithCode(emu.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '100.68.0.0/16' })), 'CidrLimitExceeded');
});

test('CreateSubnet returns every subnet field and rejects conflicts, out-of-range blocks and unknown zones', async () => {
  const vpcId = await newVpc();
  const { Subnet } = await emu.ec2.send(new CreateSubnetCommand({
    VpcId: vpcId,
    CidrBlock: '10.0.1.0/24',
    AvailabilityZone: 'us-west-2b',
    TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'b' }] }],
  }));
  assert.match(Subnet?.SubnetId ?? '', /^subnet-0[0-9a-f]{16}$/);
  assert.equal(Subnet?.VpcId, vpcId);
  assert.equal(Subnet?.CidrBlock, '10.0.1.0/24');
  assert.equal(Subnet?.AvailabilityZone, 'us-west-2b');
  assert.equal(Subnet?.AvailabilityZoneId, 'usw2-az2');
  assert.equal(Subnet?.AvailableIpAddressCount, 251);
  assert.equal(Subnet?.State, 'available');
  assert.equal(Subnet?.DefaultForAz, false);
  assert.equal(Subnet?.MapPublicIpOnLaunch, false);
  assert.equal(Subnet?.OwnerId, '123456789012');
  assert.equal(Subnet?.SubnetArn, `arn:aws:ec2:us-west-2:123456789012:subnet/${Subnet?.SubnetId}`);
  assert.deepEqual(Subnet?.Tags, [{ Key: 'Name', Value: 'b' }]);
  const byZoneId = await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZoneId: 'usw2-az4' }));
  assert.equal(byZoneId.Subnet?.AvailabilityZone, 'us-west-2d');
  const send = (input: { CidrBlock: string; AvailabilityZone?: string }): Promise<unknown> =>
    emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, ...input }));
  await rejectsWithCode(send({ CidrBlock: '10.0.1.128/25' }), 'InvalidSubnet.Conflict', /conflicts with another subnet/);
  await rejectsWithCode(send({ CidrBlock: '10.1.0.0/24' }), 'InvalidSubnet.Range');
  await rejectsWithCode(send({ CidrBlock: '10.0.3.0/29' }), 'InvalidSubnet.Range');
  await rejectsWithCode(send({ CidrBlock: '10.0.3.0/24', AvailabilityZone: 'us-east-1a' }), 'InvalidParameterValue');
  await rejectsWithCode(emu.ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0000000000000dead', CidrBlock: '10.0.3.0/24' })), 'InvalidVpcID.NotFound');
});

test('DescribeSubnets filters, and its AvailableIpAddressCount follows the ENIs of the subnet', async () => {
  const vpcId = await newVpc();
  const a = (await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-west-2a' }))).Subnet!;
  const b = (await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/28', AvailabilityZone: 'us-west-2c' }))).Subnet!;
  const filtered = async (name: string, values: string[]): Promise<(string | undefined)[]> =>
    (await emu.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: name, Values: values }] }))).Subnets?.map(
      (s) => s.SubnetId,
    ) ?? [];
  assert.deepEqual(await filtered('availability-zone', ['us-west-2c']), [b.SubnetId]);
  assert.deepEqual(await filtered('availability-zone-id', ['usw2-az1']), [a.SubnetId]);
  assert.deepEqual(await filtered('cidr-block', ['10.0.0.0/24']), [a.SubnetId]);
  assert.deepEqual(await filtered('state', ['available']), [a.SubnetId, b.SubnetId]);
  putEni(emu.model, a.SubnetId!, ['10.0.0.10', '10.0.0.11', '10.0.0.12']);
  const { Subnets } = await emu.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [a.SubnetId!] }));
  assert.equal(Subnets?.[0]?.AvailableIpAddressCount, 248);
  await emu.ec2.send(new ModifySubnetAttributeCommand({ SubnetId: b.SubnetId!, MapPublicIpOnLaunch: { Value: true } }));
  assert.deepEqual(await filtered('map-public-ip-on-launch', ['true']), [b.SubnetId]);
  await rejectsWithCode(emu.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0000000000000dead'] })), 'InvalidSubnetID.NotFound');
  await rejectsWithCode(emu.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })), 'InvalidParameterValue');
  await rejectsWithCode(emu.ec2.send(new DeleteSubnetCommand({ SubnetId: a.SubnetId! })), 'DependencyViolation');
  await rejectsWithCode(emu.ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
  await emu.ec2.send(new DeleteSubnetCommand({ SubnetId: b.SubnetId! }));
  assert.deepEqual(await filtered('subnet-id', [b.SubnetId!]), []);
});

test('route tables and internet gateways: attach, route 0.0.0.0/0, associate, detach and delete', async () => {
  const vpcId = await newVpc();
  const subnetId = (await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }))).Subnet!.SubnetId!;
  const { InternetGateway } = await emu.ec2.send(new CreateInternetGatewayCommand({
    TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'igw' }] }],
  }));
  const igwId = InternetGateway!.InternetGatewayId!;
  assert.match(igwId, /^igw-0[0-9a-f]{16}$/);
  assert.deepEqual(InternetGateway?.Attachments, []);
  assert.equal(InternetGateway?.OwnerId, '123456789012');
  await emu.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const igws = await emu.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igwId] }));
  assert.deepEqual(igws.InternetGateways?.[0]?.Attachments, [{ State: 'available', VpcId: vpcId }]);
  assert.deepEqual(igws.InternetGateways?.[0]?.Tags, [{ Key: 'Name', Value: 'igw' }]);
  const otherIgw = (await emu.ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await rejectsWithCode(emu.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: otherIgw, VpcId: vpcId })), 'Resource.AlreadyAssociated');

  const { RouteTable } = await emu.ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const rtbId = RouteTable!.RouteTableId!;
  assert.equal(RouteTable?.VpcId, vpcId);
  assert.deepEqual(RouteTable?.Routes?.map((r) => r.GatewayId), ['local']);
  const association = await emu.ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: subnetId }));
  assert.match(association.AssociationId ?? '', /^rtbassoc-/);
  assert.equal(association.AssociationState?.State, 'associated');
  const another = (await emu.ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await rejectsWithCode(emu.ec2.send(new AssociateRouteTableCommand({ RouteTableId: another, SubnetId: subnetId })), 'Resource.AlreadyAssociated');
  const create = await emu.ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
  assert.equal(create.Return, true);
  await rejectsWithCode(
    emu.ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId })),
    'RouteAlreadyExists',
  );
  const bySubnet = await emu.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
  assert.equal(bySubnet.RouteTables?.[0]?.RouteTableId, rtbId);
  assert.deepEqual(bySubnet.RouteTables?.[0]?.Associations?.map((a) => [a.SubnetId, a.Main, a.AssociationState?.State]), [[subnetId, false, 'associated']]);
  const byRoute = await emu.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.gateway-id', Values: [igwId] }] }));
  assert.deepEqual(byRoute.RouteTables?.map((t) => t.RouteTableId), [rtbId]);

  await emu.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const afterDetach = await emu.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }));
  assert.equal(afterDetach.RouteTables?.[0]?.Routes?.find((r) => r.GatewayId === igwId)?.State, 'blackhole');
  await rejectsWithCode(emu.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })), 'Gateway.NotAttached');
  await emu.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId }));
  await rejectsWithCode(emu.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igwId] })), 'InvalidInternetGatewayID.NotFound');
  await emu.ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0' }));
  await rejectsWithCode(emu.ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0' })), 'InvalidRoute.NotFound');
  await rejectsWithCode(emu.ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId })), 'DependencyViolation');
  await emu.ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.AssociationId! }));
  await emu.ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId }));
  await rejectsWithCode(emu.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] })), 'InvalidRouteTableID.NotFound');
});
