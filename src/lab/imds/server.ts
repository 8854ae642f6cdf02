/**
 * The emulated instance metadata service as an HTTP server. The lab fabric's forwarder brings
 * 169.254.169.254 from each instance's namespace to a UNIX socket served here; tests point clients at
 * the returned `url`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImdsHandler } from './handler.ts';
import type { ImdsOptions } from './handler.ts';
import { listenProxied, proxiedAddressesOf } from './proxy-protocol.ts';

/** Where to listen, and how the endpoint behaves. */
export interface ImdsServerOptions extends ImdsOptions {
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Defaults to 0 (an ephemeral port). */
  readonly port?: number;
  /**
   * Listen on this UNIX socket instead of TCP. Every connection must start with a PROXY protocol v1
   * line, whose source address is taken as the caller's (it picks the instance).
   */
  readonly unixSocket?: string;
}

/** A running IMDS endpoint. */
export interface ImdsServer {
  /** `http://host:port`, without a trailing slash; `unix:<path>` on a UNIX socket. */
  readonly url: string;
  /** The TCP port; 0 on a UNIX socket. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts an IMDS endpoint. To serve several instances, either start one server per instance with its
 * `instanceId`, or one server with a `resolveInstance` (e.g. `instanceResolverFromMap`); by default the
 * caller's (or the PROXY line's) source address picks the instance whose ENI holds it.
 */
export async function startImdsServer(options: ImdsServerOptions): Promise<ImdsServer> {
  const handler = new ImdsHandler(options);
  const server = createServer((request, response) => {
    serve(handler, request, response);
  });
  try {
    if (options.unixSocket !== undefined) return await listenOnUnixSocket(server, handler, options.unixSocket);
    return await listenOnTcp(server, handler, options);
  } catch (error) {
    handler.close();
    throw error;
  }
}

async function listenOnTcp(server: Server, handler: ImdsHandler, options: ImdsServerOptions): Promise<ImdsServer> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, port, close: () => closeServer(server, handler) };
}

async function listenOnUnixSocket(server: Server, handler: ImdsHandler, path: string): Promise<ImdsServer> {
  const listener = await listenProxied(path, {
    onConnection: (socket) => {
      server.emit('connection', socket);
      socket.resume();
    },
  });
  return {
    url: `unix:${path}`,
    port: 0,
    close: async () => {
      await listener.close();
      await closeServer(server, handler);
    },
  };
}

function serve(handler: ImdsHandler, request: IncomingMessage, response: ServerResponse): void {
  // The body of a token PUT is ignored; drain it so the connection can be reused.
  request.resume();
  const reply = handler.handle({
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    remoteAddress: proxiedAddressesOf(request.socket)?.sourceAddress ?? request.socket.remoteAddress ?? '',
  });
  response.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

async function closeServer(server: Server, handler: ImdsHandler): Promise<void> {
  handler.close();
  if (!server.listening) {
    // On a UNIX socket the HTTP server only parses connections handed to it; it never listened.
    server.closeAllConnections();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}
