/**
 * The ENI actions of the EC2 emulator against the real `@aws-sdk/client-ec2`, following the calls
 * ipamd makes (docs: vpc-cni.md section h): create, find a device index, attach, DeleteOnTermination,
 * assign addresses and prefixes up to the limits, the leaked-ENI scan, detach and delete.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand,
  paginateDescribeNetworkInterfaces,
  TerminateInstancesCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import type { ModelEvent } from '../../src/lab/ec2/model/model.ts';
import { checkInvariants } from '../../src/lab/ec2/model/invariants.ts';
import { launch, newNetwork, quotedId } from './compute-helpers.ts';
import type { TestEmulator } from './harness.ts';
import { startTestEmulator } from './harness.ts';
import { rejectsWithCode } from './network-helpers.ts';

let emu: TestEmulator;

before(async () => {
  emu = await startTestEmulator();
});

after(async () => {
  assert.deepEqual(checkInvariants(emu.model), []);
  await emu.close();
});

const CLUSTER_TAG = 'cluster.k8s.amazonaws.com/name';
const INSTANCE_TAG = 'node.k8s.amazonaws.com/instance_id';

/** CreateNetworkInterface as ipamd sends it. */
async function createIpamdEni(subnetId: string, instanceId: string, secondaries: number, groupIds?: string[]): Promise<string> {
  const reply = await emu.ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetId,
      Description: `aws-K8S-${instanceId}`,
      ...(groupIds === undefined ? {} : { Groups: groupIds }),
      ...(secondaries > 0 ? { SecondaryPrivateIpAddressCount: secondaries } : {}),
      TagSpecifications: [
        {
          ResourceType: 'network-interface',
          Tags: [
            { Key: 'node.k8s.amazonaws.com/createdAt', Value: '2024-01-02T03:04:05Z' },
            { Key: INSTANCE_TAG, Value: instanceId },
            { Key: CLUSTER_TAG, Value: 'lab' },
            { Key: 'eks:eni:owner', Value: 'amazon-vpc-cni' },
          ],
        },
      ],
    }),
  );
  const eniId = reply.NetworkInterface?.NetworkInterfaceId;
  assert.ok(eniId !== undefined);
  return eniId;
}

/** The lowest device index not used on card 0, found with DescribeInstances as ipamd does. */
async function freeDeviceIndex(instanceId: string): Promise<number> {
  const reply = await emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const used = new Set(reply.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.map((eni) => eni.Attachment?.DeviceIndex));
  let index = 0;
  while (used.has(index)) index++;
  return index;
}

async function attach(eniId: string, instanceId: string): Promise<string> {
  const reply = await emu.ec2.send(
    new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: await freeDeviceIndex(instanceId), NetworkCardIndex: 0 }),
  );
  assert.equal(reply.NetworkCardIndex, 0);
  assert.match(reply.AttachmentId ?? '', /^eni-attach-/);
  return reply.AttachmentId ?? '';
}

async function describeEni(eniId: string): Promise<NonNullable<Awaited<ReturnType<typeof describeOne>>>> {
  const eni = await describeOne(eniId);
  assert.ok(eni !== undefined);
  return eni;
}

async function describeOne(eniId: string) {
  const reply = await emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
  return reply.NetworkInterfaces?.[0];
}

test('CreateNetworkInterface + AttachNetworkInterface + ModifyNetworkInterfaceAttribute follow the ipamd flow', async () => {
  const { vpcId, subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.1.0.0/16', [{ cidr: '10.1.0.0/20' }]);
  const instanceId = await launch(emu, subnetId, 't3.medium');
  const groups = await emu.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const groupId = groups.SecurityGroups?.[0]?.GroupId ?? '';
  const events: ModelEvent[] = [];
  const unsubscribe = emu.model.subscribe((event) => events.push(event));
  const eniId = await createIpamdEni(subnetId, instanceId, 3, [groupId]);
  const created = await describeEni(eniId);
  assert.equal(created.Status, 'available');
  assert.equal(created.Description, `aws-K8S-${instanceId}`);
  assert.equal(created.PrivateIpAddresses?.length, 4);
  assert.equal(created.PrivateIpAddresses?.filter((ip) => ip.Primary === true).length, 1);
  assert.equal(created.PrivateIpAddress, created.PrivateIpAddresses?.[0]?.PrivateIpAddress);
  assert.match(created.PrivateDnsName ?? '', /^ip-10-1-\d+-\d+\.us-west-2\.compute\.internal$/);
  assert.deepEqual(created.Groups, [{ GroupId: groupId, GroupName: 'default' }]);
  assert.equal(created.VpcId, vpcId);
  assert.equal(created.AvailabilityZone, 'us-west-2a');
  assert.equal(created.InterfaceType, 'interface');
  assert.equal(created.RequesterManaged, false);
  assert.equal(created.SourceDestCheck, true);
  assert.equal(created.OwnerId, '123456789012');
  assert.match(created.MacAddress ?? '', /^02(:[0-9a-f]{2}){5}$/);
  assert.deepEqual(created.Ipv6Addresses, []);
  assert.deepEqual(created.TagSet?.find((tag) => tag.Key === INSTANCE_TAG), { Key: INSTANCE_TAG, Value: instanceId });
  assert.equal(await freeDeviceIndex(instanceId), 1);
  const attachmentId = await attach(eniId, instanceId);
  await emu.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attachment: { AttachmentId: attachmentId, DeleteOnTermination: true } }));
  const attached = await describeEni(eniId);
  assert.equal(attached.Status, 'in-use');
  assert.equal(attached.Attachment?.AttachmentId, attachmentId);
  assert.equal(attached.Attachment?.InstanceId, instanceId);
  assert.equal(attached.Attachment?.InstanceOwnerId, '123456789012');
  assert.equal(attached.Attachment?.DeviceIndex, 1);
  assert.equal(attached.Attachment?.NetworkCardIndex, 0);
  assert.equal(attached.Attachment?.Status, 'attached');
  assert.equal(attached.Attachment?.DeleteOnTermination, true);
  assert.ok(attached.Attachment?.AttachTime instanceof Date);
  assert.equal(await freeDeviceIndex(instanceId), 2);
  unsubscribe();
  assert.ok(events.some((e) => e.type === 'eni-changed' && e.networkInterfaceId === eniId));
  assert.ok(events.some((e) => e.type === 'instance-changed' && e.instanceId === instanceId));

  // t3.medium: 6 IPv4 per ENI. The ENI holds 4; two more fit, the seventh does not.
  const assigned = await emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 2 }));
  assert.equal(assigned.NetworkInterfaceId, eniId);
  assert.equal(assigned.AssignedPrivateIpAddresses?.length, 2);
  await rejectsWithCode(
    emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 })),
    'PrivateIpAddressLimitExceeded',
    /Number of private addresses will exceed limit/,
  );
  assert.equal((await describeEni(eniId)).PrivateIpAddresses?.length, 6);

  // t3.medium: 3 ENIs. The primary and this one make 2; a third attaches, a fourth does not.
  const third = await createIpamdEni(subnetId, instanceId, 0);
  await attach(third, instanceId);
  const fourth = await createIpamdEni(subnetId, instanceId, 0);
  await rejectsWithCode(
    emu.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: fourth, InstanceId: instanceId, DeviceIndex: 3 })),
    'AttachmentLimitExceeded',
    /Interface count 4 exceeds the limit for t3\.medium/,
  );
  await emu.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }));
  assert.equal((await describeEni(eniId)).Status, 'available');
  await emu.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
  await rejectsWithCode(emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })), 'InvalidNetworkInterfaceID.NotFound');
});

test('AssignPrivateIpAddresses delegates /28 prefixes up to the limit on Nitro, never on Xen', async () => {
  const { subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.2.0.0/16', [{ cidr: '10.2.0.0/22' }]);
  const nitro = await launch(emu, subnetId, 't3.medium');
  const eniId = await createIpamdEni(subnetId, nitro, 0);
  await attach(eniId, nitro);
  const first = await emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 3 }));
  assert.equal(first.AssignedIpv4Prefixes?.length, 3);
  for (const { Ipv4Prefix } of first.AssignedIpv4Prefixes ?? []) {
    const last = Number(Ipv4Prefix?.split('/')[0]?.split('.')[3]);
    assert.match(Ipv4Prefix ?? '', /^10\.2\.[0-3]\.\d+\/28$/);
    assert.equal(last % 16, 0);
  }
  await emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 2 }));
  await rejectsWithCode(emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 1 })), 'PrivateIpAddressLimitExceeded');
  const described = await describeEni(eniId);
  assert.equal(described.Ipv4Prefixes?.length, 5);
  const { Subnets } = await emu.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  assert.equal(Subnets?.[0]?.AvailableIpAddressCount, 1024 - 5 - 2 - 5 * 16);
  const drop = described.Ipv4Prefixes?.slice(0, 2).map((p) => p.Ipv4Prefix ?? '') ?? [];
  await emu.ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4Prefixes: drop }));
  assert.equal((await describeEni(eniId)).Ipv4Prefixes?.length, 3);
  await rejectsWithCode(
    emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 1, SecondaryPrivateIpAddressCount: 1 })),
    'InvalidParameterCombination',
  );
  const xen = await launch(emu, subnetId, 'm4.large');
  const xenEni = await createIpamdEni(subnetId, xen, 0);
  await attach(xenEni, xen);
  await rejectsWithCode(emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: xenEni, Ipv4PrefixCount: 1 })), 'InvalidParameterValue', /Nitro/);
});

test('DescribeNetworkInterfaces finds leaked ENIs with the ipamd filters', async () => {
  const { vpcId, subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.3.0.0/16', [{ cidr: '10.3.0.0/24' }]);
  const instanceId = await launch(emu, subnetId);
  const leaked = await createIpamdEni(subnetId, instanceId, 1);
  const inUse = await createIpamdEni(subnetId, instanceId, 1);
  await attach(inUse, instanceId);
  await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: 'someone else' }));
  const filters = [
    { Name: 'tag-key', Values: [INSTANCE_TAG] },
    { Name: 'status', Values: ['available'] },
    { Name: 'vpc-id', Values: [vpcId] },
    { Name: `tag:${CLUSTER_TAG}`, Values: ['lab'] },
  ];
  const found: string[] = [];
  for await (const page of paginateDescribeNetworkInterfaces({ client: emu.ec2 }, { Filters: filters, MaxResults: 1000 })) {
    found.push(...(page.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId ?? ''));
  }
  assert.deepEqual(found, [leaked]);
  const byFilter = async (name: string, values: string[]): Promise<string[]> => {
    const reply = await emu.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: name, Values: values }] }));
    return (reply.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId ?? '');
  };
  const described = await describeEni(inUse);
  const primaryId = (await emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.find(
    (eni) => eni.Attachment?.DeviceIndex === 0,
  )?.NetworkInterfaceId;
  assert.deepEqual(await byFilter('description', ['aws-K8S-*']), [leaked, inUse]);
  assert.deepEqual(await byFilter('attachment.instance-id', [instanceId]), [primaryId, inUse]);
  assert.deepEqual(await byFilter('attachment.device-index', ['1']), [inUse]);
  assert.deepEqual(await byFilter('attachment.attachment-id', [described.Attachment?.AttachmentId ?? '']), [inUse]);
  assert.deepEqual(await byFilter('attachment.status', ['attached']), [primaryId, inUse]);
  assert.deepEqual(await byFilter('mac-address', [described.MacAddress ?? '']), [inUse]);
  assert.deepEqual(await byFilter('private-ip-address', [described.PrivateIpAddress ?? '']), [inUse]);
  assert.deepEqual(await byFilter('addresses.private-ip-address', [described.PrivateIpAddresses?.[1]?.PrivateIpAddress ?? '']), [inUse]);
  assert.deepEqual(await byFilter('network-interface-id', [leaked]), [leaked]);
  assert.equal((await byFilter('subnet-id', [subnetId])).length, 4);
  assert.equal((await byFilter('availability-zone', ['us-west-2b'])).length, 0);
  assert.equal((await byFilter('interface-type', ['interface'])).length, 4);
  assert.equal((await byFilter('owner-id', ['123456789012'])).length, 4);
  assert.equal((await byFilter('group-id', [described.Groups?.[0]?.GroupId ?? ''])).length, 4);
  assert.deepEqual(await byFilter('tag-value', [instanceId]), [leaked, inUse]);
  await rejectsWithCode(byFilter('no-such-filter', ['x']), 'InvalidParameterValue', /The filter 'no-such-filter' is invalid/);
});

test('DescribeNetworkInterfaces pages with MaxResults 5 and reports unknown ids as ipamd expects', async () => {
  const { vpcId, subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.4.0.0/16', [{ cidr: '10.4.0.0/24' }]);
  const created: string[] = [];
  for (let i = 0; i < 12; i++) {
    const reply = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    created.push(reply.NetworkInterface?.NetworkInterfaceId ?? '');
  }
  const pages: number[] = [];
  const seen: string[] = [];
  for await (const page of paginateDescribeNetworkInterfaces({ client: emu.ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
    pages.push(page.NetworkInterfaces?.length ?? 0);
    seen.push(...(page.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId ?? ''));
  }
  assert.deepEqual(pages, [5, 5, 2]);
  assert.deepEqual(seen, created);
  await rejectsWithCode(emu.ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
  await rejectsWithCode(emu.ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: 'garbage' })), 'InvalidPaginationToken');
  await rejectsWithCode(
    emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: created.slice(0, 1), MaxResults: 5 })),
    'InvalidParameterCombination',
  );
  const missing = 'eni-0123456789abcdef0';
  await assert.rejects(emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [created[0] ?? '', missing] })), (error: Error) => {
    assert.equal(error.name, 'InvalidNetworkInterfaceID.NotFound');
    assert.equal(error.message, `The networkInterface ID '${missing}' does not exist`);
    assert.equal(quotedId(error.message), missing);
    return true;
  });
});

test('CreateNetworkInterface reports InsufficientFreeAddressesInSubnet on a full /28 and InsufficientCidrBlocks on a fragmented /26', async () => {
  const { subnetIds: [small = '', fragmented = ''] } = await newNetwork(emu, '10.5.0.0/16', [{ cidr: '10.5.0.0/28' }, { cidr: '10.5.1.0/26' }]);
  // A /28 has 16 - 5 = 11 assignable addresses: a primary and 10 secondaries take them all.
  const full = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: small, SecondaryPrivateIpAddressCount: 10 }));
  assert.equal(full.NetworkInterface?.PrivateIpAddresses?.length, 11);
  const { Subnets } = await emu.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small] }));
  assert.equal(Subnets?.[0]?.AvailableIpAddressCount, 0);
  await rejectsWithCode(emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: small })), 'InsufficientFreeAddressesInSubnet', /subnet-/);
  await rejectsWithCode(
    emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: full.NetworkInterface?.NetworkInterfaceId ?? '', SecondaryPrivateIpAddressCount: 1 })),
    'InsufficientFreeAddressesInSubnet',
  );
  // In a /26 the first and last /28 hold reserved addresses; ENIs at .20 and .40 fragment the other two.
  await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: fragmented, PrivateIpAddress: '10.5.1.20' }));
  const second = await emu.ec2.send(
    new CreateNetworkInterfaceCommand({ SubnetId: fragmented, PrivateIpAddresses: [{ PrivateIpAddress: '10.5.1.40', Primary: true }] }),
  );
  assert.equal(second.NetworkInterface?.PrivateIpAddress, '10.5.1.40');
  await rejectsWithCode(
    emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: fragmented, Ipv4PrefixCount: 1 })),
    'InsufficientCidrBlocks',
    /There are not enough free cidr blocks in the specified subnet/,
  );
  await rejectsWithCode(
    emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: second.NetworkInterface?.NetworkInterfaceId ?? '', Ipv4PrefixCount: 1 })),
    'InsufficientCidrBlocks',
  );
  const after = await emu.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fragmented] }));
  assert.equal(after.Subnets?.[0]?.AvailableIpAddressCount, 64 - 5 - 2);
});

test('CreateNetworkInterface is idempotent per ClientToken and rejects bad arguments', async () => {
  const { subnetIds: [subnetId = '', other = ''] } = await newNetwork(emu, '10.6.0.0/16', [{ cidr: '10.6.0.0/24' }, { cidr: '10.6.1.0/24' }]);
  const first = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ClientToken: 'token-1' }));
  const again = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ClientToken: 'token-1' }));
  assert.equal(again.NetworkInterface?.NetworkInterfaceId, first.NetworkInterface?.NetworkInterfaceId);
  assert.equal(again.ClientToken, 'token-1');
  await rejectsWithCode(emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: other, ClientToken: 'token-1' })), 'IdempotentParameterMismatch');
  const trunk = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, InterfaceType: 'trunk', Ipv4Prefixes: [{ Ipv4Prefix: '10.6.0.64/28' }] }));
  assert.equal(trunk.NetworkInterface?.InterfaceType, 'trunk');
  assert.deepEqual(trunk.NetworkInterface?.Ipv4Prefixes, [{ Ipv4Prefix: '10.6.0.64/28' }]);
  const create = (input: Omit<ConstructorParameters<typeof CreateNetworkInterfaceCommand>[0], 'SubnetId'>, subnet = subnetId): Promise<unknown> =>
    emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, ...input }));
  await rejectsWithCode(create({}, 'subnet-0123456789abcdef0'), 'InvalidSubnetID.NotFound', /The subnet ID 'subnet-0123456789abcdef0' does not exist/);
  await rejectsWithCode(create({ Groups: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
  await rejectsWithCode(create({ SecondaryPrivateIpAddressCount: 2, Ipv4PrefixCount: 1 }), 'InvalidParameterCombination');
  await rejectsWithCode(create({ SecondaryPrivateIpAddressCount: 70 }), 'PrivateIpAddressLimitExceeded');
  await rejectsWithCode(create({ PrivateIpAddress: '10.6.0.70' }), 'InvalidIPAddress.InUse');
  await rejectsWithCode(create({ PrivateIpAddress: '10.6.9.9' }), 'InvalidParameterValue', /does not fall within/);
  await rejectsWithCode(create({ Ipv4Prefixes: [{ Ipv4Prefix: '10.6.0.72/28' }] }), 'InvalidParameterValue');
  await rejectsWithCode(create({ InterfaceType: 'efa' }), 'InvalidParameterValue');
});

test('AttachNetworkInterface, DetachNetworkInterface and DeleteNetworkInterface answer AWS error codes', async () => {
  const { vpcId, subnetIds: [subnetId = '', zoneB = ''] } = await newNetwork(emu, '10.7.0.0/16', [
    { cidr: '10.7.0.0/24' },
    { cidr: '10.7.1.0/24', zone: 'us-west-2b' },
  ]);
  const instanceId = await launch(emu, subnetId, 't3.medium');
  const eniId = await createIpamdEni(subnetId, instanceId, 0);
  const attachmentId = await attach(eniId, instanceId);
  const spare = await createIpamdEni(subnetId, instanceId, 0);
  const send = (deviceIndex: number, eni = spare, instance = instanceId, card?: number): Promise<unknown> =>
    emu.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni, InstanceId: instance, DeviceIndex: deviceIndex, NetworkCardIndex: card }));
  await rejectsWithCode(send(2, eniId), 'InvalidParameterValue', new RegExp(`Interface '${eniId}' is in use`));
  await rejectsWithCode(send(1), 'InvalidParameterValue', new RegExp(`Instance '${instanceId}' already has an interface attached at device index '1'`));
  await rejectsWithCode(send(2, spare, instanceId, 1), 'InvalidParameterValue', /Network card index 1/);
  await rejectsWithCode(send(2, 'eni-0123456789abcdef0'), 'InvalidNetworkInterfaceID.NotFound');
  await rejectsWithCode(send(2, spare, 'i-0123456789abcdef0'), 'InvalidInstanceID.NotFound', /The instance ID 'i-0123456789abcdef0' does not exist/);
  const far = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: zoneB }));
  await rejectsWithCode(send(2, far.NetworkInterface?.NetworkInterfaceId ?? ''), 'InvalidParameterCombination', /availability zone/);
  const crowded = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 6 }));
  await rejectsWithCode(send(2, crowded.NetworkInterface?.NetworkInterfaceId ?? ''), 'PrivateIpAddressLimitExceeded');
  await rejectsWithCode(emu.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })), 'InvalidParameterValue', /is currently in use/);
  await rejectsWithCode(emu.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0' })), 'InvalidNetworkInterfaceID.NotFound');
  const instance = await emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const primaryAttachment = instance.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.Attachment?.AttachmentId;
  await rejectsWithCode(emu.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: primaryAttachment })), 'OperationNotPermitted');
  await rejectsWithCode(emu.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: 'eni-attach-0123456789abcdef0' })), 'InvalidAttachmentID.NotFound');
  await emu.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId, Force: true }));
  await emu.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  await rejectsWithCode(send(1, eniId), 'IncorrectState');
  assert.equal((await describeEni(eniId)).Status, 'available');
  assert.equal(vpcId.startsWith('vpc-'), true);
});

test('ModifyNetworkInterfaceAttribute changes exactly one attribute per call', async () => {
  const { subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.8.0.0/16', [{ cidr: '10.8.0.0/24' }]);
  const eni = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
  const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? '';
  const modify = (input: Omit<ConstructorParameters<typeof ModifyNetworkInterfaceAttributeCommand>[0], 'NetworkInterfaceId'>): Promise<unknown> =>
    emu.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, ...input }));
  await modify({ Description: { Value: 'pods' } });
  await modify({ SourceDestCheck: { Value: false } });
  const group = eni.NetworkInterface?.Groups?.[0]?.GroupId ?? '';
  await modify({ Groups: [group] });
  const described = await describeEni(eniId);
  assert.equal(described.Description, 'pods');
  assert.equal(described.SourceDestCheck, false);
  assert.deepEqual(described.Groups?.map((g) => g.GroupId), [group]);
  await rejectsWithCode(modify({ Description: { Value: 'x' }, SourceDestCheck: { Value: true } }), 'InvalidParameterCombination');
  await rejectsWithCode(modify({}), 'InvalidParameterCombination');
  await rejectsWithCode(modify({ Groups: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
  await rejectsWithCode(modify({ Attachment: { AttachmentId: 'eni-attach-0123456789abcdef0', DeleteOnTermination: true } }), 'InvalidAttachmentID.NotFound');
});

test('AssignPrivateIpAddresses and UnassignPrivateIpAddresses check the addresses they are given', async () => {
  const { subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.9.0.0/16', [{ cidr: '10.9.0.0/24' }]);
  const a = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: '10.9.0.10' }));
  const b = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: '10.9.0.11' }));
  const aId = a.NetworkInterface?.NetworkInterfaceId ?? '';
  const bId = b.NetworkInterface?.NetworkInterfaceId ?? '';
  const assigned = await emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: aId, PrivateIpAddresses: ['10.9.0.50', '10.9.0.51'] }));
  assert.deepEqual(assigned.AssignedPrivateIpAddresses, [{ PrivateIpAddress: '10.9.0.50' }, { PrivateIpAddress: '10.9.0.51' }]);
  const assign = (input: Omit<ConstructorParameters<typeof AssignPrivateIpAddressesCommand>[0], 'NetworkInterfaceId'>, id = bId): Promise<unknown> =>
    emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, ...input }));
  await rejectsWithCode(assign({ PrivateIpAddresses: ['10.9.0.50'] }), 'InvalidIPAddress.InUse');
  await rejectsWithCode(assign({ PrivateIpAddresses: ['10.9.1.50'] }), 'InvalidParameterValue', /does not fall within/);
  await rejectsWithCode(assign({}), 'MissingParameter');
  await rejectsWithCode(assign({ SecondaryPrivateIpAddressCount: 1 }, 'eni-0123456789abcdef0'), 'InvalidNetworkInterfaceID.NotFound');
  await assign({ PrivateIpAddresses: ['10.9.0.50'], AllowReassignment: true });
  assert.deepEqual((await describeEni(aId)).PrivateIpAddresses?.map((ip) => ip.PrivateIpAddress), ['10.9.0.10', '10.9.0.51']);
  assert.deepEqual((await describeEni(bId)).PrivateIpAddresses?.map((ip) => ip.PrivateIpAddress), ['10.9.0.11', '10.9.0.50']);
  const unassign = (input: Omit<ConstructorParameters<typeof UnassignPrivateIpAddressesCommand>[0], 'NetworkInterfaceId'>): Promise<unknown> =>
    emu.ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: aId, ...input }));
  await rejectsWithCode(unassign({ PrivateIpAddresses: ['10.9.0.10'] }), 'InvalidParameterValue', /primary/);
  await rejectsWithCode(unassign({ PrivateIpAddresses: ['10.9.0.50'] }), 'InvalidParameterValue', new RegExp(`Some of the specified addresses are not assigned to interface ${aId}`));
  await rejectsWithCode(unassign({ Ipv4Prefixes: ['10.9.0.64/28'] }), 'InvalidParameterValue');
  await unassign({ PrivateIpAddresses: ['10.9.0.51'] });
  assert.deepEqual((await describeEni(aId)).PrivateIpAddresses?.map((ip) => ip.PrivateIpAddress), ['10.9.0.10']);
});
