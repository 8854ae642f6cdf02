/**
 * AWS's throttling, permission and capacity errors through the real action table, as both real clients
 * see them: the SDK (error name and HTTP status, and its retry policy) and the AWS CLI (exit code and
 * the code in its message).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AssignPrivateIpAddressesCommand, CreateNetworkInterfaceCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { launch, newNetwork } from './compute-helpers.ts';
import { ec2For, runAwsCli, startTestEmulator, TEST_REGION } from './harness.ts';
import type { TestEmulator } from './harness.ts';

const DENIED_KEY = 'AKIDNOENIS';

let emu: TestEmulator;
let subnetId: string;
let smallSubnetId: string;

before(async () => {
  emu = await startTestEmulator({
    permissions: { deny: { [DENIED_KEY]: ['CreateNetworkInterface', 'ec2:Attach*'] } },
    // Only AssignPrivateIpAddresses/UnassignPrivateIpAddresses are throttled hard, so setup is not.
    throttle: { buckets: { assign: { max: 2, refillPerSecond: 0.001 } } },
  });
  ({ subnetIds: [subnetId = '', smallSubnetId = ''] } = await newNetwork(emu, '10.20.0.0/16', [{ cidr: '10.20.0.0/20' }, { cidr: '10.20.16.0/28' }]));
});

after(async () => emu.close());

function sdkError(error: unknown): { name: string; status: number | undefined } {
  assert.ok(error instanceof Error);
  const status = (error as Error & { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return { name: error.name, status };
}

test('UnauthorizedOperation (403) for an action the caller lacks, through the SDK and the CLI', async () => {
  const denied = ec2For(emu.url, DENIED_KEY);
  try {
    await assert.rejects(denied.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId })), (e) => {
      assert.deepEqual(sdkError(e), { name: 'UnauthorizedOperation', status: 403 });
      assert.match((e as Error).message, /not authorized to perform: ec2:CreateNetworkInterface/);
      return true;
    });
  } finally {
    denied.destroy();
  }
  const cli = await runAwsCli(emu.url, ['create-network-interface', '--subnet-id', subnetId], DENIED_KEY);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /\(UnauthorizedOperation\)/);
  const allowed = await runAwsCli(emu.url, ['describe-subnets', '--subnet-ids', subnetId], DENIED_KEY);
  assert.equal(allowed.code, 0, 'other actions stay allowed');
});

test('DryRunOperation (412) when the caller may act, UnauthorizedOperation when not', async () => {
  await assert.rejects(emu.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', DryRun: true })), (e) => {
    assert.deepEqual(sdkError(e), { name: 'DryRunOperation', status: 412 });
    return true;
  });
  const cli = await runAwsCli(emu.url, ['create-network-interface', '--subnet-id', subnetId, '--dry-run'], DENIED_KEY);
  assert.match(cli.stderr, /\(UnauthorizedOperation\)/);
  const ok = await emu.aws(['create-vpc', '--cidr-block', '10.30.0.0/16', '--dry-run']);
  assert.match(ok.stderr, /\(DryRunOperation\)/);
  assert.equal(emu.model.state.vpcs.size, 1, 'a dry run creates nothing');
});

test('RequestLimitExceeded (503) once the AssignPrivateIpAddresses bucket is empty, for both clients', async () => {
  const instanceId = await launch(emu, subnetId);
  const eniId = emu.model.state.instances.get(instanceId)?.primaryNetworkInterfaceId ?? '';
  const assign = () => emu.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 }));
  await assign();
  await assign();
  await assert.rejects(assign(), (e) => {
    assert.deepEqual(sdkError(e), { name: 'RequestLimitExceeded', status: 503 });
    return true;
  });
  const cli = await emu.aws(['assign-private-ip-addresses', '--network-interface-id', eniId, '--secondary-private-ip-address-count', '1']);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /\(RequestLimitExceeded\)/);
  assert.equal(emu.model.state.networkInterfaces.get(eniId)?.privateIps.length, 3, 'throttled calls changed nothing');
});

test('the SDK standard retry policy rides out throttling as it does on AWS', async () => {
  const throttled = await startTestEmulator({ throttle: { buckets: { mutating: { max: 1, refillPerSecond: 20 } } } });
  const retrying = new EC2Client({ endpoint: throttled.url, region: TEST_REGION, credentials: { accessKeyId: 'AKIDRETRY', secretAccessKey: 'x' }, maxAttempts: 5 });
  try {
    for (let i = 0; i < 4; i++) await retrying.send(new CreateVpcCommand({ CidrBlock: `10.${40 + i}.0.0/16` }));
    assert.equal(throttled.model.state.vpcs.size, 4);
  } finally {
    retrying.destroy();
    await throttled.close();
  }
});

test('the AWS CLI reports AttachmentLimitExceeded, InsufficientFreeAddressesInSubnet and InsufficientCidrBlocks', async () => {
  const instanceId = await launch(emu, subnetId, 't3.nano');
  const extra = await emu.aws(['create-network-interface', '--subnet-id', subnetId, '--query', 'NetworkInterface.NetworkInterfaceId', '--output', 'text']);
  const second = await emu.aws(['create-network-interface', '--subnet-id', subnetId, '--query', 'NetworkInterface.NetworkInterfaceId', '--output', 'text']);
  assert.equal((await emu.aws(['attach-network-interface', '--network-interface-id', extra.stdout.trim(), '--instance-id', instanceId, '--device-index', '1'])).code, 0);
  const third = await emu.aws(['attach-network-interface', '--network-interface-id', second.stdout.trim(), '--instance-id', instanceId, '--device-index', '2']);
  assert.match(third.stderr, /\(AttachmentLimitExceeded\).*t3\.nano/);
  // A /28 has 16 - 5 reserved = 11 addresses, and no /28 prefix can be carved from it.
  const full = await emu.aws(['create-network-interface', '--subnet-id', smallSubnetId, '--secondary-private-ip-address-count', '11']);
  assert.match(full.stderr, /\(InsufficientFreeAddressesInSubnet\)/);
  const noPrefix = await emu.aws(['create-network-interface', '--subnet-id', smallSubnetId, '--ipv4-prefix-count', '1']);
  assert.match(noPrefix.stderr, /\(InsufficientCidrBlocks\)/);
});
