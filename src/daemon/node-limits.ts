/**
 * The node's limits and targets: ENI and address limits from the shipped table (EC2 `DescribeInstanceTypes`
 * for types it does not know), the pool mode in effect, max pods and the warm-pool targets.
 */
import type { DaemonConfig } from '../core/config/index.ts';
import { instanceLimits } from '../core/limits/instance-limits.ts';
import type { InstanceLimits } from '../core/limits/instance-limits.ts';
import { ipamdMaxPods, ipamdPoolMode } from '../core/limits/max-pods.ts';
import type { PoolMode } from '../core/limits/max-pods.ts';
import { poolTargets } from '../core/warm-pool/index.ts';
import type { PoolTargets } from '../core/warm-pool/index.ts';
import type { Ec2Api } from '../ports/ec2-api.ts';

/** Limits, mode, max pods and targets of the node. */
export interface NodeLimits {
  readonly limits: InstanceLimits;
  readonly poolMode: PoolMode;
  readonly maxPods: number;
  readonly targets: PoolTargets;
}

/**
 * The type's limits from the table, else from EC2 (upstream falls back to `DescribeInstanceTypes`, whose
 * instance-wide ENI count it uses). Throws when neither knows the type: the daemon cannot size its pool.
 */
export async function resolveInstanceLimits(instanceType: string, ec2: Ec2Api | undefined): Promise<InstanceLimits> {
  const known = instanceLimits(instanceType);
  if (known !== undefined) return known;
  const described = ec2 === undefined ? undefined : await ec2.describeInstanceType(instanceType);
  if (described === undefined) {
    throw new Error(`Cannot size the pool: instance type "${instanceType}" is in neither the limits table nor EC2's DescribeInstanceTypes`);
  }
  const hypervisorType = described.hypervisor === 'nitro' || described.hypervisor === 'xen' ? described.hypervisor : 'unknown';
  return {
    instanceType,
    eniLimit: described.eniLimit,
    ipv4Limit: described.ipv4Limit,
    defaultNetworkCardIndex: 0,
    networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: described.eniLimit }],
    hypervisorType,
    isBareMetal: described.bareMetal,
  };
}

/**
 * Mode, max pods and targets. Max pods comes from outside (kubelet capacity) when given, else (standalone)
 * from the limits formula of the mode in effect, with MAX_ENI and custom networking applied.
 */
export function nodeLimits(config: DaemonConfig, limits: InstanceLimits, maxPodsOverride: number | undefined): NodeLimits {
  const poolMode = ipamdPoolMode(limits, config.poolMode === 'prefix');
  const maxPods = maxPodsOverride ?? ipamdMaxPods({
    limits,
    prefixDelegation: config.poolMode === 'prefix',
    ...(config.maxEni === undefined ? {} : { maxEni: config.maxEni }),
    customNetworking: config.customNetworking.enabled,
  });
  const targets = poolTargets({
    poolMode,
    ...config.warmTargets,
    maxEni: config.maxEni,
    customNetworking: config.customNetworking.enabled,
    podEni: config.podEni,
    eniLimit: limits.eniLimit,
    ipv4Limit: limits.ipv4Limit,
    maxPods,
  });
  return { limits, poolMode, maxPods, targets };
}
