/**
 * The ADD success result, version-neutral, with its wire form per spec version:
 * - 0.3.x/0.4.0: `ips[].version` ("4"/"6"); interfaces have name, mac, sandbox; routes dst, gw; `dns` always
 *   present (`{}` when empty), as libcni's types040 prints it.
 * - 1.0.0: no `ips[].version`; `dns` left out when empty.
 * - 1.1.0: adds interface `mtu`, `socketPath`, `pciID` and route `mtu`, `advmss`, `priority`, `table`, `scope`.
 */
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';
import { compareCniVersions, isLegacyCniVersion } from './versions.ts';
import type { CniVersion } from './versions.ts';

/** One interface of a result. */
export interface CniInterface {
  readonly name: string;
  readonly mac?: string;
  readonly mtu?: number;
  readonly sandbox?: string;
  readonly socketPath?: string;
  readonly pciID?: string;
}

/** One address of a result; `interface` indexes `interfaces`. */
export interface CniIpConfig {
  readonly address: string;
  readonly gateway?: string;
  readonly interface?: number;
}

/** One route of a result. */
export interface CniRoute {
  readonly dst: string;
  readonly gw?: string;
  readonly mtu?: number;
  readonly advmss?: number;
  readonly priority?: number;
  readonly table?: number;
  readonly scope?: number;
}

/** DNS settings of a result. */
export interface CniDns {
  readonly nameservers?: readonly string[];
  readonly domain?: string;
  readonly search?: readonly string[];
  readonly options?: readonly string[];
}

/** An ADD result without its version. */
export interface CniResult {
  readonly interfaces: readonly CniInterface[];
  readonly ips: readonly CniIpConfig[];
  readonly routes: readonly CniRoute[];
  readonly dns: CniDns;
}

/** A result in its wire form, ready for `JSON.stringify`. */
export type CniResultJson = Readonly<Record<string, unknown>>;

type JsonObject = Readonly<Record<string, unknown>>;

const INTERFACE_FIELDS_LEGACY = ['name', 'mac', 'sandbox'] as const;
const INTERFACE_FIELDS_1_1 = ['name', 'mac', 'mtu', 'sandbox', 'socketPath', 'pciID'] as const;
const ROUTE_FIELDS_LEGACY = ['dst', 'gw'] as const;
const ROUTE_FIELDS_1_1 = ['dst', 'gw', 'mtu', 'advmss', 'priority', 'table', 'scope'] as const;
const DNS_FIELDS = ['nameservers', 'domain', 'search', 'options'] as const;

// libcni's Go fields with omitempty drop a 0; route `table` and `scope` are pointers there, so 0 is kept.
const ZERO_MEANS_UNSET = new Set(['mtu', 'advmss', 'priority']);

/** Copies the listed fields that are set (omitempty: '', unset numbers and empty lists are left out). */
function pick(source: object, fields: readonly string[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const field of fields) {
    const value: unknown = (source as JsonObject)[field];
    const zero = value === 0 && ZERO_MEANS_UNSET.has(field);
    const empty = value === undefined || value === '' || zero || (Array.isArray(value) && value.length === 0);
    if (!empty) target[field] = value;
  }
  return target;
}

function renderIp(ip: CniIpConfig, legacy: boolean): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  if (legacy) rendered.version = ip.address.includes(':') ? '6' : '4';
  // interface 0 is meaningful, so only undefined is left out.
  if (ip.interface !== undefined) rendered.interface = ip.interface;
  rendered.address = ip.address;
  if (ip.gateway !== undefined && ip.gateway !== '') rendered.gateway = ip.gateway;
  return rendered;
}

/** The result in the wire form of spec version `cniVersion`. */
export function renderResult(result: CniResult, cniVersion: CniVersion): CniResultJson {
  const legacy = isLegacyCniVersion(cniVersion);
  const rich = compareCniVersions(cniVersion, '1.1.0') >= 0;
  const rendered: Record<string, unknown> = { cniVersion };
  if (result.interfaces.length > 0) rendered.interfaces = result.interfaces.map((entry) => pick(entry, rich ? INTERFACE_FIELDS_1_1 : INTERFACE_FIELDS_LEGACY));
  if (result.ips.length > 0) rendered.ips = result.ips.map((ip) => renderIp(ip, legacy));
  if (result.routes.length > 0) rendered.routes = result.routes.map((route) => pick(route, rich ? ROUTE_FIELDS_1_1 : ROUTE_FIELDS_LEGACY));
  const dns = pick(result.dns, DNS_FIELDS);
  if (legacy || Object.keys(dns).length > 0) rendered.dns = dns;
  return rendered;
}

function invalidResult(what: string): CniError {
  return new CniError(CNI_ERROR_CODES.invalidNetworkConfig, `invalid prevResult: ${what}`);
}

function list(object: JsonObject, field: string): readonly unknown[] {
  const value = object[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidResult(`"${field}" must be a list`);
  return value;
}

function entry(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidResult(`${where} must be an object`);
  return value as JsonObject;
}

function text(object: JsonObject, field: string, where: string, required = false): string | undefined {
  const value = object[field];
  if ((value === undefined || value === null) && !required) return undefined;
  if (typeof value !== 'string' || (required && value === '')) throw invalidResult(`${where}.${field} must be a${required ? ' non-empty' : ''} string`);
  return value;
}

function count(object: JsonObject, field: string, where: string): number | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidResult(`${where}.${field} must be an integer >= 0`);
  return value;
}

/** Keeps only the fields that are set, so parsed objects compare equal to built ones. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function parseInterface(value: unknown, index: number): CniInterface {
  const where = `interfaces[${index}]`;
  const object = entry(value, where);
  return defined({
    name: text(object, 'name', where, true) ?? '',
    mac: text(object, 'mac', where),
    mtu: count(object, 'mtu', where),
    sandbox: text(object, 'sandbox', where),
    socketPath: text(object, 'socketPath', where),
    pciID: text(object, 'pciID', where),
  });
}

function parseIp(value: unknown, index: number): CniIpConfig {
  const where = `ips[${index}]`;
  const object = entry(value, where);
  return defined({ address: text(object, 'address', where, true) ?? '', gateway: text(object, 'gateway', where), interface: count(object, 'interface', where) });
}

function parseRoute(value: unknown, index: number): CniRoute {
  const where = `routes[${index}]`;
  const object = entry(value, where);
  const numbers = Object.fromEntries(ROUTE_FIELDS_1_1.slice(2).map((field) => [field, count(object, field, where)]));
  return defined({ dst: text(object, 'dst', where, true) ?? '', gw: text(object, 'gw', where), ...numbers });
}

function parseDns(value: unknown): CniDns {
  if (value === undefined || value === null) return {};
  const object = entry(value, 'dns');
  const strings = (field: string): readonly string[] | undefined => {
    const items = list(object, field);
    if (!items.every((item) => typeof item === 'string')) throw invalidResult(`dns.${field} must be a list of strings`);
    return items.length > 0 ? items : undefined;
  };
  return defined({ nameservers: strings('nameservers'), domain: text(object, 'domain', 'dns'), search: strings('search'), options: strings('options') });
}

/**
 * Reads a result of any supported version (a `prevResult`, from vpcnet, the Amazon VPC CNI or a chained
 * plugin): `ips[].version` is accepted and dropped. Throws code 7 when the shape is wrong.
 */
export function parseResult(value: unknown): CniResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidResult('it must be an object');
  const object = value as JsonObject;
  return {
    interfaces: list(object, 'interfaces').map(parseInterface),
    ips: list(object, 'ips').map(parseIp),
    routes: list(object, 'routes').map(parseRoute),
    dns: parseDns(object.dns),
  };
}
