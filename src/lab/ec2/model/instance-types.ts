import limits from '../../../core/limits/instance-limits.json' with { type: 'json' };
import specs from '../../../core/limits/instance-specs.json' with { type: 'json' };
import { Ec2ApiError } from '../errors.ts';

/**
 * Instance types as the emulator knows them: network limits from `instance-limits.json` (the VPC CNI's
 * table, generated from DescribeInstanceTypes) and vCPUs/memory from `instance-specs.json` where known.
 * The lab reads the data directly; it shares no logic with the daemon's own limits code.
 */

/** One network card of an instance type. */
export interface NetworkCardLimit {
  readonly networkCardIndex: number;
  readonly maximumNetworkInterfaces: number;
}

/** The hypervisor of a type as the limits table has it (`unknown` for bare metal). */
export type Hypervisor = 'nitro' | 'xen' | 'unknown';
/** The CPU architecture of a type. */
export type Architecture = 'x86_64' | 'arm64';

/** What the emulator knows about one instance type. */
export interface InstanceTypeSpec {
  readonly instanceType: string;
  /** ENIs on the default network card. */
  readonly eniLimit: number;
  /** IPv4 addresses per ENI, the primary included; each /28 prefix counts as one. */
  readonly ipv4Limit: number;
  readonly defaultNetworkCardIndex: number;
  readonly networkCards: readonly NetworkCardLimit[];
  /** `unknown` for bare metal (no hypervisor); such types behave like Nitro. */
  readonly hypervisor: Hypervisor;
  readonly bareMetal: boolean;
  /** Approximate: Graviton families (`*g*`, a1) are arm64. */
  readonly architecture: Architecture;
  readonly currentGeneration: boolean;
  readonly vcpus?: number;
  readonly memoryMiB?: number;
}

interface RawLimits {
  readonly ENILimit: number;
  readonly IPv4Limit: number;
  readonly DefaultNetworkCardIndex: number;
  readonly NetworkCards: readonly { readonly MaximumNetworkInterfaces: number; readonly NetworkCardIndex: number }[];
  readonly HypervisorType: string;
  readonly IsBareMetal: boolean;
}

interface RawSpecs {
  readonly vcpu: number;
  readonly memoryGiB: number;
}

const RAW_LIMITS: Readonly<Record<string, RawLimits>> = limits;
const RAW_SPECS: Readonly<Record<string, RawSpecs>> = specs;

/** Families AWS lists as previous generation (approximate; it only feeds `currentGeneration`). */
const PREVIOUS_GENERATION = new Set(['c1', 'c3', 'cc2', 'cg1', 'cr1', 'g2', 'hi1', 'hs1', 'i2', 'm1', 'm2', 'm3', 'r3', 't1']);

const SPECS: ReadonlyMap<string, InstanceTypeSpec> = new Map(
  Object.keys(RAW_LIMITS)
    .sort()
    .map((type) => [type, toSpec(type)]),
);

/** The largest IPv4Limit of any type: what an ENI that is not attached may hold. */
export const MAX_ADDRESSES_PER_ENI: number = Math.max(...[...SPECS.values()].map((spec) => spec.ipv4Limit));

function toSpec(instanceType: string): InstanceTypeSpec {
  const raw = RAW_LIMITS[instanceType];
  if (raw === undefined) throw new RangeError(`Cannot describe instance type "${instanceType}": not in instance-limits.json`);
  const extra = RAW_SPECS[instanceType];
  const family = familyOf(instanceType);
  return {
    instanceType,
    eniLimit: raw.ENILimit,
    ipv4Limit: raw.IPv4Limit,
    defaultNetworkCardIndex: raw.DefaultNetworkCardIndex,
    networkCards: raw.NetworkCards.map((card) => ({
      networkCardIndex: card.NetworkCardIndex,
      maximumNetworkInterfaces: card.MaximumNetworkInterfaces,
    })),
    hypervisor: toHypervisor(raw.HypervisorType),
    bareMetal: raw.IsBareMetal,
    architecture: architectureOf(family),
    currentGeneration: !PREVIOUS_GENERATION.has(family),
    ...(extra === undefined ? {} : { vcpus: extra.vcpu, memoryMiB: Math.round(extra.memoryGiB * 1024) }),
  };
}

function toHypervisor(text: string): Hypervisor {
  return text === 'nitro' || text === 'xen' ? text : 'unknown';
}

function familyOf(instanceType: string): string {
  const dot = instanceType.indexOf('.');
  return dot < 0 ? instanceType : instanceType.slice(0, dot);
}

/** Graviton families carry a `g` after the generation digit (m6g, c7gn, is4gen, t4g), plus a1. */
function architectureOf(family: string): Architecture {
  if (family === 'a1') return 'arm64';
  const attributes = /^[a-z-]+?\d+([a-z0-9-]*)$/.exec(family)?.[1] ?? '';
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}

/** The spec of an instance type, or undefined when the type is unknown. */
export function instanceTypeSpec(instanceType: string): InstanceTypeSpec | undefined {
  return SPECS.get(instanceType);
}

/** Every known instance type, sorted by name. */
export function allInstanceTypes(): readonly InstanceTypeSpec[] {
  return [...SPECS.values()];
}

/** The spec of a type given to RunInstances; `InvalidParameterValue` as AWS answers for an unknown one. */
export function requireInstanceType(instanceType: string): InstanceTypeSpec {
  const spec = SPECS.get(instanceType);
  if (spec === undefined) throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
  return spec;
}

/** The ENI limit of one network card of the type, or undefined when the type has no such card. */
export function networkCardLimit(spec: InstanceTypeSpec, networkCardIndex: number): number | undefined {
  return spec.networkCards.find((card) => card.networkCardIndex === networkCardIndex)?.maximumNetworkInterfaces;
}

/** Every ENI the type can have, over all its network cards. */
export function totalNetworkInterfaces(spec: InstanceTypeSpec): number {
  return spec.networkCards.reduce((sum, card) => sum + card.maximumNetworkInterfaces, 0);
}

/** /28 prefix delegation needs the Nitro system (bare-metal types included); Xen types refuse it. */
export function supportsPrefixes(spec: InstanceTypeSpec): boolean {
  return spec.hypervisor !== 'xen';
}
