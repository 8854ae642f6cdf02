/**
 * Security groups and tags of the EC2 emulator against the real `@aws-sdk/client-ec2`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { IpPermission } from '@aws-sdk/client-ec2';
import { NETWORK_ACTIONS } from '../../src/lab/ec2/actions/network-actions.ts';
import type { TestEmulator } from './harness.ts';
import { startTestEmulator } from './harness.ts';
import { putEni, rejectsWithCode } from './network-helpers.ts';

let emu: TestEmulator;
let vpcId: string;

before(async () => {
  emu = await startTestEmulator({ actions: NETWORK_ACTIONS });
  vpcId = (await emu.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
});

after(async () => {
  await emu.close();
});

const SSH: IpPermission = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'admins' }] };

test('the default security group of a new VPC allows all egress and all ingress from itself', async () => {
  const { SecurityGroups } = await emu.ec2.send(new DescribeSecurityGroupsCommand({
    Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }],
  }));
  const group = SecurityGroups?.[0];
  assert.equal(SecurityGroups?.length, 1);
  assert.equal(group?.Description, 'default VPC security group');
  assert.deepEqual(group?.IpPermissions, [
    { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: group?.GroupId, UserId: '123456789012' }] },
  ]);
  assert.deepEqual(group?.IpPermissionsEgress, [
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
  await rejectsWithCode(emu.ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId! })), 'CannotDelete');
});

test('CreateSecurityGroup requires a description and a unique name in the VPC', async () => {
  const created = await emu.ec2.send(new CreateSecurityGroupCommand({
    GroupName: 'web',
    Description: 'web servers',
    VpcId: vpcId,
    TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'tier', Value: 'web' }] }],
  }));
  assert.match(created.GroupId ?? '', /^sg-0[0-9a-f]{16}$/);
  assert.deepEqual(created.Tags, [{ Key: 'tier', Value: 'web' }]);
  await rejectsWithCode(
    emu.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again', VpcId: vpcId })),
    'InvalidGroup.Duplicate',
    new RegExp(`The security group 'web' already exists for VPC '${vpcId}'`),
  );
  await rejectsWithCode(emu.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'nodesc', Description: '', VpcId: vpcId })), 'MissingParameter');
  const { SecurityGroups } = await emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
  assert.deepEqual(SecurityGroups?.map((g) => [g.GroupName, g.Description, g.VpcId, g.OwnerId]), [['web', 'web servers', vpcId, '123456789012']]);
  assert.deepEqual(SecurityGroups?.[0]?.IpPermissions, []);
  await rejectsWithCode(emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0000000000000dead'] })), 'InvalidGroup.NotFound');
  await rejectsWithCode(emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['no-such-group'] })), 'InvalidGroup.NotFound');
});

test('AuthorizeSecurityGroupIngress/Egress add rules with sgr ids; duplicates and unknown rules are refused', async () => {
  const groupId = (await emu.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'databases', VpcId: vpcId }))).GroupId!;
  const peerId = (await emu.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'apps', VpcId: vpcId }))).GroupId!;
  const ingress = await emu.ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId,
    IpPermissions: [SSH, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peerId }] }],
  }));
  assert.equal(ingress.Return, true);
  assert.equal(ingress.SecurityGroupRules?.length, 2);
  const [sshRule, pgRule] = ingress.SecurityGroupRules ?? [];
  assert.match(sshRule?.SecurityGroupRuleId ?? '', /^sgr-0[0-9a-f]{16}$/);
  assert.deepEqual(
    [sshRule?.GroupId, sshRule?.IsEgress, sshRule?.IpProtocol, sshRule?.FromPort, sshRule?.ToPort, sshRule?.CidrIpv4, sshRule?.Description],
    [groupId, false, 'tcp', 22, 22, '10.0.0.0/8', 'admins'],
  );
  assert.equal(pgRule?.ReferencedGroupInfo?.GroupId, peerId);
  await rejectsWithCode(emu.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] })), 'InvalidPermission.Duplicate');
  const legacy = await emu.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.0.0.0/16' }));
  assert.equal(legacy.SecurityGroupRules?.[0]?.IpProtocol, 'udp');
  const egress = await emu.ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: groupId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  }));
  assert.equal(egress.SecurityGroupRules?.[0]?.IsEgress, true);

  const { SecurityGroups } = await emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const group = SecurityGroups?.[0];
  assert.deepEqual(group?.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges?.map((r) => r.CidrIp), p.UserIdGroupPairs?.map((g) => g.GroupId)]), [
    ['tcp', 22, 22, ['10.0.0.0/8'], []],
    ['tcp', 5432, 5432, [], [peerId]],
    ['udp', 53, 53, ['10.0.0.0/16'], []],
  ]);
  assert.equal(group?.IpPermissions?.[0]?.IpRanges?.[0]?.Description, 'admins');
  assert.deepEqual(group?.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.FromPort]), [['-1', undefined], ['tcp', 443]]);
  const filtered = await emu.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.group-id', Values: [peerId] }] }));
  assert.deepEqual(filtered.SecurityGroups?.map((g) => g.GroupId), [groupId]);

  const revoked = await emu.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] }));
  assert.equal(revoked.Return, true);
  await rejectsWithCode(emu.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] })), 'InvalidPermission.NotFound');
  await emu.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await emu.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [pgRule.SecurityGroupRuleId!] }));
  const after = (await emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
  assert.deepEqual(after?.IpPermissions?.map((p) => p.IpProtocol), ['udp']);
  assert.deepEqual(after?.IpPermissionsEgress?.map((p) => p.FromPort), [443]);
  await emu.ec2.send(new DeleteSecurityGroupCommand({ GroupId: peerId }));
  await rejectsWithCode(emu.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [peerId] })), 'InvalidGroup.NotFound');
});

test('CreateTags, DescribeTags and DeleteTags work across resource types and enforce AWS limits', async () => {
  const subnetId = (await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.9.0/24' }))).Subnet!.SubnetId!;
  const eni = putEni(emu.model, subnetId, ['10.0.9.10']);
  await emu.ec2.send(new CreateTagsCommand({ Resources: [vpcId, subnetId, eni.networkInterfaceId], Tags: [{ Key: 'cluster', Value: 'lab' }] }));
  const { Vpcs } = await emu.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:cluster', Values: ['lab'] }] }));
  assert.deepEqual(Vpcs?.map((v) => v.VpcId), [vpcId]);
  const tagged = await emu.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['cluster'] }] }));
  assert.deepEqual(
    new Set(tagged.Tags?.map((t) => `${t.ResourceType}:${t.ResourceId}:${t.Key}=${t.Value}`)),
    new Set([`vpc:${vpcId}:cluster=lab`, `subnet:${subnetId}:cluster=lab`, `network-interface:${eni.networkInterfaceId}:cluster=lab`]),
  );
  await emu.ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: ['a', 'b', 'c'].map((Key) => ({ Key, Value: Key })) }));
  const page = await emu.ec2.send(new DescribeTagsCommand({ MaxResults: 5 }));
  assert.equal(page.Tags?.length, 5);
  assert.ok(page.NextToken);
  const rest = await emu.ec2.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: page.NextToken }));
  const all = await emu.ec2.send(new DescribeTagsCommand({}));
  assert.deepEqual([...(page.Tags ?? []), ...(rest.Tags ?? [])], all.Tags);
  assert.equal(rest.NextToken, undefined);
  await rejectsWithCode(emu.ec2.send(new DescribeTagsCommand({ MaxResults: 2 })), 'InvalidParameterValue');
  await rejectsWithCode(
    emu.ec2.send(new CreateTagsCommand({ Resources: ['eni-0000000000000dead'], Tags: [{ Key: 'a', Value: 'b' }] })),
    'InvalidNetworkInterfaceID.NotFound',
  );
  await rejectsWithCode(emu.ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:owner', Value: 'me' }] })), 'InvalidParameterValue');
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejectsWithCode(emu.ec2.send(new CreateTagsCommand({ Resources: [subnetId], Tags: many })), 'TagLimitExceeded');
  await emu.ec2.send(new DeleteTagsCommand({ Resources: [subnetId], Tags: [{ Key: 'cluster' }] }));
  const left = await emu.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [subnetId] }] }));
  assert.deepEqual(left.Tags, []);
  await rejectsWithCode(emu.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue');
});
