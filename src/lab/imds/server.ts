/**
 * The emulated instance metadata service as an HTTP server. The lab routes 169.254.169.254 from each
 * instance's namespace here; tests point clients at the returned `url`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImdsHandler } from './handler.ts';
import type { ImdsOptions } from './handler.ts';

/** Where to listen, and how the endpoint behaves. */
export interface ImdsServerOptions extends ImdsOptions {
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Defaults to 0 (an ephemeral port). */
  readonly port?: number;
}

/** A running IMDS endpoint. */
export interface ImdsServer {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts an IMDS endpoint. To serve several instances, either start one server per instance with its
 * `instanceId`, or one server with a `resolveInstance` (e.g. `instanceResolverFromMap`).
 */
export async function startImdsServer(options: ImdsServerOptions): Promise<ImdsServer> {
  const handler = new ImdsHandler(options);
  const server = createServer((request, response) => {
    serve(handler, request, response);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    handler.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => closeServer(server, handler),
  };
}

function serve(handler: ImdsHandler, request: IncomingMessage, response: ServerResponse): void {
  // The body of a token PUT is ignored; drain it so the connection can be reused.
  request.resume();
  const reply = handler.handle({
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    remoteAddress: request.socket.remoteAddress ?? '',
  });
  response.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

async function closeServer(server: ReturnType<typeof createServer>, handler: ImdsHandler): Promise<void> {
  handler.close();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}
