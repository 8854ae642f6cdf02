/**
 * Shared setup of the compute contract tests: a VPC with subnets made through the SDK (the network
 * actions), and instances launched through RunInstances.
 */
import assert from 'node:assert/strict';
import { CreateSubnetCommand, CreateVpcCommand, ModifySubnetAttributeCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { _InstanceType } from '@aws-sdk/client-ec2';
import type { TestEmulator } from './harness.ts';

/** One subnet to create: its CIDR, zone, and whether it maps public IPs on launch. */
export interface SubnetSpec {
  readonly cidr: string;
  readonly zone?: string;
  readonly mapPublicIpOnLaunch?: boolean;
}

/** Creates a VPC and its subnets; returns their ids in order. */
export async function newNetwork(emu: TestEmulator, vpcCidr: string, subnets: readonly SubnetSpec[]): Promise<{ vpcId: string; subnetIds: string[] }> {
  const { Vpc } = await emu.ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }));
  const vpcId = Vpc?.VpcId;
  assert.ok(vpcId !== undefined);
  const subnetIds: string[] = [];
  for (const spec of subnets) {
    const { Subnet } = await emu.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: spec.cidr, AvailabilityZone: spec.zone ?? 'us-west-2a' }));
    const subnetId = Subnet?.SubnetId;
    assert.ok(subnetId !== undefined);
    if (spec.mapPublicIpOnLaunch === true) {
      await emu.ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
    }
    subnetIds.push(subnetId);
  }
  return { vpcId, subnetIds };
}

/** Launches one instance of `instanceType` in the subnet and returns its id. */
export async function launch(emu: TestEmulator, subnetId: string, instanceType = 't3.medium'): Promise<string> {
  const reply = await emu.ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', InstanceType: instanceType as _InstanceType, MinCount: 1, MaxCount: 1, SubnetId: subnetId }),
  );
  const instanceId = reply.Instances?.[0]?.InstanceId;
  assert.ok(instanceId !== undefined);
  return instanceId;
}

/** The id quoted in an `InvalidNetworkInterfaceID.NotFound` message, parsed as ipamd's `badENIID` does. */
export function quotedId(message: string): string | undefined {
  return /'([a-zA-Z0-9-]+)'/.exec(message)?.[1];
}
