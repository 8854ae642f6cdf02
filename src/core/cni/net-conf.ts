/**
 * The network config a runtime streams on stdin: the standard fields, the upstream `aws-cni` fields (so an
 * existing `10-aws.conflist` works unchanged) and vpcnet's own optional `ipamdSocket`.
 *
 * Upstream's quirks are kept where a config it accepts would otherwise be refused: an unparsable or
 * out-of-range `mtu` means 9001, an unknown `podSGEnforcingMode` means strict, an unknown log level means
 * debug. Each of those is reported in `warnings` so the plugin can log it.
 */
import type { LogLevel, PodSgEnforcingMode } from '../config/index.ts';
// Direct module imports (not the indexes) keep the plugin's start-up import graph small.
import { parseGoAtoi } from '../config/go-strconv.ts';
import { DEFAULT_VETH_PREFIX, MAX_MTU, MIN_MTU_BY_FAMILY } from '../config/read-network-settings.ts';
import { DEFAULT_SOCKET_PATH } from '../protocol/protocol.ts';
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';
import { parseRuntimeConfig } from './runtime-config.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { isSupportedCniVersion, unsupportedVersionError } from './versions.ts';
import type { CniVersion } from './versions.ts';

type JsonObject = Readonly<Record<string, unknown>>;

/** One entry of GC's `cni.dev/valid-attachments`. */
export interface GcAttachment {
  readonly containerId: string;
  readonly ifName: string;
}

/** A decoded, validated network config. */
export interface NetConf {
  readonly cniVersion: CniVersion;
  readonly name: string;
  readonly type: string;
  /** Host-side veth prefix, 1-4 characters (default `eni`). */
  readonly vethPrefix: string;
  /** Pod MTU in bytes, 576..9001 (default 9001). */
  readonly mtu: number;
  readonly podSgEnforcingMode: PodSgEnforcingMode;
  /** Where the plugin logs: a file path, or '' for stderr (never stdout: stdout carries the result). */
  readonly pluginLogFile: string;
  readonly pluginLogLevel: LogLevel;
  /** The daemon's unix socket (vpcnet's own field; default {@link DEFAULT_SOCKET_PATH}). */
  readonly ipamdSocket: string;
  /** The previous plugin's (ADD) or the whole chain's (DEL, CHECK) result, as received. */
  readonly prevResult: JsonObject | undefined;
  readonly runtimeConfig: RuntimeConfig;
  /** GC's `cni.dev/valid-attachments`; undefined when absent. */
  readonly validAttachments: readonly GcAttachment[] | undefined;
  /** Values replaced by a default, and runtime data skipped, each worth a log line. */
  readonly warnings: readonly string[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const RESERVED_VETH_PREFIXES = ['eth', 'lo', 'vlan'];
const VETH_PREFIX = /^[\x21-\x7e]{1,4}$/;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
// A unix socket path must fit sun_path (108 bytes including the terminating NUL).
const MAX_SOCKET_PATH_BYTES = 107;

function invalidConfig(field: string, value: unknown, expected: string): CniError {
  return new CniError(CNI_ERROR_CODES.invalidNetworkConfig, `invalid network config: ${field} ${JSON.stringify(value) ?? 'undefined'}: expected ${expected}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(stdinText: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(stdinText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CniError(CNI_ERROR_CODES.decodingFailure, `cannot decode the network config on stdin: ${reason}`);
  }
  if (!isObject(value)) throw new CniError(CNI_ERROR_CODES.decodingFailure, 'cannot decode the network config on stdin: it must be a JSON object');
  return value;
}

function readVersion(conf: JsonObject): CniVersion {
  // libcni: a config without cniVersion is 0.1.0.
  const version = conf.cniVersion ?? '0.1.0';
  if (typeof version !== 'string') throw new CniError(CNI_ERROR_CODES.decodingFailure, `cannot decode the network config on stdin: cniVersion ${JSON.stringify(version)} is not a string`);
  if (!isSupportedCniVersion(version)) throw unsupportedVersionError(version);
  return version;
}

function optionalString(conf: JsonObject, field: string): string | undefined {
  const value = conf[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidConfig(field, value, 'a string');
  return value;
}

function readName(conf: JsonObject, field: 'name' | 'type'): string {
  const value = optionalString(conf, field) ?? '';
  if (field === 'name' && !NAME.test(value)) throw invalidConfig('name', value, 'a letter or digit, then letters, digits, "_", "." or "-"');
  if (field === 'type' && value === '') throw invalidConfig('type', value, 'the plugin name, e.g. "aws-cni"');
  return value;
}

function readVethPrefix(conf: JsonObject): string {
  const value = optionalString(conf, 'vethPrefix') ?? DEFAULT_VETH_PREFIX;
  if (!VETH_PREFIX.test(value) || /[/:]/.test(value) || RESERVED_VETH_PREFIXES.includes(value)) {
    throw invalidConfig('vethPrefix', value, '1 to 4 printable ASCII characters without "/" or ":", other than "eth", "lo" and "vlan"');
  }
  return value;
}

function readMtu(conf: JsonObject, warnings: string[]): number {
  const value = conf.mtu;
  if (value === undefined || value === null) return MAX_MTU;
  // Upstream's GetPodMTU: strconv.Atoi, and anything unparsable or outside 576..9001 means 9001.
  const mtu = typeof value === 'string' ? parseGoAtoi(value) : typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  if (mtu === undefined || mtu < MIN_MTU_BY_FAMILY.ipv4 || mtu > MAX_MTU) {
    warnings.push(`mtu ${JSON.stringify(value)} is not an integer from ${MIN_MTU_BY_FAMILY.ipv4} to ${MAX_MTU}: using ${MAX_MTU}`);
    return MAX_MTU;
  }
  return mtu;
}

function readEnforcingMode(conf: JsonObject, warnings: string[]): PodSgEnforcingMode {
  const value = optionalString(conf, 'podSGEnforcingMode');
  if (value === 'strict' || value === 'standard') return value;
  if (value !== undefined && value !== '') warnings.push(`podSGEnforcingMode ${JSON.stringify(value)} is neither "strict" nor "standard": using "strict"`);
  return 'strict';
}

function readLogFile(conf: JsonObject): string {
  const value = optionalString(conf, 'pluginLogFile') ?? '';
  if (value.toLowerCase() === 'stdout') throw invalidConfig('pluginLogFile', value, 'a file path or "stderr" (a CNI plugin\'s stdout carries its result)');
  return value.toLowerCase() === 'stderr' ? '' : value;
}

function readLogLevel(conf: JsonObject, warnings: string[]): LogLevel {
  const value = optionalString(conf, 'pluginLogLevel');
  const level = LOG_LEVELS.find((known) => known === value?.toLowerCase());
  if (level !== undefined) return level;
  if (value !== undefined && value !== '') warnings.push(`pluginLogLevel ${JSON.stringify(value)} is not one of ${LOG_LEVELS.join(', ')}: using debug`);
  return 'debug';
}

function readIpamdSocket(conf: JsonObject): string {
  const value = optionalString(conf, 'ipamdSocket') ?? DEFAULT_SOCKET_PATH;
  if (!value.startsWith('/') || new TextEncoder().encode(value).length > MAX_SOCKET_PATH_BYTES) {
    throw invalidConfig('ipamdSocket', value, `an absolute unix socket path of at most ${MAX_SOCKET_PATH_BYTES} bytes`);
  }
  return value;
}

function readPrevResult(conf: JsonObject): JsonObject | undefined {
  const value = conf.prevResult;
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidConfig('prevResult', value, 'an object (the previous CNI result)');
  return value;
}

function readAttachment(value: unknown): GcAttachment {
  const entry = isObject(value) ? value : {};
  const { containerID, ifname } = entry;
  if (typeof containerID !== 'string' || typeof ifname !== 'string' || containerID === '' || ifname === '') {
    throw invalidConfig('cni.dev/valid-attachments entry', value, 'an object with non-empty "containerID" and "ifname"');
  }
  return { containerId: containerID, ifName: ifname };
}

function readValidAttachments(conf: JsonObject): readonly GcAttachment[] | undefined {
  const value = conf['cni.dev/valid-attachments'];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidConfig('cni.dev/valid-attachments', value, 'a list of attachments');
  return value.map(readAttachment);
}

/**
 * Decodes and validates the network config on stdin. Throws `CniError`: 6 when it is not a JSON object,
 * 1 when its `cniVersion` is not one vpcnet speaks, 7 when a field is invalid.
 */
export function parseNetConf(stdinText: string): NetConf {
  const conf = decode(stdinText);
  const cniVersion = readVersion(conf);
  const warnings: string[] = [];
  const { runtimeConfig, warnings: runtimeWarnings } = parseRuntimeConfig(conf.runtimeConfig);
  return {
    cniVersion,
    name: readName(conf, 'name'),
    type: readName(conf, 'type'),
    vethPrefix: readVethPrefix(conf),
    mtu: readMtu(conf, warnings),
    podSgEnforcingMode: readEnforcingMode(conf, warnings),
    pluginLogFile: readLogFile(conf),
    pluginLogLevel: readLogLevel(conf, warnings),
    ipamdSocket: readIpamdSocket(conf),
    prevResult: readPrevResult(conf),
    runtimeConfig,
    validAttachments: readValidAttachments(conf),
    warnings: [...warnings, ...runtimeWarnings],
  };
}
