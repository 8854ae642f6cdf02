/**
 * The compute actions driven through the AWS CLI v2 (/usr/bin/aws): its botocore parser must read
 * every reply, in json, table and text output, and print AWS's error codes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateNetworkInterfaceCommand } from '@aws-sdk/client-ec2';
import { checkInvariants } from '../../src/lab/ec2/model/invariants.ts';
import { newNetwork } from './compute-helpers.ts';
import type { TestEmulator } from './harness.ts';
import { startTestEmulator } from './harness.ts';
import { assertCliError, cliOutput } from './network-helpers.ts';

let emu: TestEmulator;
let vpcId = '';
let subnetId = '';
let publicSubnetId = '';

before(async () => {
  emu = await startTestEmulator();
  const network = await newNetwork(emu, '10.30.0.0/16', [{ cidr: '10.30.0.0/24' }, { cidr: '10.30.1.0/24' }]);
  vpcId = network.vpcId;
  [subnetId = '', publicSubnetId = ''] = network.subnetIds;
});

after(async () => {
  assert.deepEqual(checkInvariants(emu.model), []);
  await emu.close();
});

interface CliInstance {
  InstanceId: string;
  State: { Code: number; Name: string };
  PrivateIpAddress?: string;
  PublicIpAddress?: string;
}

const INSTANCE_TAG = 'node.k8s.amazonaws.com/instance_id';

async function runInstance(extra: string[]): Promise<CliInstance> {
  const reply = cliOutput<{ Instances: CliInstance[] }>(await emu.aws(['run-instances', '--image-id', 'ami-0abcdef1234567890', '--instance-type', 't3.medium', '--count', '1', ...extra]));
  const [instance] = reply.Instances;
  assert.ok(instance !== undefined);
  return instance;
}

test('aws ec2 run-instances, describe-instances and terminate-instances', async () => {
  const node = await runInstance(['--subnet-id', subnetId, '--tag-specifications', 'ResourceType=instance,Tags=[{Key=Name,Value=cli-node}]']);
  assert.deepEqual(node.State, { Code: 0, Name: 'pending' });
  const exposed = await runInstance(['--subnet-id', publicSubnetId, '--associate-public-ip-address']);
  assert.match(exposed.PublicIpAddress ?? '', /^198\.51\.100\.\d+$/);
  assertCliError(await emu.aws(['run-instances', '--image-id', 'ami-1', '--instance-type', 't3.gigantic', '--count', '1', '--subnet-id', subnetId]), 'InvalidParameterValue');

  const devices = cliOutput<number[]>(
    await emu.aws(['describe-instances', '--instance-ids', node.InstanceId, '--query', 'Reservations[0].Instances[0].NetworkInterfaces[].Attachment.DeviceIndex']),
  );
  assert.deepEqual(devices, [0]);
  const table = await emu.aws(['describe-instances', '--instance-ids', node.InstanceId, '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /DescribeInstances/);
  assert.ok(table.stdout.includes(node.InstanceId));
  const text = await emu.aws([
    'describe-instances', '--filters', 'Name=tag:Name,Values=cli-node',
    '--query', 'Reservations[].Instances[].[InstanceId,State.Name,PrivateIpAddress]', '--output', 'text',
  ]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout.trim(), `${node.InstanceId}\trunning\t${node.PrivateIpAddress ?? ''}`);
  const missing = await emu.aws(['describe-instances', '--instance-ids', 'i-0123456789abcdef0']);
  assertCliError(missing, 'InvalidInstanceID.NotFound');
  assert.match(missing.stderr, /The instance ID 'i-0123456789abcdef0' does not exist/);

  const terminated = cliOutput<{ TerminatingInstances: { CurrentState: { Name: string }; PreviousState: { Name: string } }[] }>(
    await emu.aws(['terminate-instances', '--instance-ids', exposed.InstanceId]),
  );
  assert.equal(terminated.TerminatingInstances[0]?.CurrentState.Name, 'shutting-down');
  assert.equal(terminated.TerminatingInstances[0]?.PreviousState.Name, 'running');
});

test('aws ec2 drives the ipamd ENI calls end to end', async () => {
  const node = await runInstance(['--subnet-id', subnetId]);
  const created = cliOutput<{ NetworkInterface: { NetworkInterfaceId: string; Status: string; PrivateIpAddresses: unknown[]; TagSet: unknown[] } }>(
    await emu.aws([
      'create-network-interface', '--subnet-id', subnetId, '--description', `aws-K8S-${node.InstanceId}`,
      '--secondary-private-ip-address-count', '2',
      '--tag-specifications', `ResourceType=network-interface,Tags=[{Key=${INSTANCE_TAG},Value=${node.InstanceId}}]`,
    ]),
  );
  const eniId = created.NetworkInterface.NetworkInterfaceId;
  assert.equal(created.NetworkInterface.Status, 'available');
  assert.equal(created.NetworkInterface.PrivateIpAddresses.length, 3);
  assert.deepEqual(created.NetworkInterface.TagSet, [{ Key: INSTANCE_TAG, Value: node.InstanceId }]);

  const attached = cliOutput<{ AttachmentId: string; NetworkCardIndex: number }>(
    await emu.aws(['attach-network-interface', '--network-interface-id', eniId, '--instance-id', node.InstanceId, '--device-index', '1']),
  );
  assert.match(attached.AttachmentId, /^eni-attach-0[0-9a-f]{16}$/);
  assert.equal(attached.NetworkCardIndex, 0);
  const modified = await emu.aws([
    'modify-network-interface-attribute', '--network-interface-id', eniId, '--attachment', `AttachmentId=${attached.AttachmentId},DeleteOnTermination=true`,
  ]);
  assert.equal(modified.code, 0, modified.stderr);

  const assigned = cliOutput<{ NetworkInterfaceId: string; AssignedPrivateIpAddresses: { PrivateIpAddress: string }[] }>(
    await emu.aws(['assign-private-ip-addresses', '--network-interface-id', eniId, '--secondary-private-ip-address-count', '3']),
  );
  assert.equal(assigned.NetworkInterfaceId, eniId);
  assert.equal(assigned.AssignedPrivateIpAddresses.length, 3);
  assertCliError(
    await emu.aws(['assign-private-ip-addresses', '--network-interface-id', eniId, '--secondary-private-ip-address-count', '1']),
    'PrivateIpAddressLimitExceeded',
  );
  const released = assigned.AssignedPrivateIpAddresses.map((ip) => ip.PrivateIpAddress);
  const unassigned = await emu.aws(['unassign-private-ip-addresses', '--network-interface-id', eniId, '--private-ip-addresses', ...released]);
  assert.equal(unassigned.code, 0, unassigned.stderr);
  const prefixes = cliOutput<{ AssignedIpv4Prefixes: { Ipv4Prefix: string }[] }>(
    await emu.aws(['assign-private-ip-addresses', '--network-interface-id', eniId, '--ipv4-prefix-count', '2']),
  );
  assert.equal(prefixes.AssignedIpv4Prefixes.length, 2);
  for (const { Ipv4Prefix } of prefixes.AssignedIpv4Prefixes) assert.match(Ipv4Prefix, /^10\.30\.0\.\d+\/28$/);

  const table = await emu.aws(['describe-network-interfaces', '--network-interface-ids', eniId, '--output', 'table']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /DescribeNetworkInterfaces/);
  assert.ok(table.stdout.includes(attached.AttachmentId));

  assertCliError(await emu.aws(['delete-network-interface', '--network-interface-id', eniId]), 'InvalidParameterValue');
  const detached = await emu.aws(['detach-network-interface', '--attachment-id', attached.AttachmentId]);
  assert.equal(detached.code, 0, detached.stderr);
  const deleted = await emu.aws(['delete-network-interface', '--network-interface-id', eniId]);
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await emu.aws(['describe-network-interfaces', '--network-interface-ids', eniId]);
  assertCliError(gone, 'InvalidNetworkInterfaceID.NotFound');
  assert.match(gone.stderr, new RegExp(`The networkInterface ID '${eniId}' does not exist`));
});

test('aws ec2 describe-network-interfaces runs the leaked-ENI scan, pages, and prints text', async () => {
  const leaked: string[] = [];
  for (let i = 0; i < 12; i++) {
    const tags = i % 3 === 0 ? [{ ResourceType: 'network-interface' as const, Tags: [{ Key: INSTANCE_TAG, Value: 'i-0gone' }] }] : undefined;
    const reply = await emu.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: publicSubnetId, Description: 'aws-K8S-i-0gone', TagSpecifications: tags }));
    if (tags !== undefined) leaked.push(reply.NetworkInterface?.NetworkInterfaceId ?? '');
  }
  const scan = cliOutput<string[]>(
    await emu.aws([
      'describe-network-interfaces',
      '--filters', `Name=tag-key,Values=${INSTANCE_TAG}`, 'Name=status,Values=available', `Name=vpc-id,Values=${vpcId}`, 'Name=subnet-id,Values=' + publicSubnetId,
      '--query', 'NetworkInterfaces[].NetworkInterfaceId',
    ]),
  );
  assert.deepEqual(scan, leaked);
  const paged = cliOutput<string[]>(
    await emu.aws(['describe-network-interfaces', '--filters', 'Name=description,Values=aws-K8S-i-0gone', '--page-size', '5', '--query', 'NetworkInterfaces[].NetworkInterfaceId']),
  );
  assert.equal(paged.length, 12);
  assert.equal(new Set(paged).size, 12);
  const text = await emu.aws([
    'describe-network-interfaces', '--network-interface-ids', leaked[0] ?? '',
    '--query', 'NetworkInterfaces[].[NetworkInterfaceId,Status,Description]', '--output', 'text',
  ]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout.trim(), `${leaked[0] ?? ''}\tavailable\taws-K8S-i-0gone`);
});

test('aws ec2 describe-instance-types answers the max-pods-calculator query', async () => {
  const info = cliOutput<{ Hypervisor: string; CpuCount: number; NetworkInfo: { MaximumNetworkInterfaces: number; Ipv4AddressesPerInterface: number; NetworkCards: unknown[] } }>(
    await emu.aws([
      'describe-instance-types', '--instance-types', 't3.medium',
      '--query', 'InstanceTypes[0].{Hypervisor: Hypervisor, NetworkInfo: NetworkInfo, CpuCount: VCpuInfo.DefaultVCpus}',
    ]),
  );
  assert.equal(info.Hypervisor, 'nitro');
  assert.equal(info.CpuCount, 2);
  assert.equal(info.NetworkInfo.MaximumNetworkInterfaces, 3);
  assert.equal(info.NetworkInfo.Ipv4AddressesPerInterface, 6);
  assert.equal(info.NetworkInfo.NetworkCards.length, 1);
  assertCliError(await emu.aws(['describe-instance-types', '--instance-types', 'zz9.plural']), 'InvalidInstanceType');
});
