/**
 * `PluginIpamd` over `requestIpamd` (HTTP + JSON on the daemon's unix socket): builds the paths, bounds each
 * call by a deadline and checks that a reply has the protocol's shape before the plugin acts on it. A reply
 * of the wrong shape is treated like no reply (the daemon could not be asked properly).
 */
import type { AddReply, DelReply, PodAddress, StatusReply } from '../core/protocol/protocol.ts';
import { PROTOCOL_PATHS } from '../core/protocol/protocol.ts';
import { IpamdRequestError, requestIpamd } from './ipamd-client.ts';
import type { PluginIpamd } from './plugin-deps.ts';

/** Deadlines per call, in ms. */
export interface IpamdTimeouts {
  /** ADD may wait for the daemon to attach an ENI or assign addresses through EC2 (default 60 000). */
  readonly addMs: number;
  /** DEL must not hold up pod deletion (default 5 000). */
  readonly delMs: number;
  /** STATUS is answered at once by a live daemon (default 5 000). */
  readonly statusMs: number;
}

/** The deadlines used when none are given. */
export const DEFAULT_IPAMD_TIMEOUTS: IpamdTimeouts = Object.freeze({ addMs: 60_000, delMs: 5_000, statusMs: 5_000 });

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAddress(value: unknown): value is PodAddress {
  return isObject(value) && typeof value.ipv4 === 'string' && Number.isInteger(value.deviceNumber) && Number.isInteger(value.routeTableId);
}

function badReply(socketPath: string, what: string, body: unknown): IpamdRequestError {
  const shown = JSON.stringify(body)?.slice(0, 200) ?? String(body);
  return new IpamdRequestError('bad-reply', socketPath, `Cannot use the answer of vpcnet-ipamd on ${socketPath}: not a ${what} reply: ${shown}`);
}

/** An ADD or DEL reply: `reason` "ok" with valid addresses, or a failure with a reason and a message. */
function checkReply<T extends AddReply | DelReply>(socketPath: string, what: string, body: unknown): T {
  if (!isObject(body) || typeof body.reason !== 'string') throw badReply(socketPath, what, body);
  if (body.reason === 'ok') {
    if (!Array.isArray(body.addresses) || !body.addresses.every(isAddress)) throw badReply(socketPath, what, body);
  } else if (typeof body.message !== 'string') {
    throw badReply(socketPath, what, body);
  }
  return body as unknown as T;
}

function checkStatus(socketPath: string, body: unknown): StatusReply {
  if (!isObject(body) || typeof body.ready !== 'boolean') throw badReply(socketPath, 'STATUS', body);
  return { version: typeof body.version === 'string' ? body.version : '', ready: body.ready, message: typeof body.message === 'string' ? body.message : '', ...(body.degraded === true ? { degraded: true } : {}) };
}

/** The daemon on `socketPath`, one HTTP request per call. */
export function connectIpamd(socketPath: string, timeouts: IpamdTimeouts = DEFAULT_IPAMD_TIMEOUTS): PluginIpamd {
  return {
    add: async (request) => {
      const response = await requestIpamd({ socketPath, path: PROTOCOL_PATHS.add, body: request, timeoutMs: timeouts.addMs });
      return checkReply<AddReply>(socketPath, 'ADD', response.body);
    },
    del: async (request) => {
      const response = await requestIpamd({ socketPath, path: PROTOCOL_PATHS.del, body: request, timeoutMs: timeouts.delMs });
      return checkReply<DelReply>(socketPath, 'DEL', response.body);
    },
    status: async () => {
      const response = await requestIpamd({ socketPath, path: PROTOCOL_PATHS.status, timeoutMs: timeouts.statusMs });
      return checkStatus(socketPath, response.body);
    },
  };
}
