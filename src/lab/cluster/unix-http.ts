import { request } from 'node:http';

/** One JSON request over a unix socket. */
export interface UnixRequest {
  readonly socketPath: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

/** The answer: HTTP status and the decoded JSON body (`undefined` when empty). */
export interface UnixResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Sends a JSON request over a unix socket; rejects on connection errors, timeouts and non-JSON replies. */
export function unixRequest(options: UnixRequest): Promise<UnixResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: options.socketPath, method: options.method, path: options.path, timeout: options.timeoutMs,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        } catch {
          reject(new Error(`${options.method} ${options.path}: the reply is not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method} ${options.path}: no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
