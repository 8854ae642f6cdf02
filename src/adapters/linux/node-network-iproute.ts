/** Parsing iproute2's JSON output (`ip -json addr`, `ip -N -json rule`, `ip -json route`) into plain records. */
import type { IpRule } from '../../core/node-network/index.ts';
import { normalizeCidr } from '../../core/node-network/index.ts';

/** A network interface with its IPv4 addresses. */
export interface LinkState {
  readonly name: string;
  /** Lower-case MAC address; '' for links without one. */
  readonly mac: string;
  readonly mtu: number;
  /** Administratively up (`UP` among the flags). */
  readonly up: boolean;
  /** IPv4 addresses, e.g. `{ cidr: '192.168.1.20/19', scope: 'global' }` (the address keeps its host bits). */
  readonly addresses: readonly { readonly cidr: string; readonly scope: string }[];
}

/** A route as listed; `dst` is `default` or a CIDR block (`/32` added for hosts). */
export interface RouteState {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly scope: string;
  readonly protocol?: string;
  readonly prefsrc?: string;
  readonly type?: string;
}

/** A rule as listed: `rule` is undefined when it uses selectors beyond from/to/fwmark (other software's). */
export interface RuleState {
  readonly priority: number;
  readonly rule: IpRule | undefined;
}

type JsonRecord = Readonly<Record<string, unknown>>;

/** Parses `ip -json addr show`. */
export function parseLinks(json: string): LinkState[] {
  return records(json).map((link) => ({
    name: text(link, 'ifname') ?? '',
    mac: (text(link, 'address') ?? '').toLowerCase(),
    mtu: typeof link.mtu === 'number' ? link.mtu : 0,
    up: Array.isArray(link.flags) && link.flags.includes('UP'),
    addresses: recordsIn(link.addr_info)
      .filter((address) => address.family === 'inet')
      .map((address) => ({ cidr: `${text(address, 'local') ?? ''}/${String(address.prefixlen)}`, scope: text(address, 'scope') ?? 'global' })),
  }));
}

/** Parses `ip -json route show` (without `-N`: scopes and protocols by name). */
export function parseRoutes(json: string): RouteState[] {
  return records(json).map((route) => {
    const dst = text(route, 'dst') ?? 'default';
    return {
      dst: dst === 'default' ? dst : normalizeCidr(dst.includes('/') ? dst : `${dst}/32`),
      gateway: text(route, 'gateway'),
      dev: text(route, 'dev'),
      scope: text(route, 'scope') ?? 'global',
      protocol: text(route, 'protocol'),
      prefsrc: text(route, 'prefsrc'),
      type: text(route, 'type'),
    };
  });
}

const RULE_KEYS = new Set(['priority', 'src', 'srclen', 'dst', 'dstlen', 'fwmark', 'fwmask', 'table', 'protocol', 'flags']);

/** Parses `ip -N -json rule show` (numeric tables). */
export function parseRules(json: string): RuleState[] {
  return records(json).map((entry) => {
    const priority = typeof entry.priority === 'number' ? entry.priority : 0;
    const table = Number(text(entry, 'table'));
    const understood = Object.keys(entry).every((key) => RULE_KEYS.has(key)) && Number.isInteger(table);
    return { priority, rule: understood ? toRule(entry, priority, table) : undefined };
  });
}

function toRule(entry: JsonRecord, priority: number, table: number): IpRule {
  const from = selector(entry, 'src', 'srclen');
  const to = selector(entry, 'dst', 'dstlen');
  const mark = text(entry, 'fwmark');
  return {
    priority,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(mark === undefined ? {} : { fwmark: { mark: Number(mark), mask: Number(text(entry, 'fwmask') ?? '0xffffffff') } }),
    table,
  };
}

function selector(entry: JsonRecord, addressKey: string, lengthKey: string): string | undefined {
  const address = text(entry, addressKey);
  if (address === undefined || address === 'all') return undefined;
  const length = typeof entry[lengthKey] === 'number' ? entry[lengthKey] : 32;
  return normalizeCidr(`${address}/${length}`);
}

function records(json: string): JsonRecord[] {
  return recordsIn(JSON.parse(json === '' ? '[]' : json));
}

function recordsIn(value: unknown): JsonRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is JsonRecord => typeof item === 'object' && item !== null && !Array.isArray(item));
}

function text(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
