/** Reading an HTTP request body within size and time bounds, shared by every HTTP server of vpcnet (the daemon's plugin API, the lab's EC2 API). */
import type { IncomingMessage } from 'node:http';

/** Bounds on reading one request body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Time allowed to receive the whole body, from the end of the headers. */
  readonly timeoutMs: number;
}

/** How reading a body ended. */
export type BodyResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/**
 * Bytes of an oversized body still read (and thrown away) after answering, so the client is not reset
 * before it reads the `413`; past this the connection is destroyed.
 */
const DRAIN_BYTES = 4 * 1024 * 1024;

/**
 * Reads a request body within `limits`. Never rejects. On `too-large` the rest of the body is drained
 * in the background (bounded by `DRAIN_BYTES` and `timeoutMs`, then the socket is destroyed) so the
 * connection can carry the answer; on `timeout` the caller should answer and close the connection.
 */
export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      chunks.length = 0;
      if (result.kind === 'too-large') drainInBackground(request, limits.timeoutMs);
      resolve(result);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), limits.timeoutMs);
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (settled) {
        if (received > limits.maxBytes + DRAIN_BYTES) request.socket.destroy();
      } else if (received > limits.maxBytes) {
        settle({ kind: 'too-large' });
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => settle({ kind: 'complete', body: Buffer.concat(chunks) }));
    request.on('error', () => settle({ kind: 'aborted' }));
    request.on('close', () => settle({ kind: 'aborted' }));
    if (declaredLength(request) > limits.maxBytes) settle({ kind: 'too-large' });
  });
}

/** The `Content-Length` header as a number, or 0 when absent or unreadable. */
function declaredLength(request: IncomingMessage): number {
  const header = request.headers['content-length'];
  const length = header === undefined ? 0 : Number(header);
  return Number.isFinite(length) ? length : 0;
}

/** Gives the client `timeoutMs` to finish sending an unwanted body, then drops the connection. */
function drainInBackground(request: IncomingMessage, timeoutMs: number): void {
  if (request.complete) return;
  const timer = setTimeout(() => request.socket.destroy(), timeoutMs);
  timer.unref();
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
}
