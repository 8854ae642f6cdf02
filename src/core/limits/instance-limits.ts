import limitsData from './instance-limits.json' with { type: 'json' };
import specsData from './instance-specs.json' with { type: 'json' };

/**
 * Typed lookup over the instance-type data shipped with vpcnet:
 * - `instance-limits.json`: the Amazon VPC CNI v1.23.1 table (`pkg/vpc/vpc_ip_resource_limit.go`), 1,391 types;
 * - `instance-specs.json`: vCPUs and memory of 573 types (a public data set of late 2024).
 * Both are validated once, when this module loads; a malformed file throws a `TypeError` at import.
 */

/** The hypervisor as EC2 reports it; `unknown` for bare metal (no hypervisor) and two old manual entries. */
export type HypervisorType = 'nitro' | 'xen' | 'unknown';

/** ENI limit of one network card. */
export interface NetworkCard {
  readonly networkCardIndex: number;
  readonly maximumNetworkInterfaces: number;
}

/** The networking limits of one instance type, as ipamd's `vpc.InstanceTypeLimits` holds them. */
export interface InstanceLimits {
  readonly instanceType: string;
  /** ENIs on the default network card (the only card max pods counts). */
  readonly eniLimit: number;
  /** IPv4 addresses per ENI, the ENI's primary address included; a /28 prefix takes one such slot. */
  readonly ipv4Limit: number;
  readonly defaultNetworkCardIndex: number;
  readonly networkCards: readonly NetworkCard[];
  readonly hypervisorType: HypervisorType;
  readonly isBareMetal: boolean;
}

/** Size facts of one instance type. */
export interface InstanceSpecs {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/** A vCPU count and where it came from: the specs file, or an estimate from the size name. */
export interface VcpuCount {
  readonly vcpus: number;
  readonly source: 'specs' | 'size-estimate';
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(owner: JsonObject, key: string, check: (v: unknown) => v is T, where: string): T {
  const value = owner[key];
  if (!check(value)) throw new TypeError(`Cannot read instance data: "${where}.${key}" is missing or has the wrong type`);
  return value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isHypervisor(value: unknown): value is HypervisorType {
  return value === 'nitro' || value === 'xen' || value === 'unknown';
}

function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function toNetworkCard(raw: unknown, where: string): NetworkCard {
  if (!isObject(raw)) throw new TypeError(`Cannot read instance data: "${where}" is not an object`);
  return {
    networkCardIndex: field(raw, 'NetworkCardIndex', isCount, where),
    maximumNetworkInterfaces: field(raw, 'MaximumNetworkInterfaces', isCount, where),
  };
}

function toLimits(instanceType: string, raw: unknown): InstanceLimits {
  if (!isObject(raw)) throw new TypeError(`Cannot read instance data: "${instanceType}" is not an object`);
  const cards = field(raw, 'NetworkCards', isArray, instanceType);
  return {
    instanceType,
    eniLimit: field(raw, 'ENILimit', isCount, instanceType),
    ipv4Limit: field(raw, 'IPv4Limit', isCount, instanceType),
    defaultNetworkCardIndex: field(raw, 'DefaultNetworkCardIndex', isCount, instanceType),
    networkCards: cards.map((card, i) => toNetworkCard(card, `${instanceType}.NetworkCards[${i}]`)),
    hypervisorType: field(raw, 'HypervisorType', isHypervisor, instanceType),
    isBareMetal: field(raw, 'IsBareMetal', isBoolean, instanceType),
  };
}

function toSpecs(instanceType: string, raw: unknown): InstanceSpecs {
  if (!isObject(raw)) throw new TypeError(`Cannot read instance data: "${instanceType}" is not an object`);
  return {
    instanceType,
    vcpus: field(raw, 'vcpu', isPositiveNumber, instanceType),
    memoryGiB: field(raw, 'memoryGiB', isPositiveNumber, instanceType),
  };
}

function parseTable<T>(data: unknown, name: string, convert: (type: string, raw: unknown) => T): ReadonlyMap<string, T> {
  if (!isObject(data)) throw new TypeError(`Cannot read ${name}: the top level is not an object`);
  return new Map(Object.keys(data).sort().map((type) => [type, convert(type, data[type])]));
}

/** Validates a table shaped like `instance-limits.json`; throws `TypeError` naming the first bad field. */
export function parseInstanceLimitsTable(data: unknown): ReadonlyMap<string, InstanceLimits> {
  return parseTable(data, 'instance-limits.json', toLimits);
}

/** Validates a table shaped like `instance-specs.json`; throws `TypeError` naming the first bad field. */
export function parseInstanceSpecsTable(data: unknown): ReadonlyMap<string, InstanceSpecs> {
  return parseTable(data, 'instance-specs.json', toSpecs);
}

const LIMITS = parseInstanceLimitsTable(limitsData);
const SPECS = parseInstanceSpecsTable(specsData);

/** The networking limits of an instance type, or undefined when the type is not in the table. */
export function instanceLimits(instanceType: string): InstanceLimits | undefined {
  return LIMITS.get(instanceType);
}

/** vCPUs and memory of an instance type, or undefined when the specs file does not list it. */
export function instanceSpecs(instanceType: string): InstanceSpecs | undefined {
  return SPECS.get(instanceType);
}

/** Every instance type in the limits table, sorted by name. */
export function knownInstanceTypes(): readonly string[] {
  return [...LIMITS.keys()];
}

const VCPUS_BY_SIZE_NAME: ReadonlyMap<string, number> = new Map([
  ['xlarge', 4], ['large', 2], ['medium', 2], ['small', 1], ['micro', 1], ['nano', 1], ['metal', 96],
]);

/**
 * An ESTIMATE of the vCPUs of a type from its size name alone (`m5.4xlarge` → 16), or undefined when the
 * size name has no known pattern. Rules: `Nxlarge` → 4N, `xlarge` → 4, `large` and `medium` → 2,
 * `small`/`micro`/`nano` → 1, `metal-Nxl` → 4N, plain `metal` → 96 (the common bare-metal size).
 * Real counts differ (c4.8xlarge has 36, t3.nano 2, a1.metal 16): use it only where a rough size is enough,
 * such as the 110/250 max-pods recommendation, which only asks whether vCPUs > 30.
 */
export function estimateVcpusFromSize(instanceType: string): number | undefined {
  const size = instanceType.slice(instanceType.indexOf('.') + 1);
  const multiple = /^(\d+)xlarge$/.exec(size) ?? /^metal-(\d+)xl$/.exec(size);
  if (multiple?.[1] !== undefined) return 4 * Number(multiple[1]);
  return VCPUS_BY_SIZE_NAME.get(size);
}

/** The vCPUs of a type from `instance-specs.json`, else the size-name estimate; undefined when neither knows. */
export function instanceVcpus(instanceType: string): VcpuCount | undefined {
  const specs = SPECS.get(instanceType);
  if (specs !== undefined) return { vcpus: specs.vcpus, source: 'specs' };
  const estimate = estimateVcpusFromSize(instanceType);
  return estimate === undefined ? undefined : { vcpus: estimate, source: 'size-estimate' };
}
