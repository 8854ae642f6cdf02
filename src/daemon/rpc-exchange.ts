/**
 * One plugin request as the RPC server sees it: decode and validate the body, call the service, and turn
 * the result (or the exception) into the reply, its HTTP status, its log line and its metrics.
 */
import type { AddReply, AddRequest, DelReply, DelRequest, Failure, IpamKey, PodIdentity, ReasonCode, StatusReply } from '../core/protocol/index.ts';
import { isFailure, parseAddRequest, parseDelRequest, PROTOCOL_VERSION, ProtocolError } from '../core/protocol/index.ts';
import type { LogFields } from '../ports/logger.ts';
import type { DaemonMetrics } from './metrics.ts';

/** What the daemon does for the plugin; the RPC server only transports, validates, logs and counts. */
export interface IpamdService {
  /** Assigns an address to the pod (idempotent per IPAM key); failures carry a reason, never throw for them. */
  add(request: AddRequest): Promise<AddReply>;
  /** Releases the pod's address. */
  del(request: DelRequest): Promise<DelReply>;
  /** Readiness, answered at once. */
  status(): StatusReply;
}

/** The result of one request, ready to send and log. */
export interface Exchange {
  readonly status: number;
  readonly reply: AddReply | DelReply | StatusReply;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** What an exchange needs from the server. */
export interface ExchangeContext {
  readonly service: IpamdService;
  readonly metrics: DaemonMetrics | undefined;
  /** Told about exceptions thrown by the service (they become reason `internal`). */
  readonly onServiceError: (operation: string, error: unknown, fields: LogFields) => void;
}

const HTTP_STATUS: Readonly<Record<ReasonCode, number>> = {
  'ok': 200,
  'pool-empty': 503,
  'subnet-full': 503,
  'no-contiguous-28': 503,
  'eni-limit': 503,
  'max-pods': 503,
  'throttled': 503,
  'unknown-pod': 404,
  'bad-request': 400,
  'version-mismatch': 400,
  'daemon-unavailable': 503,
  'internal': 500,
};

/** Failures that mean "no address could be handed out" (upstream's `awscni_no_available_ip_addresses`). */
const NO_ADDRESS_REASONS: ReadonlySet<ReasonCode> = new Set(['pool-empty', 'subnet-full', 'no-contiguous-28', 'eni-limit', 'max-pods', 'throttled']);

/** The HTTP status that goes with a reply's reason code (the body's `reason` is what clients act on). */
export function httpStatusOf(reason: ReasonCode): number {
  return HTTP_STATUS[reason];
}

/** A failure reply of this protocol version. */
export function failure(reason: Failure['reason'], message: string): Failure {
  return { version: PROTOCOL_VERSION, reason, message };
}

/** Serves an ADD body. Counts `awscni_add_ip_req_count` on arrival, as upstream does before validating. */
export async function exchangeAdd(context: ExchangeContext, text: string): Promise<Exchange> {
  context.metrics?.awscni.addIpRequests.inc();
  const decoded = decode(text, parseAddRequest);
  const fields = decoded.request === undefined ? {} : requestFields(decoded.request.key, decoded.request.pod);
  const request = decoded.request;
  const reply = request === undefined ? decoded.failure : await callService(context, 'ADD', fields, () => context.service.add(request));
  countAdd(context.metrics, reply);
  const addresses = isFailure(reply) ? {} : { addresses: reply.addresses.map((address) => address.ipv4).join(',') };
  return replyExchange('ADD', reply, { ...fields, ...addresses });
}

/** Serves a DEL body. Counts `awscni_del_ip_req_count{reason}` by the request's cause. */
export async function exchangeDel(context: ExchangeContext, text: string): Promise<Exchange> {
  const decoded = decode(text, parseDelRequest);
  const request = decoded.request;
  context.metrics?.awscni.delIpRequests.inc({ reason: request?.cause ?? 'invalid' });
  const fields = request === undefined ? {} : { ...requestFields(request.key, request.pod), cause: request.cause };
  const reply = request === undefined ? decoded.failure : await callService(context, 'DEL', fields, () => context.service.del(request));
  if (isFailure(reply)) context.metrics?.vpcnet.delFailures.inc({ reason: reply.reason });
  const addresses = isFailure(reply) ? {} : { addresses: reply.addresses.map((address) => address.ipv4).join(',') };
  return replyExchange('DEL', reply, { ...fields, ...addresses });
}

/** Serves a STATUS request (logged at debug: runtimes may poll it). */
export function exchangeStatus(context: ExchangeContext): Exchange {
  let reply: StatusReply;
  try {
    reply = context.service.status();
  } catch (error) {
    context.onServiceError('STATUS', error, {});
    reply = { version: PROTOCOL_VERSION, ready: false, message: `internal error in vpcnet-ipamd: ${messageOf(error)}` };
    return { status: 500, reply, level: 'error', message: 'Served STATUS', fields: { ready: false } };
  }
  return { status: reply.ready ? 200 : 503, reply, level: 'debug', message: 'Served STATUS', fields: { ready: reply.ready } };
}

/** An exchange that fails before reaching the service (bad path, method, body or a stopping daemon). */
export function rejectedExchange(operation: string, reply: Failure, fields: LogFields = {}): Exchange {
  return replyExchange(operation, reply, fields);
}

function replyExchange(operation: string, reply: AddReply | DelReply, fields: LogFields): Exchange {
  const level = reply.reason === 'ok' ? 'info' : reply.reason === 'internal' ? 'error' : 'warn';
  const detail = isFailure(reply) ? { error: reply.message } : {};
  return { status: httpStatusOf(reply.reason), reply, level, message: `Served ${operation}`, fields: { ...fields, reason: reply.reason, ...detail } };
}

type Decoded<T> = { readonly request: T; readonly failure?: undefined } | { readonly request?: undefined; readonly failure: Failure };

function decode<T>(text: string, parse: (body: unknown) => T): Decoded<T> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { failure: failure('bad-request', `Invalid request: the body is not JSON (${messageOf(error)})`) };
  }
  try {
    return { request: parse(body) };
  } catch (error) {
    if (error instanceof ProtocolError) return { failure: failure(error.reason, error.message) };
    throw error;
  }
}

async function callService<R extends AddReply | DelReply>(context: ExchangeContext, operation: string, fields: LogFields, call: () => Promise<R>): Promise<R | Failure> {
  try {
    return await call();
  } catch (error) {
    context.onServiceError(operation, error, fields);
    return failure('internal', `internal error in vpcnet-ipamd: ${messageOf(error)}`);
  }
}

function countAdd(metrics: DaemonMetrics | undefined, reply: AddReply): void {
  if (metrics === undefined || !isFailure(reply)) return;
  metrics.vpcnet.addFailures.inc({ reason: reply.reason });
  if (NO_ADDRESS_REASONS.has(reply.reason)) metrics.awscni.noAvailableIpAddresses.inc();
}

function requestFields(key: IpamKey, pod: PodIdentity): LogFields {
  return { key: `${key.networkName}/${key.containerId}/${key.ifName}`, pod: `${pod.namespace}/${pod.name}` };
}

/** The message of an error, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
