/**
 * Small builders for unit tests of the compute model: they insert VPC, subnet and security group
 * records straight into `model.state`, so these tests do not depend on the network actions.
 */
import assert from 'node:assert/strict';
import { Ec2ApiError } from '../errors.ts';
import { Ec2Model } from './model.ts';
import type { Ec2ModelOptions, Scheduler } from './model.ts';
import type { LatencyProfile } from './latency.ts';
import type { SecurityGroup, Subnet, Vpc } from './state.ts';
import { zoneIdOf } from './zones.ts';

/** A VPC record with its `default` security group. */
export function addVpc(model: Ec2Model, cidrBlock = '10.0.0.0/16'): { vpc: Vpc; defaultGroup: SecurityGroup } {
  const vpc: Vpc = {
    vpcId: model.newId('vpc'),
    cidrBlocks: [{ associationId: model.newId('vpc-cidr-assoc'), cidrBlock, state: 'associated' }],
    isDefault: false,
    dhcpOptionsId: 'dopt-00000000',
    tags: new Map(),
  };
  model.state.vpcs.set(vpc.vpcId, vpc);
  const defaultGroup = addSecurityGroup(model, vpc.vpcId, 'default');
  return { vpc, defaultGroup };
}

/** A subnet record; the zone defaults to the region's `a` zone. */
export function addSubnet(
  model: Ec2Model,
  vpcId: string,
  options: { cidrBlock: string; availabilityZone?: string; mapPublicIpOnLaunch?: boolean },
): Subnet {
  const availabilityZone = options.availabilityZone ?? `${model.region}a`;
  const subnet: Subnet = {
    subnetId: model.newId('subnet'),
    vpcId,
    cidrBlock: options.cidrBlock,
    availabilityZone,
    availabilityZoneId: zoneIdOf(model.region, availabilityZone) ?? `${availabilityZone}-id`,
    mapPublicIpOnLaunch: options.mapPublicIpOnLaunch ?? false,
    tags: new Map(),
  };
  model.state.subnets.set(subnet.subnetId, subnet);
  return subnet;
}

/** A security group record with no rules. */
export function addSecurityGroup(model: Ec2Model, vpcId: string, groupName: string): SecurityGroup {
  const group: SecurityGroup = {
    groupId: model.newId('sg'),
    groupName,
    description: `${groupName} group`,
    vpcId,
    ingress: [],
    egress: [],
    tags: new Map(),
  };
  model.state.securityGroups.set(group.groupId, group);
  return group;
}

/** A fresh model (fast latency, fixed clock) with one VPC and one subnet of the given CIDR. */
export function modelWithSubnet(
  subnetCidr = '10.0.1.0/24',
  options: Ec2ModelOptions = {},
): { model: Ec2Model; vpc: Vpc; subnet: Subnet; defaultGroup: SecurityGroup } {
  const model = new Ec2Model({ clock: () => Date.UTC(2024, 0, 2, 3, 4, 5), ...options });
  const { vpc, defaultGroup } = addVpc(model);
  const subnet = addSubnet(model, vpc.vpcId, { cidrBlock: subnetCidr });
  return { model, vpc, subnet, defaultGroup };
}

/** Asserts that `operation` throws an `Ec2ApiError` with this code (and message, when given). */
export function assertEc2Error(operation: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(operation, (error: unknown) => {
    assert.ok(error instanceof Ec2ApiError, `expected Ec2ApiError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (typeof message === 'string') assert.equal(error.message, message);
    if (message instanceof RegExp) assert.match(error.message, message);
    return true;
  });
}

/** Latencies that make every state change go through the scheduler. */
export const SLOW_LATENCY: LatencyProfile = { attachMs: 10, detachMs: 10, instanceStartMs: 10, apiResponseMs: 0, imdsLagMs: 0 };

/** A scheduler that runs zero-delay tasks at once and queues the others until the test runs them. */
export function manualScheduler(): { scheduler: Scheduler; runAll: () => void; runOne: () => boolean; pending: () => number } {
  const tasks: (() => void)[] = [];
  return {
    scheduler: (delayMs, task) => (delayMs <= 0 ? task() : void tasks.push(task)),
    runAll: () => {
      while (tasks.length > 0) tasks.shift()?.();
    },
    runOne: () => {
      const task = tasks.shift();
      task?.();
      return task !== undefined;
    },
    pending: () => tasks.length,
  };
}
