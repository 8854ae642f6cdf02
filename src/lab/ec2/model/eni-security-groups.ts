import { Ec2ApiError } from '../errors.ts';
import type { Ec2Model } from './model.ts';
import type { SecurityGroup } from './state.ts';
import { resourceNotFound } from './tags.ts';

/** The VPC's `default` security group, if it has one. */
export function defaultGroupOf(model: Ec2Model, vpcId: string): SecurityGroup | undefined {
  for (const group of model.state.securityGroups.values()) {
    if (group.vpcId === vpcId && group.groupName === 'default') return group;
  }
  return undefined;
}

/**
 * The security groups of a new or modified ENI in `vpcId`: the given ids (deduplicated, in order), or
 * the VPC's default group when none are given. `InvalidGroup.NotFound` for an unknown id, and AWS's
 * "belong to different networks" `InvalidParameterValue` for a group of another VPC.
 */
export function resolveSecurityGroups(
  model: Ec2Model,
  where: { vpcId: string; subnetId: string },
  groupIds: readonly string[] | undefined,
): string[] {
  if (groupIds === undefined || groupIds.length === 0) {
    const group = defaultGroupOf(model, where.vpcId);
    return group === undefined ? [] : [group.groupId];
  }
  const unique = [...new Set(groupIds)];
  for (const groupId of unique) {
    const group = model.state.securityGroups.get(groupId);
    if (group === undefined) throw resourceNotFound('security-group', groupId);
    if (group.vpcId !== where.vpcId) {
      throw new Ec2ApiError('InvalidParameterValue', `Security group ${groupId} and subnet ${where.subnetId} belong to different networks.`);
    }
  }
  return unique;
}
