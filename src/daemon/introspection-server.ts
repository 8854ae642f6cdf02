/**
 * ipamd's introspection endpoint (`127.0.0.1:61679`, `INTROSPECTION_BIND_ADDRESS`): upstream's four paths
 * with upstream's exact bodies, so that `curl`, the EKS log collector and people's scripts work unchanged,
 * plus vpcnet's own read-only views under `/vpcnet/v1/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Logger } from '../ports/logger.ts';
import { closeServer, formatBindAddress, listenOn, parseBindAddress, removeSocketFile } from './http-listen.ts';

/** JSON text already in its final form (e.g. the datastore's `enisViewJson`), sent byte for byte. */
export class PreformattedJson {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/** A view's value: data to serialise, preformatted JSON, or a promise of either. */
export type ViewValue<T = unknown> = T | PreformattedJson | Promise<T | PreformattedJson>;

/** What introspection shows; every view is read at request time. */
export interface IntrospectionViews {
  /** `/v1/enis`: `map[networkCard]ENIInfos` (section f of the reference). */
  enis(): ViewValue;
  /** `/v1/eni-configs`: this node's ENIConfig name, or undefined (then 404, as upstream when it cannot tell). */
  eniConfigName(): ViewValue<string | undefined>;
  /** `/v1/ipamd-env-settings` (`describeConfig(config).ipamdEnvSettings`). */
  ipamdEnvSettings(): ViewValue;
  /** `/v1/networkutils-env-settings` (`describeConfig(config).networkutilsEnvSettings`). */
  networkutilsEnvSettings(): ViewValue;
}

/** How to run introspection. */
export interface IntrospectionServerOptions {
  /** `host:port` (e.g. `127.0.0.1:61679`, port 0 for any) or `unix:<path>`. */
  readonly bindAddress: string;
  readonly views: IntrospectionViews;
  /** vpcnet's own views, served at `/vpcnet/v1/<name>` (names: lowercase letters, digits, dashes). */
  readonly vpcnetViews?: Readonly<Record<string, () => ViewValue>>;
  readonly logger: Logger;
}

/** A running introspection endpoint. */
export interface IntrospectionServer {
  /** The address actually bound, e.g. `127.0.0.1:41234` or `unix:/run/vpcnet/introspection.sock`. */
  readonly address: string;
  /** The TCP port bound, or undefined on a unix socket. */
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** Upstream's paths, in the order vpcnet lists them (upstream's order is Go's random map order). */
export const INTROSPECTION_PATHS = ['/v1/enis', '/v1/eni-configs', '/v1/networkutils-env-settings', '/v1/ipamd-env-settings'] as const;

/** The prefix of vpcnet's own introspection paths. */
export const VPCNET_INTROSPECTION_PREFIX = '/vpcnet/v1/';

// Upstream's http.Server: ReadTimeout and WriteTimeout of 5 s; a view slower than that is an error.
const TIMEOUT_MS = 5000;
// Go's http.ResponseWriter sniffs a JSON body as text/plain; upstream clients see exactly this.
const GO_SNIFFED_TYPE = 'text/plain; charset=utf-8';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** Starts introspection; rejects when the address is invalid or cannot be bound. */
export async function startIntrospectionServer(options: IntrospectionServerOptions): Promise<IntrospectionServer> {
  const names = Object.keys(options.vpcnetViews ?? {});
  const badName = names.find((name) => !/^[a-z0-9][a-z0-9-]*$/.test(name));
  if (badName !== undefined) throw new RangeError(`Cannot serve vpcnet view "${badName}": use lowercase letters, digits and dashes`);
  const server = createServer({ headersTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS });
  server.setTimeout(TIMEOUT_MS);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void serve(options, request, response);
  });
  const bound = await listenOn(server, parseBindAddress(options.bindAddress));
  const address = formatBindAddress(bound);
  options.logger.info('Serving introspection endpoints', { address });
  return {
    address,
    port: bound.kind === 'tcp' ? bound.port : undefined,
    close: async () => {
      await closeServer(server, 1000);
      if (bound.kind === 'unix') await removeSocketFile(bound.path);
    },
  };
}

async function serve(options: IntrospectionServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.on('error', () => undefined);
  const startedAt = performance.now();
  const uri = request.url ?? '';
  const path = uri.split('?')[0] ?? '';
  let answer: Answer;
  try {
    answer = await withTimeout(answerFor(options, path), TIMEOUT_MS);
  } catch (error) {
    options.logger.error('Failed to render an introspection view', { uri, error: error instanceof Error ? error.message : String(error) });
    answer = goError(500, 'Internal Server Error');
  }
  send(response, answer);
  const ms = Math.round((performance.now() - startedAt) * 10) / 10;
  options.logger.info('Handling http request', { method: request.method, from: remoteOf(request), uri, status: answer.status, ms });
}

async function answerFor(options: IntrospectionServerOptions, path: string): Promise<Answer> {
  const { views } = options;
  switch (path) {
    case '/v1/enis':
      return json(await views.enis());
    case '/v1/eni-configs': {
      const name = await views.eniConfigName();
      return name === undefined ? goError(404, 'Not Found') : json(name);
    }
    case '/v1/networkutils-env-settings':
      return json(await views.networkutilsEnvSettings());
    case '/v1/ipamd-env-settings':
      return json(await views.ipamdEnvSettings());
    default:
      return path.startsWith(VPCNET_INTROSPECTION_PREFIX) || path === '/vpcnet/v1' ? answerVpcnet(options, path) : json({ AvailableCommands: INTROSPECTION_PATHS });
  }
}

async function answerVpcnet(options: IntrospectionServerOptions, path: string): Promise<Answer> {
  const views = options.vpcnetViews ?? {};
  const name = path.slice(VPCNET_INTROSPECTION_PREFIX.length);
  const view = Object.hasOwn(views, name) ? views[name] : undefined;
  if (view === undefined) {
    return { ...json({ AvailableCommands: Object.keys(views).map((key) => VPCNET_INTROSPECTION_PREFIX + key) }), contentType: 'application/json' };
  }
  return { ...json(await view()), contentType: 'application/json' };
}

const GO_HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * Compact JSON as Go's `json.Marshal` writes it for these values (no trailing newline; `<`, `>`, `&`,
 * U+2028 and U+2029 escaped); object keys keep the order the view gives them.
 */
export function goStyleJson(value: unknown): string {
  if (value instanceof PreformattedJson) return value.text;
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(GO_HTML_UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function json(value: unknown): Answer {
  return { status: 200, body: goStyleJson(value), contentType: GO_SNIFFED_TYPE };
}

/** What Go's `http.Error` sends: the status text and a newline. */
function goError(status: number, text: string): Answer {
  return { status, body: `${text}\n`, contentType: GO_SNIFFED_TYPE };
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(answer.body, 'utf8');
  response.statusCode = answer.status;
  response.setHeader('Content-Type', answer.contentType);
  response.setHeader('Content-Length', payload.length);
  if (answer.status >= 400) response.setHeader('X-Content-Type-Options', 'nosniff');
  response.end(payload);
}

function remoteOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  return remoteAddress === undefined ? '@' : `${remoteAddress}:${remotePort ?? 0}`;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the view did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
