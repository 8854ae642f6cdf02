import type { AddRequest, DelRequest, IpamKey, PodIdentity } from './protocol.ts';
import { PROTOCOL_VERSION } from './protocol.ts';

/** A request that cannot be served as sent: reason `bad-request` or `version-mismatch`. */
export class ProtocolError extends Error {
  readonly reason: 'bad-request' | 'version-mismatch';

  constructor(reason: 'bad-request' | 'version-mismatch', message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.reason = reason;
  }
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(object: Json, field: string, where: string, required: boolean): string {
  const value = object[field];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value === '')) {
    throw new ProtocolError('bad-request', `Invalid request: ${where}.${field} must be a non-empty string`);
  }
  return value;
}

function section(object: Json, field: string): Json {
  const value = object[field];
  if (!isObject(value)) throw new ProtocolError('bad-request', `Invalid request: "${field}" must be an object`);
  return value;
}

function envelope(body: unknown): Json {
  if (!isObject(body)) throw new ProtocolError('bad-request', 'Invalid request: the body must be a JSON object');
  const version = body.version;
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError('version-mismatch', `Cannot serve protocol version ${JSON.stringify(version)}: this daemon speaks "${PROTOCOL_VERSION}"`);
  }
  return body;
}

function ipamKey(body: Json): IpamKey {
  const key = section(body, 'key');
  return { networkName: text(key, 'networkName', 'key', true), containerId: text(key, 'containerId', 'key', true), ifName: text(key, 'ifName', 'key', true) };
}

function podIdentity(body: Json): PodIdentity {
  const pod = section(body, 'pod');
  return { namespace: text(pod, 'namespace', 'pod', false), name: text(pod, 'name', 'pod', false), infraContainerId: text(pod, 'infraContainerId', 'pod', false), uid: text(pod, 'uid', 'pod', false) };
}

/** Validates a decoded ADD body; throws `ProtocolError`. */
export function parseAddRequest(body: unknown): AddRequest {
  const object = envelope(body);
  return { version: PROTOCOL_VERSION, key: ipamKey(object), pod: podIdentity(object), netns: text(object, 'netns', 'request', false) };
}

/** Validates a decoded DEL body; throws `ProtocolError`. */
export function parseDelRequest(body: unknown): DelRequest {
  const object = envelope(body);
  const cause = object.cause ?? 'PodDeleted';
  if (cause !== 'PodDeleted' && cause !== 'SetupNSFailed') {
    throw new ProtocolError('bad-request', `Invalid request: cause must be "PodDeleted" or "SetupNSFailed", not ${JSON.stringify(cause)}`);
  }
  return { version: PROTOCOL_VERSION, key: ipamKey(object), pod: podIdentity(object), cause };
}
