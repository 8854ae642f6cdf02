/**
 * The IMDS request logic, independent of sockets: which instance is asking, IMDSv2 tokens, and the
 * lagged metadata tree. `server.ts` adapts it to node:http; tests drive it in-process.
 */
import type { Ec2Model } from '../ec2/model/model.ts';
import { MetadataTimeline } from './timeline.ts';
import { TokenStore, parseTokenTtl } from './tokens.ts';

/** Maps a caller's IP address to the instance it is, or undefined when it is no instance. */
export type InstanceResolver = (remoteAddress: string) => string | undefined;

/** How an IMDS endpoint behaves. */
export interface ImdsOptions {
  readonly model: Ec2Model;
  /** How far metadata lags behind EC2; defaults to the model's latency profile (`imdsLagMs`). */
  readonly lagMs?: number;
  /** `required` (IMDSv2 only, the default) or `optional` (IMDSv1 reads without a token allowed). */
  readonly tokens?: 'required' | 'optional';
  /** Serve this instance to every caller. */
  readonly instanceId?: string;
  /** Else: find the caller's instance with this; by default the owner of the ENI with the caller's IP. */
  readonly resolveInstance?: InstanceResolver;
}

/** One HTTP request as the handler needs it; header names in lower case, as node:http gives them. */
export interface ImdsRequest {
  readonly method: string;
  /** The request target, e.g. `/latest/meta-data/mac` (a query string is ignored). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly remoteAddress: string;
}

/** The reply to send. */
export interface ImdsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TOKEN_PATH = '/latest/api/token';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

/** Answers IMDS requests for the instances of one model. Call `close()` to stop following the model. */
export class ImdsHandler {
  readonly #model: Ec2Model;
  readonly #timeline: MetadataTimeline;
  readonly #tokens: TokenStore;
  readonly #tokensRequired: boolean;
  readonly #resolve: InstanceResolver;

  constructor(options: ImdsOptions) {
    this.#model = options.model;
    this.#timeline = new MetadataTimeline(options.model, options.lagMs === undefined ? {} : { lagMs: options.lagMs });
    this.#tokens = new TokenStore(options.model.clock);
    this.#tokensRequired = (options.tokens ?? 'required') === 'required';
    const fixed = options.instanceId;
    this.#resolve =
      fixed !== undefined
        ? () => fixed
        : (options.resolveInstance ?? ((address) => instanceByPrivateIp(this.#model, address)));
  }

  /** The reply to one request. */
  handle(request: ImdsRequest): ImdsResponse {
    const path = normalizePath(request.url);
    if (path === TOKEN_PATH) {
      return request.method === 'PUT' ? this.#issueToken(request) : errorResponse(405, { Allow: 'PUT' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405, { Allow: 'GET, HEAD' });
    const instanceId = this.#resolve(request.remoteAddress);
    if (instanceId === undefined) return errorResponse(404);
    const token = headerValue(request, TOKEN_HEADER);
    let ttlHeaders: Record<string, string> = {};
    if (token !== undefined) {
      const check = this.#tokens.check(token, instanceId);
      if (!check.valid) return errorResponse(401);
      ttlHeaders = { 'X-Aws-Ec2-Metadata-Token-Ttl-Seconds': String(check.remainingSeconds) };
    } else if (this.#tokensRequired) {
      return errorResponse(401);
    }
    const text = this.#lookup(instanceId, path);
    return text === undefined ? errorResponse(404) : textResponse(text, ttlHeaders);
  }

  /** Stops following model events. */
  close(): void {
    this.#timeline.close();
  }

  #lookup(instanceId: string, path: string): string | undefined {
    const view = this.#timeline.read(instanceId);
    if (view.isEmpty) return undefined;
    if (path === '/') return 'latest';
    if (path !== '/latest' && !path.startsWith('/latest/')) return undefined;
    return view.lookup(path.slice('/latest/'.length));
  }

  #issueToken(request: ImdsRequest): ImdsResponse {
    // EC2 refuses token requests that went through a proxy, so a misconfigured proxy cannot leak tokens.
    if (headerValue(request, 'x-forwarded-for') !== undefined) return errorResponse(403);
    const ttlSeconds = parseTokenTtl(headerValue(request, TTL_HEADER));
    if (ttlSeconds === undefined) return errorResponse(400);
    const instanceId = this.#resolve(request.remoteAddress);
    if (instanceId === undefined) return errorResponse(404);
    const token = this.#tokens.issue(instanceId, ttlSeconds);
    return textResponse(token, { 'X-Aws-Ec2-Metadata-Token-Ttl-Seconds': String(ttlSeconds) });
  }
}

/**
 * The instance owning an ENI that has `remoteAddress` as a private IP (an IPv4-mapped IPv6 address
 * such as `::ffff:10.0.1.5` is read as `10.0.1.5`), or undefined.
 */
export function instanceByPrivateIp(model: Ec2Model, remoteAddress: string): string | undefined {
  const address = remoteAddress.replace(/^::ffff:/i, '');
  for (const eni of model.state.networkInterfaces.values()) {
    const instanceId = eni.attachment?.instanceId;
    if (instanceId === undefined || eni.attachment?.status === 'detached') continue;
    if (eni.privateIps.some((ip) => ip.address === address)) return instanceId;
  }
  return undefined;
}

/** A resolver for one IMDS endpoint serving several instances: caller address → instance id. */
export function instanceResolverFromMap(addressToInstance: ReadonlyMap<string, string>): InstanceResolver {
  return (remoteAddress) => addressToInstance.get(remoteAddress.replace(/^::ffff:/i, ''));
}

/** The path of a request target: no query or fragment, repeated slashes collapsed, percent-decoded. */
function normalizePath(url: string): string {
  const raw = url.split(/[?#]/, 1)[0] ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Malformed escapes stay as they are and simply match nothing.
  }
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  return collapsed.startsWith('/') ? collapsed : `/${collapsed}`;
}

function headerValue(request: ImdsRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function textResponse(body: string, extraHeaders: Record<string, string>): ImdsResponse {
  return { status: 200, headers: { 'Content-Type': 'text/plain', Server: 'EC2ws', ...extraHeaders }, body };
}

/** EC2's error page: a small XHTML document titled `404 - Not Found` and so on. */
function errorResponse(status: number, extraHeaders: Record<string, string> = {}): ImdsResponse {
  const title = `${status} - ${STATUS_TEXT[status] ?? 'Error'}`;
  const body = [
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"',
    '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
    ' <head>',
    `  <title>${title}</title>`,
    ' </head>',
    ' <body>',
    `  <h1>${title}</h1>`,
    ' </body>',
    '</html>',
    '',
  ].join('\n');
  return { status, headers: { 'Content-Type': 'text/html', Server: 'EC2ws', ...extraHeaders }, body };
}
