import { IPS_PER_PREFIX } from '../limits/max-pods.ts';
import type { PoolMode } from '../limits/max-pods.ts';

/** Network cards above 0 always keep one warm and one minimum address (upstream `DefaultWarmIPTarget` etc.). */
const OTHER_CARD_WARM_IP_TARGET = 1;
const OTHER_CARD_MINIMUM_IP_TARGET = 1;

/** What {@link poolTargets} needs: the configured targets, the instance's limits and max pods. */
export interface PoolTargetsInput {
  /** The mode in effect (after `ipamdPoolMode`'s fallback to secondary IPs on non-Nitro types). */
  readonly poolMode: PoolMode;
  readonly warmEniTarget: number;
  readonly warmIpTarget: number;
  readonly minimumIpTarget: number;
  readonly warmPrefixTarget: number;
  /** `MAX_ENI`; undefined when unset. */
  readonly maxEni: number | undefined;
  /** Custom networking: the primary ENI carries no pod addresses. */
  readonly customNetworking: boolean;
  /** `ENABLE_POD_ENI`: one ENI slot is kept for the trunk ENI until it is attached. */
  readonly podEni: boolean;
  /** ENIs of the instance type on its default network card (`ENILimit`). */
  readonly eniLimit: number;
  /** IPv4 addresses per ENI, its primary address included (`IPv4Limit`). */
  readonly ipv4Limit: number;
  /** Max pods of the node (kubelet capacity, or the limits formula). */
  readonly maxPods: number;
  /** The type can have a trunk ENI (vpc-resource-controller's `IsTrunkingCompatible`; unknown types count as yes). */
  readonly trunkingCompatible?: boolean;
  /** The datastore's network card; default 0. */
  readonly networkCard?: number;
}

/** Targets and limits resolved for one datastore: everything the decision functions read. */
export interface PoolTargets {
  readonly poolMode: PoolMode;
  readonly networkCard: number;
  /** Secondary IPs (or prefixes) one ENI can hold: `IPv4Limit - 1`, the ENI's primary address is never a pod's. */
  readonly cidrsPerEni: number;
  /** Pod addresses of a full ENI: `cidrsPerEni`, times 16 in prefix mode (upstream `maxIPsPerENI`). */
  readonly ipsPerEni: number;
  readonly warmEniTarget: number;
  /** WARM_IP_TARGET in effect (1 on network cards above 0). */
  readonly warmIpTarget: number;
  /** MINIMUM_IP_TARGET in effect (1 on network cards above 0). */
  readonly minimumIpTarget: number;
  readonly warmPrefixTarget: number;
  /** WARM_IP_TARGET or MINIMUM_IP_TARGET is set (always on cards above 0): they then override the ENI/prefix targets. */
  readonly warmIpTargetsDefined: boolean;
  /** `min(ENILimit, MAX_ENI)`. */
  readonly maxEni: number;
  readonly maxPods: number;
  readonly primaryEniCarriesPods: boolean;
  /** Keep an ENI slot for the trunk ENI while none is attached (SGP on, trunking type, card 0). */
  readonly reserveTrunkEni: boolean;
}

function requireCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`Cannot compute pool targets: ${name} must be an integer >= ${min}: current value is ${value}`);
  }
}

/**
 * Resolves the targets of one datastore as ipamd's `initENIAndIPLimits`, `getMaxENI` and the per-card
 * overrides of `datastoreTargetState` do. Throws `RangeError` on a negative target or an impossible limit.
 */
export function poolTargets(input: PoolTargetsInput): PoolTargets {
  const networkCard = input.networkCard ?? 0;
  requireCount('networkCard', networkCard, 0);
  for (const name of ['warmEniTarget', 'warmIpTarget', 'minimumIpTarget', 'warmPrefixTarget', 'maxPods'] as const) {
    requireCount(name, input[name], 0);
  }
  requireCount('eniLimit', input.eniLimit, 1);
  requireCount('ipv4Limit', input.ipv4Limit, 2);
  if (input.maxEni !== undefined) requireCount('maxEni', input.maxEni, 1);
  // getMaxENI: MAX_ENI only ever lowers the instance's limit.
  const maxEni = Math.min(input.eniLimit, input.maxEni ?? input.eniLimit);
  // GetENIIPv4Limit: IPv4Limit - 1, as each ENI's primary address is not used for pods. A prefix takes one slot.
  const cidrsPerEni = input.ipv4Limit - 1;
  const ipsPerEni = input.poolMode === 'prefix' ? cidrsPerEni * IPS_PER_PREFIX : cidrsPerEni;
  const otherCard = networkCard > 0;
  return {
    poolMode: input.poolMode,
    networkCard,
    cidrsPerEni,
    ipsPerEni,
    warmEniTarget: input.warmEniTarget,
    warmIpTarget: otherCard ? OTHER_CARD_WARM_IP_TARGET : input.warmIpTarget,
    minimumIpTarget: otherCard ? OTHER_CARD_MINIMUM_IP_TARGET : input.minimumIpTarget,
    warmPrefixTarget: input.warmPrefixTarget,
    warmIpTargetsDefined: otherCard || input.warmIpTarget !== 0 || input.minimumIpTarget !== 0,
    maxEni,
    maxPods: input.maxPods,
    primaryEniCarriesPods: !input.customNetworking,
    reserveTrunkEni: input.podEni && (input.trunkingCompatible ?? true) && !otherCard,
  };
}
