/**
 * The IPAM checkpoint in upstream ipamd's exact format (`/var/run/aws-node/ipam.json`, `vpc-cni-ipam/1`), so
 * that a node can switch between the Amazon VPC CNI and vpcnet without draining. Decoding follows Go's
 * `encoding/json` into upstream's `CheckpointData`: unknown fields ignored, `null` and missing fields are zero
 * values, field names matched case-insensitively, and a wrongly typed field fails the whole file.
 */
import type { IpamKey } from '../protocol/protocol.ts';
import { CheckpointError } from './errors.ts';
import { goJson, goObject, goRawNumber } from './go-json.ts';
import type { GoJsonValue } from './go-json.ts';
import { formatUnixNanos, parseUnixNanos } from './instant.ts';
import type { Assignment, Instant, PodMetadata } from './types.ts';

/** The only version upstream (and vpcnet) accepts; any other makes ipamd refuse to start. */
export const CHECKPOINT_VERSION = 'vpc-cni-ipam/1';

/**
 * The checkpoint file of a network card's datastore: `path` for card 0, else upstream's
 * `<path without .json>-nic-<card>.json` (`/var/run/aws-node/ipam-nic-1.json`).
 */
export function checkpointPathForCard(path: string, networkCard: number): string {
  if (!Number.isSafeInteger(networkCard) || networkCard < 0) throw new RangeError(`Cannot name checkpoint: network card must be an integer >= 0: current value is ${networkCard}`);
  if (networkCard === 0) return path;
  return `${path.endsWith('.json') ? path.slice(0, -'.json'.length) : path}-nic-${networkCard}.json`;
}

/** One row of the checkpoint (upstream `CheckpointEntry`). */
export interface CheckpointEntry {
  readonly key: IpamKey;
  /** '' when absent (an IPv6 entry). */
  readonly ipv4: string;
  /** '' when absent. */
  readonly ipv6: string;
  readonly assignedAt: Instant;
  /** Empty namespace/name in entries migrated from CRI (CNI <= 1.6); interfacesCount 0 before it existed. */
  readonly pod: PodMetadata;
}

/** A number as its JSON source text, so that int64 values survive decoding. */
class RawNumber {
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }
}

type Json = Readonly<Record<string, unknown>>;

function entryJson(entry: CheckpointEntry): GoJsonValue {
  const metadata: [string, GoJsonValue][] = [];
  if (entry.pod.namespace !== '') metadata.push(['k8sPodNamespace', entry.pod.namespace]);
  if (entry.pod.name !== '') metadata.push(['k8sPodName', entry.pod.name]);
  if (entry.pod.interfacesCount !== 0) metadata.push(['interfacesCount', entry.pod.interfacesCount]);
  const members: [string, GoJsonValue][] = [
    ['networkName', entry.key.networkName],
    ['containerID', entry.key.containerId],
    ['ifName', entry.key.ifName],
  ];
  if (entry.ipv4 !== '') members.push(['ipv4', entry.ipv4]);
  if (entry.ipv6 !== '') members.push(['ipv6', entry.ipv6]);
  members.push(['allocationTimestamp', goRawNumber(formatUnixNanos(entry.assignedAt))], ['metadata', goObject(metadata)]);
  return goObject(members);
}

/** The checkpoint text of `entries`: compact JSON plus a newline, as Go's `json.Encoder` writes it. */
export function formatCheckpoint(entries: readonly CheckpointEntry[]): string {
  return `${goJson(goObject([['version', CHECKPOINT_VERSION], ['allocations', entries.map(entryJson)]]))}\n`;
}

/** The checkpoint row of an assignment. */
export function checkpointEntry(assignment: Assignment): CheckpointEntry {
  return { key: assignment.key, ipv4: assignment.ipv4, ipv6: '', assignedAt: assignment.assignedAt, pod: assignment.pod };
}

/** The checkpoint text of every assignment of the datastore (ENIs by device number, addresses in order). */
export function serializeCheckpoint(datastore: { assignments(): readonly Assignment[] }): string {
  return formatCheckpoint(datastore.assignments().map(checkpointEntry));
}

function fail(message: string): never {
  throw new CheckpointError('bad-json', `Cannot read IPAM checkpoint: ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** Go's decoder matches field names exactly or case-insensitively; the last matching member wins. */
function member(object: Json, name: string): unknown {
  let found: unknown = null;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === name.toLowerCase()) found = value;
  return found;
}

function stringField(object: Json, name: string, where: string): string {
  const value = member(object, name);
  if (value === null) return '';
  if (typeof value !== 'string') fail(`${where}.${name} must be a string`);
  return value;
}

function integerField(object: Json, name: string, where: string): string {
  const value = member(object, name);
  if (value === null) return '0';
  if (!(value instanceof RawNumber) || !/^-?(0|[1-9][0-9]*)$/.test(value.source)) fail(`${where}.${name} must be an integer`);
  return value.source;
}

function objectField(object: Json, name: string, where: string): Json {
  const value = member(object, name);
  if (value === null) return {};
  if (!isObject(value)) fail(`${where}.${name} must be an object`);
  return value;
}

function decodeEntry(value: unknown, index: number): CheckpointEntry {
  const where = `allocations[${index}]`;
  if (value === null) return decodeEntry({}, index);
  if (!isObject(value)) fail(`${where} must be an object`);
  const metadata = objectField(value, 'metadata', where);
  const interfacesCount = Number(integerField(metadata, 'interfacesCount', `${where}.metadata`));
  if (!Number.isSafeInteger(interfacesCount)) fail(`${where}.metadata.interfacesCount is out of range`);
  let assignedAt: Instant;
  try {
    assignedAt = parseUnixNanos(integerField(value, 'allocationTimestamp', where));
  } catch (error) {
    fail(`${where}.allocationTimestamp: ${(error as Error).message}`);
  }
  return {
    key: { networkName: stringField(value, 'networkName', where), containerId: stringField(value, 'containerID', where), ifName: stringField(value, 'ifName', where) },
    ipv4: stringField(value, 'ipv4', where),
    ipv6: stringField(value, 'ipv6', where),
    assignedAt,
    pod: { namespace: stringField(metadata, 'k8sPodNamespace', `${where}.metadata`), name: stringField(metadata, 'k8sPodName', `${where}.metadata`), interfacesCount },
  };
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) => {
      // Numbers keep their source text: allocationTimestamp is int64 nanoseconds, beyond 2^53.
      return typeof value === 'number' ? new RawNumber(context?.source ?? String(value)) : value;
    });
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads checkpoint text into its entries. `CheckpointError` kind `bad-json` when it is not JSON or a field has
 * the wrong type, `bad-version` when the version is not `vpc-cni-ipam/1` (upstream ipamd then refuses to start).
 */
export function parseCheckpoint(text: string): CheckpointEntry[] {
  const decoded = decodeJson(text);
  const data = decoded === null ? {} : decoded;
  if (!isObject(data)) fail('the top level must be an object');
  const version = stringField(data, 'version', 'checkpoint');
  const allocations = member(data, 'allocations');
  if (allocations !== null && !Array.isArray(allocations)) fail('allocations must be an array');
  const entries: readonly unknown[] = Array.isArray(allocations) ? allocations : [];
  const decodedEntries = entries.map(decodeEntry);
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError('bad-version', `Cannot read IPAM checkpoint: version ${JSON.stringify(version)} is not "${CHECKPOINT_VERSION}"`);
  }
  return decodedEntries;
}
