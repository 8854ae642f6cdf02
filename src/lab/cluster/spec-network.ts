import { cidrContainsCidr, cidrsOverlap, formatCidr, parseCidr } from '../../core/ip/index.ts';
import type { Cidr } from '../../core/ip/index.ts';
import { zonesOf } from '../ec2/model/zones.ts';
import { DEFAULT_VPC_CIDR, LAB_REGION, SPEC_LIMITS, defaultZones } from './spec-defaults.ts';
import { describeValue, isMapping } from './spec-read.ts';
import type { MappingReader } from './spec-read.ts';
import type { SubnetSpec } from './spec.ts';

/** The cluster's network fields: region, availability zones, the VPC block and listed subnets. */

/** The zones of the lab's region. */
const LAB_ZONES: readonly string[] = zonesOf(LAB_REGION).map((zone) => zone.zoneName);
const SUBNET_KINDS = ['public', 'private'] as const;

/** `metadata.region`: only the lab's region is accepted; the result is always that region. */
export function readRegion(metadata: MappingReader | undefined): string {
  const region = metadata?.string('region');
  if (region !== undefined && region !== LAB_REGION) {
    metadata?.report('region', `${JSON.stringify(region)} is not available: the lab emulates one region, ${LAB_REGION}`);
  }
  return LAB_REGION;
}

/** Why `zone` may not be used where `allowed` zones are listed, or undefined when it may. */
function zoneProblem(zone: string, allowed: readonly string[]): string | undefined {
  if (!LAB_ZONES.includes(zone)) return `${JSON.stringify(zone)} is not an availability zone of ${LAB_REGION} (${LAB_ZONES.join(', ')})`;
  if (!allowed.includes(zone)) return `${JSON.stringify(zone)} is not in availabilityZones (${allowed.join(', ')})`;
  return undefined;
}

/**
 * A list of zones at `key` of `owner`: strings, zones of `allowed`, each once, at least one. Returns the valid
 * entries, or undefined when the key is absent.
 */
export function readZoneList(owner: MappingReader, key: string, allowed: readonly string[]): readonly string[] | undefined {
  const list = owner.list(key);
  if (list === undefined) return owner.has(key) ? [] : undefined;
  if (list.length === 0) owner.report(key, 'expected at least one availability zone');
  const zones: string[] = [];
  list.forEach((item, index) => {
    const field = `${key}[${index}]`;
    if (typeof item !== 'string') {
      owner.report(field, `expected a zone name such as ${JSON.stringify(allowed[0] ?? LAB_REGION + 'a')}, got ${describeValue(item)}`);
      return;
    }
    const problem = zones.includes(item) ? `${JSON.stringify(item)} is listed twice` : zoneProblem(item, allowed);
    if (problem === undefined) zones.push(item);
    else owner.report(field, problem);
  });
  return zones;
}

/** The zone names used as keys under `vpc.subnets.public|private`, read without reporting anything. */
function listedSubnetZones(vpc: MappingReader | undefined): readonly string[] {
  const subnets = vpc?.raw('subnets');
  if (!isMapping(subnets)) return [];
  const zones = SUBNET_KINDS.flatMap((kind) => {
    const byZone = subnets[kind];
    return isMapping(byZone) ? Object.keys(byZone) : [];
  });
  return LAB_ZONES.filter((zone) => zones.includes(zone));
}

/**
 * `availabilityZones`: as listed; else the zones `vpc.subnets` names (as eksctl derives them); else
 * `<region>a`, `b`, `c`.
 */
export function readClusterZones(root: MappingReader, vpc: MappingReader | undefined): readonly string[] {
  const listed = readZoneList(root, 'availabilityZones', LAB_ZONES);
  if (listed !== undefined) return listed;
  const fromSubnets = listedSubnetZones(vpc);
  return fromSubnets.length > 0 ? fromSubnets : defaultZones(LAB_REGION);
}

/** Parses a CIDR field and checks its prefix is /16../28; reports and returns undefined otherwise. */
function readCidr(owner: MappingReader, key: string, text: string, what: string): Cidr | undefined {
  let cidr: Cidr;
  try {
    cidr = parseCidr(text);
  } catch {
    const loose = tryParse(text);
    const hint = loose === undefined ? 'is not an IPv4 CIDR block such as 192.168.0.0/16' : `has host bits set: the block is ${formatCidr(loose)}`;
    owner.report(key, `${JSON.stringify(text)} ${hint}`);
    return undefined;
  }
  if (cidr.prefixLength < SPEC_LIMITS.minPrefix || cidr.prefixLength > SPEC_LIMITS.maxPrefix) {
    owner.report(key, `${JSON.stringify(text)} has prefix /${cidr.prefixLength}: ${what} CIDR block must be /${SPEC_LIMITS.minPrefix} to /${SPEC_LIMITS.maxPrefix}`);
    return undefined;
  }
  return cidr;
}

function tryParse(text: string): Cidr | undefined {
  try {
    return parseCidr(text, false);
  } catch {
    return undefined;
  }
}

/** `vpc.cidr`, eksctl's 192.168.0.0/16 when absent; undefined when invalid (reported). */
export function readVpcCidr(vpc: MappingReader | undefined): Cidr | undefined {
  if (vpc === undefined || !vpc.has('cidr')) return parseCidr(DEFAULT_VPC_CIDR);
  const text = vpc.string('cidr');
  return text === undefined ? undefined : readCidr(vpc, 'cidr', text, 'a VPC');
}

interface PlacedSubnet {
  readonly path: string;
  readonly cidr: Cidr;
}

interface SubnetContext {
  readonly zones: readonly string[];
  readonly vpc: Cidr | undefined;
  /** The valid subnets read so far, for the overlap check. */
  readonly placed: PlacedSubnet[];
}

/** Checks one subnet's CIDR; returns it formatted, or undefined when invalid (reported). */
function readSubnetCidr(entry: MappingReader, context: SubnetContext): string | undefined {
  entry.checkKeys(['cidr']);
  const text = entry.string('cidr');
  if (text === undefined) {
    if (!entry.has('cidr')) entry.report('cidr', 'missing: expected an IPv4 CIDR block such as 192.168.0.0/19');
    return undefined;
  }
  const cidr = readCidr(entry, 'cidr', text, 'a subnet');
  if (cidr === undefined) return undefined;
  if (context.vpc !== undefined && !cidrContainsCidr(context.vpc, cidr)) {
    entry.report('cidr', `${JSON.stringify(text)} is not inside the VPC CIDR ${formatCidr(context.vpc)}`);
  }
  const clash = context.placed.find((other) => cidrsOverlap(other.cidr, cidr));
  if (clash !== undefined) entry.report('cidr', `${JSON.stringify(text)} overlaps ${clash.path} (${formatCidr(clash.cidr)})`);
  context.placed.push({ path: entry.pathOf('cidr'), cidr });
  return formatCidr(cidr);
}

function readSubnet(byZone: MappingReader, zone: string, context: SubnetContext): string | undefined {
  const problem = zoneProblem(zone, context.zones);
  if (problem !== undefined) byZone.report(zone, problem);
  const entry = byZone.mapping(zone);
  if (entry !== undefined) return readSubnetCidr(entry, context);
  if (!byZone.has(zone)) byZone.report(zone, 'expected a mapping with the subnet\'s cidr, got nothing');
  return undefined;
}

/**
 * `vpc.subnets.public|private.<zone>.cidr`: each in a cluster zone, inside the VPC block, /16../28, no two
 * overlapping. Public subnets first, each kind in the order written. Undefined when `vpc.subnets` is absent.
 * A subnet with a problem is still listed (with cidr ''), so that node groups in its zone are not also
 * reported for lacking a subnet; the spec is refused anyway.
 */
export function readSubnets(vpc: MappingReader | undefined, zones: readonly string[], vpcCidr: Cidr | undefined): SubnetSpec[] | undefined {
  const subnets = vpc?.mapping('subnets');
  if (subnets === undefined) return undefined;
  subnets.checkKeys(SUBNET_KINDS);
  const context: SubnetContext = { zones, vpc: vpcCidr, placed: [] };
  const result: SubnetSpec[] = [];
  for (const kind of SUBNET_KINDS) {
    const byZone = subnets.mapping(kind);
    for (const zone of byZone?.keys() ?? []) {
      const cidr = byZone === undefined ? undefined : readSubnet(byZone, zone, context);
      result.push({ kind, zone, cidr: cidr ?? '' });
    }
  }
  return result;
}
