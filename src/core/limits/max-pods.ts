import type { InstanceLimits } from './instance-limits.ts';

/**
 * Max pods per node, as the EKS AMI's `max-pods-calculator.sh` computes it, plus what ipamd itself would
 * allow. The two differ in one place: when prefix delegation (PD) counts. The script uses the PD formula only
 * for hypervisor `nitro` and CNI >= 1.9.0; ipamd (`IsPrefixDelegationSupported`) also accepts bare-metal
 * types, whose hypervisor is reported as `unknown`.
 */

/** How ipamd fills ENIs: one secondary IPv4 per slot, or one /28 prefix (16 addresses) per slot. */
export type PoolMode = 'secondary-ip' | 'prefix';

/** A parsed VPC CNI version; only major and minor matter for max pods. */
export interface CniVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Addresses in one delegated /28 prefix. */
export const IPS_PER_PREFIX = 16;
/** The "+2": host-network pods (aws-node and kube-proxy) that need no VPC address. */
export const HOST_NETWORK_PODS = 2;
/** The script's recommended ceiling for types with at most 30 vCPUs. */
export const MAX_PODS_CEILING_LOW_CPU = 110;
/** The script's recommended ceiling for types with more than 30 vCPUs. */
export const MAX_PODS_CEILING_HIGH_CPU = 250;
/** vCPUs above which the high ceiling applies. */
export const HIGH_CPU_THRESHOLD_VCPUS = 30;

/** Which ENIs carry pod addresses. */
export interface PodEniOptions {
  /** Custom networking (ENIConfig): the primary ENI gets no pod addresses, so one ENI fewer. */
  readonly customNetworking?: boolean;
  /** `--cni-max-eni` / `MAX_ENI`: a positive cap on the ENIs used. */
  readonly maxEni?: number;
}

/** Inputs of {@link rawMaxPods}. */
export interface RawMaxPodsOptions extends PodEniOptions {
  readonly limits: InstanceLimits;
  readonly poolMode: PoolMode;
}

/** Inputs of {@link maxPods}: the flags of `max-pods-calculator.sh`. */
export interface MaxPodsOptions extends PodEniOptions {
  readonly limits: InstanceLimits;
  readonly cniVersion: CniVersion;
  /** Only used for the 110/250 recommendation; required unless `showMaxAllowed`. */
  readonly vcpus?: number;
  readonly prefixDelegation?: boolean;
  /** Print the raw value instead of the 110/250-capped recommendation. */
  readonly showMaxAllowed?: boolean;
}

/** Inputs of {@link ipamdMaxPods}. */
export interface IpamdMaxPodsOptions extends PodEniOptions {
  readonly limits: InstanceLimits;
  /** `ENABLE_PREFIX_DELEGATION`. */
  readonly prefixDelegation?: boolean;
}

/**
 * Parses `x.y.z` (also `x.y`, a leading `v`, and a suffix such as `-eksbuild.1`); throws `SyntaxError`.
 * Note: the script itself would treat a leading `v` as major version 0; we accept it as meant.
 */
export function parseCniVersion(text: string): CniVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (match === null) throw new SyntaxError(`Cannot parse CNI version "${text}": expected <major>.<minor>.<patch>, e.g. 1.7.5`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? '0') };
}

/** Whether this CNI version has prefix delegation: >= 1.9.0 (the script's `major > 1 || (major == 1 && minor > 8)`). */
export function cniVersionSupportsPrefixDelegation(version: CniVersion): boolean {
  return version.major > 1 || (version.major === 1 && version.minor > 8);
}

/**
 * The pool mode `max-pods-calculator.sh` assumes: `prefix` only when PD is requested, the hypervisor is
 * `nitro` AND the CNI version is >= 1.9.0; otherwise `secondary-ip`. Bare-metal types (hypervisor
 * `unknown`) therefore get the secondary-IP formula here, although ipamd would use prefixes on them.
 */
export function calculatorPoolMode(limits: InstanceLimits, options: { prefixDelegation?: boolean; cniVersion: CniVersion }): PoolMode {
  const usesPrefixes = options.prefixDelegation === true && limits.hypervisorType === 'nitro' && cniVersionSupportsPrefixDelegation(options.cniVersion);
  return usesPrefixes ? 'prefix' : 'secondary-ip';
}

/** Whether ipamd can delegate prefixes on this type: Nitro hypervisor OR bare metal (`IsPrefixDelegationSupported`). */
export function ipamdSupportsPrefixDelegation(limits: InstanceLimits): boolean {
  return limits.hypervisorType === 'nitro' || limits.isBareMetal;
}

/**
 * The pool mode ipamd uses: `prefix` when `ENABLE_PREFIX_DELEGATION` is set and the type is Nitro or bare
 * metal (no CNI version check: it is ipamd's own version); otherwise secondary IPs, ipamd's fallback.
 */
export function ipamdPoolMode(limits: InstanceLimits, prefixDelegation: boolean): PoolMode {
  return prefixDelegation && ipamdSupportsPrefixDelegation(limits) ? 'prefix' : 'secondary-ip';
}

/**
 * ENIs on the default network card: that card's `MaximumNetworkInterfaces` (card 0 for every type in the
 * table); other cards never hold pod addresses. Falls back to `eniLimit` if the card is not listed.
 */
export function defaultCardEnis(limits: InstanceLimits): number {
  const card = limits.networkCards.find((c) => c.networkCardIndex === limits.defaultNetworkCardIndex);
  return card?.maximumNetworkInterfaces ?? limits.eniLimit;
}

/**
 * ENIs that carry pod addresses: min(`maxEni`, default-card ENIs), minus one with custom networking, never
 * below 0. Throws `RangeError` when `maxEni` is not a positive integer.
 */
export function podEnis(limits: InstanceLimits, options: PodEniOptions): number {
  const { maxEni } = options;
  if (maxEni !== undefined && (!Number.isInteger(maxEni) || maxEni < 1)) {
    throw new RangeError(`Cannot cap ENIs: maxEni must be a positive integer: current value is ${maxEni}`);
  }
  const capped = Math.min(maxEni ?? Number.POSITIVE_INFINITY, defaultCardEnis(limits));
  return Math.max(capped - (options.customNetworking === true ? 1 : 0), 0);
}

/**
 * Max pods before any recommendation cap:
 * - secondary-ip: ENIs × (IPv4Limit − 1) + 2 (an ENI's primary address is never a pod's);
 * - prefix:       ENIs × ((IPv4Limit − 1) × 16) + 2.
 */
export function rawMaxPods(options: RawMaxPodsOptions): number {
  const slotsPerEni = options.limits.ipv4Limit - 1;
  const addressesPerEni = options.poolMode === 'prefix' ? slotsPerEni * IPS_PER_PREFIX : slotsPerEni;
  return podEnis(options.limits, options) * addressesPerEni + HOST_NETWORK_PODS;
}

/** The script's recommendation: min(250, v) when vCPUs > 30, else min(110, v). */
export function recommendedMaxPods(rawValue: number, vcpus: number): number {
  const ceiling = vcpus > HIGH_CPU_THRESHOLD_VCPUS ? MAX_PODS_CEILING_HIGH_CPU : MAX_PODS_CEILING_LOW_CPU;
  return Math.min(ceiling, rawValue);
}

/**
 * Max pods exactly as `max-pods-calculator.sh` prints it: pool mode from {@link calculatorPoolMode}, the raw
 * formula, then the 110/250 recommendation unless `showMaxAllowed`. Throws `RangeError` when the
 * recommendation is needed and `vcpus` is missing or not positive.
 */
export function maxPods(options: MaxPodsOptions): number {
  const poolMode = calculatorPoolMode(options.limits, options);
  const raw = rawMaxPods({ ...options, poolMode });
  if (options.showMaxAllowed === true) return raw;
  const { vcpus } = options;
  if (vcpus === undefined || !(vcpus > 0)) {
    throw new RangeError(`Cannot recommend max pods for "${options.limits.instanceType}": vCPU count is unknown`);
  }
  return recommendedMaxPods(raw, vcpus);
}

/**
 * Max pods by ipamd's own rules (uncapped): the same formulas, but prefix delegation is decided by
 * {@link ipamdPoolMode}, so it applies on bare-metal types too and needs no CNI version.
 */
export function ipamdMaxPods(options: IpamdMaxPodsOptions): number {
  return rawMaxPods({ ...options, poolMode: ipamdPoolMode(options.limits, options.prefixDelegation === true) });
}
