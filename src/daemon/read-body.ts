import type { IncomingMessage } from 'node:http';

/** Bounds on reading one request body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Time allowed to receive the whole body. */
  readonly timeoutMs: number;
}

/** How reading a body ended. */
export type BodyResult =
  | { readonly kind: 'complete'; readonly text: string }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/**
 * Bytes of an oversized body still read (and thrown away) after `too-large`, so that the client is not reset
 * before it reads the answer; past this the connection is destroyed.
 */
const DRAIN_BYTES = 1024 * 1024;

/**
 * Reads a request body as UTF-8 within `limits`; never rejects. After `too-large` or `timeout` the caller
 * answers with `Connection: close`; an oversized body is drained (up to `DRAIN_BYTES`, then the connection
 * is destroyed), a stalled one is not read further.
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
      if (result.kind === 'timeout') request.pause();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), limits.timeoutMs);
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (settled) {
        if (received > limits.maxBytes + DRAIN_BYTES) request.socket.destroy();
        return;
      }
      if (received > limits.maxBytes) settle({ kind: 'too-large' });
      else chunks.push(chunk);
    });
    request.on('end', () => settle({ kind: 'complete', text: Buffer.concat(chunks).toString('utf8') }));
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
