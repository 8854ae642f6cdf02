/**
 * The network actions of the EC2 emulator driven by the real AWS CLI v2 (`/usr/bin/aws`), with its
 * JSON, table and text output and its error reporting. CLI runs are slow (about a second each), so
 * each test is a short story that builds on the previous one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NETWORK_ACTIONS } from '../../src/lab/ec2/actions/network-actions.ts';
import type { TestEmulator } from './harness.ts';
import { startTestEmulator } from './harness.ts';
import { assertCliError, cliOutput, putEni } from './network-helpers.ts';

let emu: TestEmulator;
const ids = { vpc: '', subnet: '', igw: '', rtb: '', sg: '' };

before(async () => {
  emu = await startTestEmulator({ actions: NETWORK_ACTIONS });
});

after(async () => {
  await emu.close();
});

interface TagJson {
  Key: string;
  Value: string;
}

test('aws ec2 describe-availability-zones prints the zone ids as text', async () => {
  const result = await emu.aws(['describe-availability-zones', '--query', 'AvailabilityZones[].ZoneId', '--output', 'text']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'usw2-az1\tusw2-az2\tusw2-az3\tusw2-az4');
});

test('aws ec2 create-vpc, associate-vpc-cidr-block and describe-vpcs (table)', async () => {
  const created = cliOutput<{ Vpc: { VpcId: string; CidrBlock: string; State: string; Tags: TagJson[] } }>(
    await emu.aws(['create-vpc', '--cidr-block', '10.50.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=cli}]']),
  );
  ids.vpc = created.Vpc.VpcId;
  assert.equal(created.Vpc.CidrBlock, '10.50.0.0/16');
  assert.equal(created.Vpc.State, 'available');
  assert.deepEqual(created.Vpc.Tags, [{ Key: 'Name', Value: 'cli' }]);
  assertCliError(await emu.aws(['create-vpc', '--cidr-block', '10.0.0.0/8']), 'InvalidVpc.Range');
  const associated = cliOutput<{ CidrBlockAssociation: { CidrBlock: string; CidrBlockState: { State: string } } }>(
    await emu.aws(['associate-vpc-cidr-block', '--vpc-id', ids.vpc, '--cidr-block', '100.64.0.0/16']),
  );
  assert.equal(associated.CidrBlockAssociation.CidrBlock, '100.64.0.0/16');
  assert.equal(associated.CidrBlockAssociation.CidrBlockState.State, 'associated');
  const table = await emu.aws(['describe-vpcs', '--vpc-ids', ids.vpc, '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  for (const text of ['DescribeVpcs', ids.vpc, '10.50.0.0/16', '100.64.0.0/16', 'associated', 'cli']) assert.ok(table.stdout.includes(text), text);
  assertCliError(await emu.aws(['describe-vpcs', '--filters', 'Name=colour,Values=blue']), 'InvalidParameterValue');
});

test('aws ec2 create-subnet, modify-subnet-attribute and describe-subnets with filters', async () => {
  const created = cliOutput<{ Subnet: { SubnetId: string; AvailabilityZone: string; AvailableIpAddressCount: number } }>(
    await emu.aws([
      'create-subnet', '--vpc-id', ids.vpc, '--cidr-block', '100.64.0.0/24', '--availability-zone-id', 'usw2-az2',
      '--tag-specifications', 'ResourceType=subnet,Tags=[{Key=kubernetes.io/role/elb,Value=1}]',
    ]),
  );
  ids.subnet = created.Subnet.SubnetId;
  assert.equal(created.Subnet.AvailabilityZone, 'us-west-2b');
  assert.equal(created.Subnet.AvailableIpAddressCount, 251);
  assertCliError(await emu.aws(['create-subnet', '--vpc-id', ids.vpc, '--cidr-block', '100.64.0.128/25']), 'InvalidSubnet.Conflict');
  const modified = await emu.aws(['modify-subnet-attribute', '--subnet-id', ids.subnet, '--map-public-ip-on-launch']);
  assert.equal(modified.code, 0, modified.stderr);
  putEni(emu.model, ids.subnet, ['100.64.0.10', '100.64.0.11']);
  const described = cliOutput<[number, boolean, string][]>(
    await emu.aws([
      'describe-subnets', '--filters', `Name=vpc-id,Values=${ids.vpc}`, 'Name=tag-key,Values=kubernetes.io/role/elb',
      '--query', 'Subnets[].[AvailableIpAddressCount,MapPublicIpOnLaunch,AvailabilityZoneId]',
    ]),
  );
  assert.deepEqual(described, [[249, true, 'usw2-az2']]);
});

test('aws ec2 internet gateway and route table commands make the subnet public', async () => {
  ids.igw = cliOutput<{ InternetGateway: { InternetGatewayId: string } }>(await emu.aws(['create-internet-gateway'])).InternetGateway.InternetGatewayId;
  const attached = await emu.aws(['attach-internet-gateway', '--internet-gateway-id', ids.igw, '--vpc-id', ids.vpc]);
  assert.equal(attached.code, 0, attached.stderr);
  const attachments = cliOutput<{ State: string; VpcId: string }[]>(
    await emu.aws(['describe-internet-gateways', '--internet-gateway-ids', ids.igw, '--query', 'InternetGateways[0].Attachments']),
  );
  assert.deepEqual(attachments, [{ State: 'available', VpcId: ids.vpc }]);
  ids.rtb = cliOutput<{ RouteTable: { RouteTableId: string } }>(await emu.aws(['create-route-table', '--vpc-id', ids.vpc])).RouteTable.RouteTableId;
  const association = cliOutput<{ AssociationId: string }>(
    await emu.aws(['associate-route-table', '--route-table-id', ids.rtb, '--subnet-id', ids.subnet]),
  );
  assert.match(association.AssociationId, /^rtbassoc-/);
  const route = cliOutput<{ Return: boolean }>(
    await emu.aws(['create-route', '--route-table-id', ids.rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', ids.igw]),
  );
  assert.equal(route.Return, true);
  assertCliError(
    await emu.aws(['create-route', '--route-table-id', ids.rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', ids.igw]),
    'RouteAlreadyExists',
  );
  const tables = cliOutput<{ RouteTables: { RouteTableId: string; Routes: { DestinationCidrBlock: string; GatewayId: string; State: string }[] }[] }>(
    await emu.aws(['describe-route-tables', '--filters', `Name=association.subnet-id,Values=${ids.subnet}`]),
  );
  assert.deepEqual(tables.RouteTables.map((t) => t.RouteTableId), [ids.rtb]);
  assert.deepEqual(tables.RouteTables[0]?.Routes.map((r) => `${r.DestinationCidrBlock}>${r.GatewayId}:${r.State}`), [
    '10.50.0.0/16>local:active',
    '100.64.0.0/16>local:active',
    `0.0.0.0/0>${ids.igw}:active`,
  ]);
});

test('aws ec2 security group commands, with the flat and the --ip-permissions forms', async () => {
  ids.sg = cliOutput<{ GroupId: string }>(
    await emu.aws(['create-security-group', '--group-name', 'web', '--description', 'web servers', '--vpc-id', ids.vpc]),
  ).GroupId;
  assertCliError(
    await emu.aws(['create-security-group', '--group-name', 'web', '--description', 'again', '--vpc-id', ids.vpc]),
    'InvalidGroup.Duplicate',
  );
  const flat = cliOutput<{ Return: boolean; SecurityGroupRules: { SecurityGroupRuleId: string; CidrIpv4: string }[] }>(
    await emu.aws(['authorize-security-group-ingress', '--group-id', ids.sg, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/8']),
  );
  assert.equal(flat.Return, true);
  assert.match(flat.SecurityGroupRules[0]?.SecurityGroupRuleId ?? '', /^sgr-/);
  assert.equal(flat.SecurityGroupRules[0]?.CidrIpv4, '10.0.0.0/8');
  assertCliError(
    await emu.aws(['authorize-security-group-ingress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]']),
    'InvalidPermission.Duplicate',
  );
  const egress = await emu.aws([
    'authorize-security-group-egress', '--group-id', ids.sg,
    '--ip-permissions', 'IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.50.0.2/32,Description=dns}]',
  ]);
  assert.equal(egress.code, 0, egress.stderr);
  const groups = cliOutput<{ IpPermissions: { IpProtocol: string; FromPort: number; IpRanges: { CidrIp: string }[] }[]; IpPermissionsEgress: { IpProtocol: string; IpRanges: { CidrIp: string; Description?: string }[] }[] }[]>(
    await emu.aws(['describe-security-groups', '--group-ids', ids.sg, '--query', 'SecurityGroups']),
  );
  assert.deepEqual(groups[0]?.IpPermissions.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges.map((r) => r.CidrIp)]), [['tcp', 22, ['10.0.0.0/8']]]);
  assert.deepEqual(groups[0]?.IpPermissionsEgress.map((p) => [p.IpProtocol, p.IpRanges]), [
    ['-1', [{ CidrIp: '0.0.0.0/0' }]],
    ['udp', [{ CidrIp: '10.50.0.2/32', Description: 'dns' }]],
  ]);
  const revoke = ['revoke-security-group-ingress', '--group-id', ids.sg, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/8'];
  assert.equal((await emu.aws(revoke)).code, 0);
  assertCliError(await emu.aws(revoke), 'InvalidPermission.NotFound');
});

test('aws ec2 create-tags, describe-tags (text) and delete-tags', async () => {
  const created = await emu.aws(['create-tags', '--resources', ids.vpc, ids.sg, '--tags', 'Key=team,Value=net']);
  assert.equal(created.code, 0, created.stderr);
  const text = await emu.aws(['describe-tags', '--filters', 'Name=key,Values=team', '--output', 'text']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n').sort();
  assert.deepEqual(lines, [`TAGS\tteam\t${ids.sg}\tsecurity-group\tnet`, `TAGS\tteam\t${ids.vpc}\tvpc\tnet`].sort());
  const deleted = await emu.aws(['delete-tags', '--resources', ids.sg, '--tags', 'Key=team']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(emu.model.state.securityGroups.get(ids.sg)?.tags.has('team'), false);
  assertCliError(await emu.aws(['create-tags', '--resources', 'eni-0000000000000dead', '--tags', 'Key=a,Value=b']), 'InvalidNetworkInterfaceID.NotFound');
});
