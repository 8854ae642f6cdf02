/**
 * The plugin's side of the plugin <-> daemon protocol: one HTTP request over the daemon's unix socket,
 * bounded by a deadline. Imports only `node:http` and the protocol types, so that the plugin starts fast.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { PROTOCOL_PATHS } from '../core/protocol/index.ts';

/** One request to the daemon. */
export interface IpamdRequest {
  /** E.g. `DEFAULT_SOCKET_PATH`. */
  readonly socketPath: string;
  readonly path: (typeof PROTOCOL_PATHS)[keyof typeof PROTOCOL_PATHS];
  /** Sent as JSON with `POST`; without a body the request is a `GET`. */
  readonly body?: unknown;
  /** Deadline for the whole exchange, connection included. */
  readonly timeoutMs: number;
}

/** The daemon's answer: the HTTP status and the decoded JSON body (a reply of the protocol, unvalidated). */
export interface IpamdResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Why no answer came: no daemon on the socket, no answer in time, or an answer that is not JSON. */
export type IpamdRequestErrorKind = 'unreachable' | 'timeout' | 'bad-reply';

/** A request that got no usable answer; `kind` says which way it failed. */
export class IpamdRequestError extends Error {
  readonly kind: IpamdRequestErrorKind;
  readonly socketPath: string;

  constructor(kind: IpamdRequestErrorKind, socketPath: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IpamdRequestError';
    this.kind = kind;
    this.socketPath = socketPath;
  }
}

/** Largest reply read; a real one is well under a kilobyte. */
const MAX_REPLY_BYTES = 1024 * 1024;

/** Sends one request to the daemon; rejects with `IpamdRequestError` when no usable answer comes in time. */
export function requestIpamd(request: IpamdRequest): Promise<IpamdResponse> {
  const { socketPath, timeoutMs } = request;
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: IpamdRequestError): void => settle(() => {
      reject(error);
      outgoing.destroy();
    });
    const outgoing = httpRequest({
      socketPath,
      path: request.path,
      method: payload === undefined ? 'GET' : 'POST',
      agent: false,
      headers: payload === undefined ? { Accept: 'application/json' } : { 'Accept': 'application/json', 'Content-Type': 'application/json', 'Content-Length': payload.length },
    });
    const timer = setTimeout(() => fail(new IpamdRequestError('timeout', socketPath, `Cannot get an answer from vpcnet-ipamd on ${socketPath}: none within ${timeoutMs} ms`)), timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => fail(unreachable(socketPath, error)));
    outgoing.on('response', (response: IncomingMessage) => {
      readReply(response, (outcome) => settle(() => (outcome instanceof IpamdRequestError ? reject(outcome) : resolve(outcome))), socketPath);
    });
    outgoing.end(payload);
  });
}

function readReply(response: IncomingMessage, done: (outcome: IpamdResponse | IpamdRequestError) => void, socketPath: string): void {
  const chunks: Buffer[] = [];
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_REPLY_BYTES) {
      done(new IpamdRequestError('bad-reply', socketPath, `Cannot use the answer of vpcnet-ipamd on ${socketPath}: larger than ${MAX_REPLY_BYTES} bytes`));
      response.destroy();
    } else {
      chunks.push(chunk);
    }
  });
  response.on('error', (error: Error) => done(new IpamdRequestError('unreachable', socketPath, `Cannot read the answer of vpcnet-ipamd on ${socketPath}: ${error.message}`, { cause: error })));
  response.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      done({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
    } catch (error) {
      done(new IpamdRequestError('bad-reply', socketPath, `Cannot use the answer of vpcnet-ipamd on ${socketPath}: not JSON (HTTP ${response.statusCode ?? 0})`, { cause: error }));
    }
  });
}

function unreachable(socketPath: string, error: NodeJS.ErrnoException): IpamdRequestError {
  const why =
    error.code === 'ENOENT' ? 'the socket does not exist (is vpcnet-ipamd running?)'
    : error.code === 'ECONNREFUSED' ? 'nothing listens on the socket (is vpcnet-ipamd running?)'
    : error.code === 'EACCES' ? 'permission denied'
    : error.message;
  return new IpamdRequestError('unreachable', socketPath, `Cannot reach vpcnet-ipamd on ${socketPath}: ${why}`, { cause: error });
}
