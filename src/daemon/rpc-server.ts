/**
 * The daemon's API for the plugin: HTTP + JSON on a unix socket (`PROTOCOL_PATHS`). Bad input of any kind
 * (garbage, oversized or stalled bodies, wrong versions, broken HTTP, a throwing service) gets a `Failure`
 * reply with a reason code, or a closed connection; it never stops the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { PROTOCOL_PATHS, PROTOCOL_VERSION } from '../core/protocol/index.ts';
import type { Logger, LogFields } from '../ports/logger.ts';
import { closeServer, listenOn, removeSocketFile } from './http-listen.ts';
import type { DaemonMetrics } from './metrics.ts';
import { readBody } from '../adapters/http/read-body.ts';
import type { Exchange, ExchangeContext, IpamdService } from './rpc-exchange.ts';
import { exchangeAdd, exchangeDel, exchangeStatus, failure, messageOf, rejectedExchange } from './rpc-exchange.ts';

export type { IpamdService } from './rpc-exchange.ts';
export { httpStatusOf } from './rpc-exchange.ts';

/** How to run the plugin API. */
export interface RpcServerOptions {
  /** E.g. `DEFAULT_SOCKET_PATH`; the parent directory is created (0755) and the socket is 0660, as upstream. */
  readonly socketPath: string;
  readonly service: IpamdService;
  readonly logger: Logger;
  /** Counts requests and failures by reason; the service must not count these again. */
  readonly metrics?: DaemonMetrics;
  /** Largest request body; defaults to 64 KiB (a real request is a few hundred bytes). */
  readonly maxBodyBytes?: number;
  /** Time allowed for the headers, and again for the body, of a request; defaults to 10 s. */
  readonly requestTimeoutMs?: number;
  /** How long `close()` waits for requests in flight before dropping them; defaults to 8 s. */
  readonly drainTimeoutMs?: number;
}

/** A running plugin API. */
export interface RpcServer {
  readonly socketPath: string;
  /** Requests being served now. */
  inFlight(): number;
  /**
   * Answers new requests with `daemon-unavailable`, waits for those in flight (up to the drain timeout),
   * then stops and removes the socket file.
   */
  close(): Promise<void>;
}

interface ServerState {
  readonly exchange: ExchangeContext;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly inFlight: Set<Promise<void>>;
  stopping: boolean;
}

/** Starts the plugin API on `options.socketPath`; rejects if the socket cannot be created or is in use. */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 8_000;
  const state: ServerState = {
    exchange: {
      service: options.service,
      metrics: options.metrics,
      onServiceError: (operation, error, fields) => options.logger.error(`${operation} failed with an internal error`, { ...fields, error: messageOf(error), stack: error instanceof Error ? error.stack : undefined }),
    },
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    requestTimeoutMs,
    inFlight: new Set(),
    stopping: false,
  };
  const server = createServer({ headersTimeout: requestTimeoutMs, requestTimeout: 2 * requestTimeoutMs, connectionsCheckingInterval: Math.max(10, Math.min(1000, requestTimeoutMs / 4)) });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => track(state, serve(state, request, response)));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerBrokenHttp(state.logger, error, socket));
  await listenOn(server, { kind: 'unix', path: options.socketPath }, { mode: 0o660 });
  options.logger.info('Serving the plugin API', { socket: options.socketPath, protocol: PROTOCOL_VERSION });
  const stop = async (): Promise<void> => {
    // Keep listening while draining, so that a plugin calling now hears `daemon-unavailable`, not silence.
    state.stopping = true;
    await waitForInFlight(state, drainTimeoutMs);
    await closeServer(server, 100);
    await removeSocketFile(options.socketPath);
    options.logger.info('Stopped the plugin API', { socket: options.socketPath });
  };
  let stopped: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    inFlight: () => state.inFlight.size,
    close: () => (stopped ??= stop()),
  };
}

function track(state: ServerState, work: Promise<void>): void {
  const tracked = work.catch((error: unknown) => state.logger.error('Plugin API request failed unexpectedly', { error: messageOf(error) }));
  state.inFlight.add(tracked);
  void tracked.finally(() => state.inFlight.delete(tracked));
}

async function waitForInFlight(state: ServerState, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.allSettled([...state.inFlight]), deadline]);
  clearTimeout(timer);
}

async function serve(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.on('error', () => undefined);
  const startedAt = performance.now();
  let exchange: Exchange | undefined;
  try {
    exchange = await exchangeFor(state, request);
  } catch (error) {
    state.logger.error('Plugin API request failed unexpectedly', { error: messageOf(error), stack: error instanceof Error ? error.stack : undefined });
    exchange = rejectedExchange('request', failure('internal', `internal error in vpcnet-ipamd: ${messageOf(error)}`));
  }
  if (exchange === undefined) return; // the client went away mid-body
  const close = state.stopping || exchange.status === 408 || exchange.status === 413;
  send(response, exchange, close);
  const ms = Math.round((performance.now() - startedAt) * 10) / 10;
  state.logger[exchange.level](exchange.message, { ...exchange.fields, status: exchange.status, ms });
}

async function exchangeFor(state: ServerState, request: IncomingMessage): Promise<Exchange | undefined> {
  const path = (request.url ?? '').split('?')[0] ?? '';
  const method = request.method ?? '';
  const where = { method, path };
  const operation = operationOf(path);
  if (state.stopping) return stoppingExchange(operation, where);
  if (operation === 'STATUS') {
    if (method !== 'GET') return rejectedExchange(operation, methodNotAllowed(method, path, 'GET'), where);
    return exchangeStatus(state.exchange);
  }
  if (operation === 'request') {
    const known = Object.values(PROTOCOL_PATHS).join(', ');
    return { ...rejectedExchange(operation, failure('bad-request', `Invalid request: unknown path "${path}" (paths: ${known})`), where), status: 404 };
  }
  if (method !== 'POST') return rejectedExchange(operation, methodNotAllowed(method, path, 'POST'), where);
  const body = await readBody(request, { maxBytes: state.maxBodyBytes, timeoutMs: state.requestTimeoutMs });
  if (body.kind === 'aborted') return undefined;
  if (body.kind === 'too-large') {
    return { ...rejectedExchange(operation, failure('bad-request', `Invalid request: the body exceeds ${state.maxBodyBytes} bytes`), where), status: 413 };
  }
  if (body.kind === 'timeout') {
    return { ...rejectedExchange(operation, failure('bad-request', `Invalid request: the body was not received within ${state.requestTimeoutMs} ms`), where), status: 408 };
  }
  const text = body.body.toString('utf8');
  return operation === 'ADD' ? exchangeAdd(state.exchange, text) : exchangeDel(state.exchange, text);
}

/** While stopping: `daemon-unavailable` for ADD and DEL, not ready for STATUS. */
function stoppingExchange(operation: ReturnType<typeof operationOf>, where: LogFields): Exchange {
  const message = 'vpcnet-ipamd is stopping';
  if (operation !== 'STATUS') return rejectedExchange(operation, failure('daemon-unavailable', message), where);
  return { status: 503, reply: { version: PROTOCOL_VERSION, ready: false, message }, level: 'info', message: 'Served STATUS', fields: { ...where, ready: false } };
}

function operationOf(path: string): 'ADD' | 'DEL' | 'STATUS' | 'request' {
  if (path === PROTOCOL_PATHS.add) return 'ADD';
  if (path === PROTOCOL_PATHS.del) return 'DEL';
  return path === PROTOCOL_PATHS.status ? 'STATUS' : 'request';
}

function methodNotAllowed(method: string, path: string, allowed: string): ReturnType<typeof failure> {
  return failure('bad-request', `Invalid request: ${method} is not allowed on ${path} (use ${allowed})`);
}

function send(response: ServerResponse, exchange: Exchange, close: boolean): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(JSON.stringify(exchange.reply), 'utf8');
  response.statusCode = exchange.status;
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Content-Length', payload.length);
  if (close) response.setHeader('Connection', 'close');
  response.end(payload);
}

/** Bytes that are not HTTP/1.1, or headers that never finish: a `bad-request` reply, then the connection closes. */
function answerBrokenHttp(logger: Logger, cause: NodeJS.ErrnoException, socket: Socket): void {
  const fields: LogFields = { error: cause.message, code: cause.code };
  if (cause.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const timedOut = cause.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  logger.warn('Rejected a broken HTTP request on the plugin API', fields);
  const reply = failure('bad-request', timedOut ? 'Invalid request: not received within the time allowed' : 'Invalid request: not a valid HTTP/1.1 request');
  const payload = Buffer.from(JSON.stringify(reply), 'utf8');
  const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
  const head = `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
  socket.on('error', () => undefined);
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
  setTimeout(() => socket.destroy(), 1000).unref();
}
