import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../ports/logger.ts';
import { closeServer, formatBindAddress, listenOn } from './http-listen.ts';

/** Upstream's metrics port (`:61678`, the `metrics` container port of the aws-node DaemonSet). */
export const DEFAULT_METRICS_PORT = 61678;

/** How to serve `/metrics`. */
export interface MetricsServerOptions {
  /** Defaults to 61678; 0 picks a free port. */
  readonly port?: number;
  /** Defaults to every interface, as upstream (`:61678`). */
  readonly host?: string;
  readonly registry: Registry;
  /** Told about scrapes that fail. */
  readonly logger?: Logger;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The port actually bound. */
  readonly port: number;
  /** `host:port` as bound, e.g. `:61678` or `127.0.0.1:41234`. */
  readonly address: string;
  close(): Promise<void>;
}

// Upstream's http.Server: ReadTimeout and WriteTimeout of 5 s.
const TIMEOUT_MS = 5000;

/**
 * Serves the registry in the Prometheus text format at `/metrics` (any method, as Go's mux); every other
 * path gets Go's `404 page not found`.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer({ headersTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS });
  server.setTimeout(TIMEOUT_MS);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void serveMetrics(options, request, response);
  });
  const bound = await listenOn(server, { kind: 'tcp', host: options.host ?? '', port: options.port ?? DEFAULT_METRICS_PORT });
  const port = bound.kind === 'tcp' ? bound.port : 0;
  return { port, address: formatBindAddress(bound), close: () => closeServer(server, 1000) };
}

async function serveMetrics(options: MetricsServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.on('error', () => undefined);
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/metrics') {
    sendText(response, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    return;
  }
  try {
    sendText(response, 200, options.registry.contentType, await options.registry.metrics());
  } catch (error) {
    options.logger?.error('Failed to collect metrics', { error: error instanceof Error ? error.message : String(error) });
    sendText(response, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n');
  }
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(text, 'utf8');
  response.statusCode = status;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', payload.length);
  response.end(payload);
}
