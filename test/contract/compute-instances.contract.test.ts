/**
 * RunInstances, DescribeInstances, TerminateInstances and DescribeInstanceTypes of the EC2 emulator
 * against the real `@aws-sdk/client-ec2`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { _InstanceType, RunInstancesCommandOutput } from '@aws-sdk/client-ec2';
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
  paginateDescribeInstances,
  paginateDescribeInstanceTypes,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { checkInvariants } from '../../src/lab/ec2/model/invariants.ts';
import { launch, newNetwork } from './compute-helpers.ts';
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

type RunInput = ConstructorParameters<typeof RunInstancesCommand>[0];

/** RunInstances of one t3.medium unless told otherwise; `InstanceType` may be any text (to test bad ones). */
function run(input: Omit<Partial<RunInput>, 'InstanceType'> & { InstanceType?: string }): Promise<RunInstancesCommandOutput> {
  const { InstanceType, ...rest } = input;
  return emu.ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', MinCount: 1, MaxCount: 1, InstanceType: (InstanceType ?? 't3.medium') as _InstanceType, ...rest }),
  );
}

async function describeInstance(instanceId: string) {
  const reply = await emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = reply.Reservations?.[0]?.Instances?.[0];
  assert.ok(instance !== undefined);
  return instance;
}

test('RunInstances launches a reservation whose instances the SDK reads in full', async () => {
  const { vpcId, subnetIds: [publicSubnet = ''] } = await newNetwork(emu, '10.20.0.0/16', [{ cidr: '10.20.0.0/24', zone: 'us-west-2c', mapPublicIpOnLaunch: true }]);
  const reply = await emu.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 'm6g.large',
      MinCount: 2,
      MaxCount: 3,
      SubnetId: publicSubnet,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'node' }] },
        { ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'primary' }] },
      ],
    }),
  );
  assert.match(reply.ReservationId ?? '', /^r-0[0-9a-f]{16}$/);
  assert.equal(reply.OwnerId, '123456789012');
  assert.equal(reply.Groups?.[0]?.GroupName, 'default');
  const instances = reply.Instances ?? [];
  assert.equal(instances.length, 3);
  const [first] = instances;
  assert.ok(first !== undefined);
  assert.deepEqual(first.State, { Code: 0, Name: 'pending' });
  assert.equal(first.InstanceType, 'm6g.large');
  assert.equal(first.Architecture, 'arm64');
  assert.equal(first.Hypervisor, 'xen');
  assert.equal(first.ImageId, 'ami-0abcdef1234567890');
  assert.equal(first.Placement?.AvailabilityZone, 'us-west-2c');
  assert.equal(first.SubnetId, publicSubnet);
  assert.equal(first.VpcId, vpcId);
  assert.ok(first.LaunchTime instanceof Date);
  assert.match(first.PrivateIpAddress ?? '', /^10\.20\.0\.\d+$/);
  assert.equal(first.PrivateDnsName, `ip-${first.PrivateIpAddress?.replaceAll('.', '-')}.us-west-2.compute.internal`);
  assert.match(first.PublicIpAddress ?? '', /^198\.51\.100\.\d+$/);
  assert.deepEqual(first.Tags, [{ Key: 'Name', Value: 'node' }]);
  const nic = first.NetworkInterfaces?.[0];
  assert.equal(nic?.Attachment?.DeviceIndex, 0);
  assert.equal(nic?.Attachment?.NetworkCardIndex, 0);
  assert.equal(nic?.Attachment?.DeleteOnTermination, true);
  assert.equal(nic?.Attachment?.Status, 'attached');
  assert.equal(nic?.Association?.PublicIp, first.PublicIpAddress);
  assert.equal(nic?.PrivateIpAddresses?.[0]?.Association?.PublicIp, first.PublicIpAddress);
  assert.equal(new Set(instances.map((i) => i.PrivateIpAddress)).size, 3);
  assert.equal(new Set(instances.map((i) => i.PublicIpAddress)).size, 3);
  const eni = await emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [nic?.NetworkInterfaceId ?? ''] }));
  assert.deepEqual(eni.NetworkInterfaces?.[0]?.TagSet, [{ Key: 'role', Value: 'primary' }]);
  assert.equal(eni.NetworkInterfaces?.[0]?.Association?.PublicIp, first.PublicIpAddress);
  const running = await describeInstance(first.InstanceId ?? '');
  assert.deepEqual(running.State, { Code: 16, Name: 'running' });
});

test('RunInstances honours AssociatePublicIpAddress, PrivateIpAddress and security groups', async () => {
  const { subnetIds: [privateSubnet = '', publicSubnet = ''] } = await newNetwork(emu, '10.21.0.0/16', [
    { cidr: '10.21.0.0/24' },
    { cidr: '10.21.1.0/24', mapPublicIpOnLaunch: true },
  ]);
  const withIp = await run({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: privateSubnet, AssociatePublicIpAddress: true }] });
  assert.match(withIp.Instances?.[0]?.PublicIpAddress ?? '', /^198\.51\.100\./);
  const without = await run({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: publicSubnet, AssociatePublicIpAddress: false }] });
  assert.equal(without.Instances?.[0]?.PublicIpAddress, undefined);
  const fixed = await run({ SubnetId: privateSubnet, PrivateIpAddress: '10.21.0.100', SecurityGroups: ['default'] });
  assert.equal(fixed.Instances?.[0]?.PrivateIpAddress, '10.21.0.100');
  await rejectsWithCode(run({ SubnetId: privateSubnet, PrivateIpAddress: '10.21.0.100' }), 'InvalidIPAddress.InUse');
  await rejectsWithCode(run({ SubnetId: privateSubnet, PrivateIpAddress: '10.21.0.101', MaxCount: 2 }), 'InvalidParameterCombination');
  await rejectsWithCode(run({ SubnetId: privateSubnet, InstanceType: 't3.gigantic' }), 'InvalidParameterValue', /Invalid value 't3\.gigantic' for InstanceType\./);
  await rejectsWithCode(run({ SubnetId: 'subnet-0123456789abcdef0' }), 'InvalidSubnetID.NotFound');
  await rejectsWithCode(run({}), 'MissingParameter');
  await rejectsWithCode(run({ SubnetId: privateSubnet, SecurityGroupIds: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
  await rejectsWithCode(run({ SubnetId: privateSubnet, ImageId: 'img-1' }), 'InvalidAMIID.Malformed');
  await rejectsWithCode(run({ SubnetId: privateSubnet, MinCount: 3, MaxCount: 2 }), 'InvalidParameterValue');
});

test('RunInstances launches what a /28 subnet can hold and no more', async () => {
  const { subnetIds: [tiny = ''] } = await newNetwork(emu, '10.22.0.0/16', [{ cidr: '10.22.0.0/28' }]);
  await rejectsWithCode(run({ SubnetId: tiny, MinCount: 12, MaxCount: 12 }), 'InsufficientFreeAddressesInSubnet', /subnet-/);
  const most = await run({ SubnetId: tiny, MinCount: 1, MaxCount: 20 });
  assert.equal(most.Instances?.length, 11);
  await rejectsWithCode(run({ SubnetId: tiny }), 'InsufficientFreeAddressesInSubnet');
});

test('DescribeInstances filters, pages and reports unknown ids', async () => {
  const { vpcId, subnetIds: [subnetId = '', zoneB = ''] } = await newNetwork(emu, '10.23.0.0/16', [
    { cidr: '10.23.0.0/24' },
    { cidr: '10.23.1.0/24', zone: 'us-west-2b' },
  ]);
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push(await launch(emu, subnetId, i % 2 === 0 ? 't3.medium' : 'c5.large'));
  const tagged = await run({ SubnetId: zoneB, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'far' }] }] });
  const farId = tagged.Instances?.[0]?.InstanceId ?? '';
  ids.push(farId);
  const byFilter = async (name: string, values: string[]): Promise<string[]> => {
    const reply = await emu.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: name, Values: values }] }));
    return (reply.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId ?? ''));
  };
  const far = await describeInstance(farId);
  assert.deepEqual(await byFilter('instance-id', [farId]), [farId]);
  assert.equal((await byFilter('instance-type', ['c5.large'])).length, 3);
  assert.equal((await byFilter('instance-state-name', ['running'])).length, 7);
  assert.deepEqual(await byFilter('subnet-id', [zoneB]), [farId]);
  assert.deepEqual(await byFilter('availability-zone', ['us-west-2b']), [farId]);
  assert.deepEqual(await byFilter('private-ip-address', [far.PrivateIpAddress ?? '']), [farId]);
  assert.deepEqual(await byFilter('network-interface.network-interface-id', [far.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '']), [farId]);
  assert.deepEqual(await byFilter('tag:Name', ['far']), [farId]);
  assert.deepEqual(await byFilter('tag-key', ['Name']), [farId]);
  await rejectsWithCode(byFilter('bogus', ['x']), 'InvalidParameterValue');
  const pages: number[] = [];
  const seen: string[] = [];
  for await (const page of paginateDescribeInstances({ client: emu.ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
    const instances = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    pages.push(instances.length);
    seen.push(...instances.map((i) => i.InstanceId ?? ''));
  }
  assert.deepEqual(pages, [5, 2]);
  assert.deepEqual(seen, ids);
  await rejectsWithCode(emu.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
  await rejectsWithCode(emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [farId], MaxResults: 5 })), 'InvalidParameterCombination');
  await rejectsWithCode(
    emu.ec2.send(new DescribeInstancesCommand({ InstanceIds: [farId, 'i-0123456789abcdef0'] })),
    'InvalidInstanceID.NotFound',
    /^The instance ID 'i-0123456789abcdef0' does not exist$/,
  );
});

test('TerminateInstances shuts instances down and deletes or frees their ENIs', async () => {
  const { subnetIds: [subnetId = ''] } = await newNetwork(emu, '10.24.0.0/16', [{ cidr: '10.24.0.0/24', mapPublicIpOnLaunch: true }]);
  const instanceId = await launch(emu, subnetId);
  const before = await describeInstance(instanceId);
  const primary = before.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
  const eniIds: string[] = [];
  for (const deviceIndex of [1, 2]) {
    const eni = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? '';
    const { AttachmentId } = await emu.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: deviceIndex }));
    if (deviceIndex === 2) {
      await emu.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attachment: { AttachmentId, DeleteOnTermination: true } }));
    }
    eniIds.push(eniId);
  }
  const reply = await emu.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  assert.deepEqual(reply.TerminatingInstances, [
    { InstanceId: instanceId, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } },
  ]);
  const after = await describeInstance(instanceId);
  assert.deepEqual(after.State, { Code: 48, Name: 'terminated' });
  assert.equal(after.PrivateIpAddress, undefined);
  assert.equal(after.PublicIpAddress, undefined);
  assert.deepEqual(after.NetworkInterfaces, []);
  await rejectsWithCode(emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] })), 'InvalidNetworkInterfaceID.NotFound');
  await rejectsWithCode(emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniIds[1] ?? ''] })), 'InvalidNetworkInterfaceID.NotFound');
  const kept = await emu.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniIds[0] ?? ''] }));
  assert.equal(kept.NetworkInterfaces?.[0]?.Status, 'available');
  const again = await emu.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  assert.deepEqual(again.TerminatingInstances?.[0]?.CurrentState, { Code: 48, Name: 'terminated' });
  const reused = await describeInstance(await launch(emu, subnetId));
  assert.equal(reused.PublicIpAddress, before.PublicIpAddress, 'the released public IP is free again');
  await rejectsWithCode(emu.ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound');
});

test('DescribeInstanceTypes answers the network limits ipamd and max-pods calculators read', async () => {
  const reply = await emu.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.medium', 'p4d.24xlarge', 'a1.metal', 'm4.large'] }));
  const byType = new Map(reply.InstanceTypes?.map((t) => [t.InstanceType, t]));
  const t3 = byType.get('t3.medium');
  assert.equal(t3?.Hypervisor, 'nitro');
  assert.equal(t3?.BareMetal, false);
  assert.equal(t3?.CurrentGeneration, true);
  assert.equal(t3?.VCpuInfo?.DefaultVCpus, 2);
  assert.equal(t3?.MemoryInfo?.SizeInMiB, 4096);
  assert.deepEqual(t3?.ProcessorInfo?.SupportedArchitectures, ['x86_64']);
  assert.equal(t3?.NetworkInfo?.MaximumNetworkInterfaces, 3);
  assert.equal(t3?.NetworkInfo?.Ipv4AddressesPerInterface, 6);
  assert.equal(t3?.NetworkInfo?.Ipv6Supported, true);
  assert.equal(t3?.NetworkInfo?.DefaultNetworkCardIndex, 0);
  assert.deepEqual(t3?.NetworkInfo?.NetworkCards, [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }]);
  assert.equal(t3?.NetworkInfo?.EnaSupport, 'required');
  const p4d = byType.get('p4d.24xlarge');
  assert.equal(p4d?.NetworkInfo?.NetworkCards?.length, 4);
  assert.equal(p4d?.NetworkInfo?.MaximumNetworkInterfaces, 60);
  const metal = byType.get('a1.metal');
  assert.equal(metal?.Hypervisor, undefined);
  assert.equal(metal?.BareMetal, true);
  assert.deepEqual(metal?.ProcessorInfo?.SupportedArchitectures, ['arm64']);
  assert.equal(byType.get('m4.large')?.Hypervisor, 'xen');
  await rejectsWithCode(
    emu.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.medium', 'zz9.plural' as _InstanceType] })),
    'InvalidInstanceType',
    /zz9\.plural/,
  );
  const xenT2 = await emu.ec2.send(
    new DescribeInstanceTypesCommand({ Filters: [{ Name: 'instance-type', Values: ['t2.*'] }, { Name: 'hypervisor', Values: ['xen'] }] }),
  );
  assert.equal(xenT2.InstanceTypes?.length, 7);
  const metals = await emu.ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'bare-metal', Values: ['true'] }], MaxResults: 100 }));
  assert.ok(metals.InstanceTypes?.every((t) => t.BareMetal === true));
  let total = 0;
  for await (const page of paginateDescribeInstanceTypes({ client: emu.ec2, pageSize: 100 }, {})) total += page.InstanceTypes?.length ?? 0;
  assert.equal(total, 1391);
  await rejectsWithCode(emu.ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 101 })), 'InvalidParameterValue');
});
