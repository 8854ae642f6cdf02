import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ActionTable } from './action.ts';
import type { Ec2Reply, Ec2Service } from './dispatch.ts';
import { dispatch, errorReply } from './dispatch.ts';
import { Ec2ApiError } from './errors.ts';
import { readBody } from '../../adapters/http/read-body.ts';
import type { Ec2Model } from './model/model.ts';
import type { PermissionPolicy } from './permissions.ts';
import type { ThrottleOptions } from './throttle.ts';
import { Throttle } from './throttle.ts';
import { renderError } from './xml.ts';

/** How to run an emulated EC2 endpoint. */
export interface Ec2ServerOptions {
  readonly model: Ec2Model;
  readonly actions: ActionTable;
  /** Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** Defaults to 0 (an ephemeral port). */
  readonly port?: number;
  /** Token-bucket settings, or `false` to never throttle. Defaults to EC2's bucket sizes. */
  readonly throttle?: ThrottleOptions | false;
  /** Who may call what; defaults to everyone may call everything. */
  readonly permissions?: PermissionPolicy;
  /** Delay before every API reply; defaults to the model's latency profile. */
  readonly apiResponseMs?: number;
  /** Largest request body; defaults to 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Time allowed for the headers, and again for the body, of a request; defaults to 10 s. */
  readonly requestTimeoutMs?: number;
  /** Told about handler exceptions that callers see as `InternalError`. */
  readonly onInternalError?: (error: unknown, action: string) => void;
}

/** A running emulated EC2 endpoint. */
export interface Ec2Server {
  /** Base URL to pass as the SDK's `endpoint`, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening, drops every connection and pending reply. */
  close(): Promise<void>;
}

interface ServerContext {
  readonly service: Ec2Service;
  readonly apiResponseMs: number;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly pendingReplies: Set<NodeJS.Timeout>;
}

/**
 * Starts an HTTP server speaking the EC2 Query protocol: `POST` form bodies in, XML out, on any path.
 * Bad input of any kind (garbage bytes, oversized or stalled bodies, aborted connections, crashing
 * handlers) gets an AWS-style error or a closed connection; it never stops the server.
 */
export async function startEc2Server(options: Ec2ServerOptions): Promise<Ec2Server> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const context: ServerContext = {
    service: {
      model: options.model,
      actions: options.actions,
      throttle: options.throttle === false ? undefined : new Throttle(options.throttle),
      permissions: options.permissions ?? {},
      onInternalError: options.onInternalError,
    },
    apiResponseMs: options.apiResponseMs ?? options.model.latency.apiResponseMs,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    requestTimeoutMs,
    pendingReplies: new Set(),
  };
  const server = createServer({
    headersTimeout: requestTimeoutMs,
    requestTimeout: 2 * requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, requestTimeoutMs / 4)),
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    serve(context, request, response).catch((error: unknown) => {
      const reply = errorReply(context.service, error, { action: '', requestId: randomUUID() });
      send(response, reply, { close: true });
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerBadHttp(error, socket));
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, host, options.port ?? 0);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    close: () => closeServer(server, context.pendingReplies),
  };
}

async function serve(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.on('error', () => undefined);
  const requestId = randomUUID();
  if (request.method !== 'POST') {
    const method = request.method ?? '';
    const error = new Ec2ApiError('MethodNotAllowed', `The HTTP method ${method} is not supported; use POST`, 405);
    send(response, { status: 405, xml: renderError(error, requestId) }, { requestId, allow: 'POST' });
    return;
  }
  const body = await readBody(request, { maxBytes: context.maxBodyBytes, timeoutMs: context.requestTimeoutMs });
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') {
    const error = new Ec2ApiError(
      'RequestEntityTooLarge',
      `The request body exceeds the maximum allowed size of ${context.maxBodyBytes} bytes`,
      413,
    );
    send(response, { status: 413, xml: renderError(error, requestId) }, { requestId });
    return;
  }
  if (body.kind === 'timeout') {
    const error = new Ec2ApiError('RequestTimeout', 'The request body was not received within the time allowed', 408);
    send(response, { status: 408, xml: renderError(error, requestId) }, { requestId, close: true });
    return;
  }
  const authorization = request.headers.authorization;
  const reply = dispatch(context.service, { body: body.body.toString('utf8'), authorization, requestId });
  replyLater(context, () => send(response, reply, { requestId }));
}

/** Sends after the configured API latency; the timer is dropped if the server closes first. */
function replyLater(context: ServerContext, sendReply: () => void): void {
  if (context.apiResponseMs <= 0) {
    sendReply();
    return;
  }
  const timer = setTimeout(() => {
    context.pendingReplies.delete(timer);
    sendReply();
  }, context.apiResponseMs);
  context.pendingReplies.add(timer);
}

interface SendOptions {
  readonly requestId?: string;
  readonly close?: boolean;
  readonly allow?: string;
}

function send(response: ServerResponse, reply: Ec2Reply, options: SendOptions): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(reply.xml, 'utf8');
  response.statusCode = reply.status;
  response.setHeader('Content-Type', 'text/xml;charset=UTF-8');
  response.setHeader('Content-Length', payload.length);
  response.setHeader('Server', 'AmazonEC2');
  if (options.requestId !== undefined) response.setHeader('x-amzn-requestid', options.requestId);
  if (options.allow !== undefined) response.setHeader('Allow', options.allow);
  if (options.close === true) response.setHeader('Connection', 'close');
  response.end(payload);
}

/**
 * Answers bytes that are not HTTP/1.1 with a 400 XML error (headers that never finish with a 408) and
 * closes the connection.
 */
function answerBadHttp(cause: NodeJS.ErrnoException, socket: Socket): void {
  if (cause.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const timedOut = cause.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const error = timedOut
    ? new Ec2ApiError('RequestTimeout', 'The request was not received within the time allowed', 408)
    : new Ec2ApiError('InvalidRequest', 'The request is not a valid HTTP/1.1 request');
  const payload = Buffer.from(renderError(error, requestId), 'utf8');
  const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
  const head =
    `HTTP/1.1 ${status}\r\nContent-Type: text/xml;charset=UTF-8\r\n` +
    `Content-Length: ${payload.length}\r\nx-amzn-requestid: ${requestId}\r\nConnection: close\r\n\r\n`;
  socket.on('error', () => undefined);
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
  setTimeout(() => socket.destroy(), 1000).unref();
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server, pendingReplies: Set<NodeJS.Timeout>): Promise<void> {
  for (const timer of pendingReplies) clearTimeout(timer);
  pendingReplies.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
