import { chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readBody } from '../../adapters/http/read-body.ts';
import { LabApiError } from './api-errors.ts';
import type { ControlPlane } from './control-plane.ts';
import type { LabInfo } from './lab-cluster.ts';
import { POD_IMAGES } from './objects.ts';
import type { PodImage } from './objects.ts';

/** The control API's paths (JSON over the lab's unix socket). */
export const CONTROL_PATHS = { snapshot: '/v1/snapshot', pods: '/v1/pods', deployments: '/v1/deployments', shutdown: '/v1/shutdown' } as const;

/** What the server serves. */
export interface ControlServerOptions {
  readonly socketPath: string;
  readonly controlPlane: ControlPlane;
  readonly info: LabInfo;
  /** Extra facts for `status` (PIDs, paths). */
  readonly details: () => Record<string, unknown>;
  /** Called once when `lab down` asks the lab to stop (after the reply is sent). */
  readonly onShutdown: () => void;
}

type Handler = (body: Record<string, unknown>, parts: readonly string[]) => unknown;

function text(body: Record<string, unknown>, field: string, fallback?: string): string {
  const value = body[field] ?? fallback;
  if (typeof value !== 'string') throw new LabApiError(400, `${field} must be a string`);
  return value;
}

function image(body: Record<string, unknown>): PodImage {
  const value = text(body, 'image', 'busybox');
  if (!(POD_IMAGES as readonly string[]).includes(value)) throw new LabApiError(422, `image "${value}" is not available in the lab: use ${POD_IMAGES.join(' or ')}`);
  return value as PodImage;
}

function replicas(body: Record<string, unknown>, fallback?: number): number {
  const value = body.replicas ?? fallback;
  if (typeof value !== 'number') throw new LabApiError(400, 'replicas must be a number');
  return value;
}

function part(parts: readonly string[], index: number): string {
  const value = parts[index];
  if (value === undefined) throw new LabApiError(404, 'no such path');
  try {
    return decodeURIComponent(value);
  } catch {
    throw new LabApiError(400, `"${value}" is not a valid path segment`);
  }
}

function routes(options: ControlServerOptions): Map<string, Handler> {
  const plane = options.controlPlane;
  return new Map<string, Handler>([
    [`GET ${CONTROL_PATHS.snapshot}`, () => ({ info: options.info, details: options.details(), snapshot: plane.snapshot() })],
    [`POST ${CONTROL_PATHS.pods}`, (body) => plane.createPod({ namespace: text(body, 'namespace', 'default'), name: text(body, 'name'), image: image(body) })],
    [`DELETE ${CONTROL_PATHS.pods}`, async (_b, parts) => plane.deletePod(part(parts, 0), part(parts, 1))],
    [`POST ${CONTROL_PATHS.deployments}`, (body) => plane.createDeployment({ namespace: text(body, 'namespace', 'default'), name: text(body, 'name'), image: image(body), replicas: replicas(body, 1) })],
    [`PUT ${CONTROL_PATHS.deployments}`, (body, parts) => {
      if (parts.length !== 3 || parts[2] !== 'scale') throw new LabApiError(404, 'no such path: scale is PUT /v1/deployments/<namespace>/<name>/scale');
      return plane.scaleDeployment(part(parts, 0), part(parts, 1), replicas(body));
    }],
    [`DELETE ${CONTROL_PATHS.deployments}`, async (_b, parts) => plane.deleteDeployment(part(parts, 0), part(parts, 1))],
    [`POST ${CONTROL_PATHS.shutdown}`, () => {
      setImmediate(options.onShutdown);
      return { stopping: true };
    }],
  ]);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body ?? {});
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

async function handle(table: Map<string, Handler>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://lab').pathname;
  const base = Object.values(CONTROL_PATHS).find((p) => path === p || path.startsWith(`${p}/`));
  const handler = base === undefined ? undefined : table.get(`${request.method ?? 'GET'} ${base}`);
  if (base === undefined || handler === undefined) return send(response, 404, { message: `no route for ${request.method ?? ''} ${path}` });
  const read = await readBody(request, { maxBytes: 64 * 1024, timeoutMs: 5_000 });
  if (read.kind !== 'complete') return send(response, 400, { message: `request body ${read.kind}` });
  let raw: unknown;
  try {
    raw = read.body.length === 0 ? {} : (JSON.parse(read.body.toString('utf8')) as unknown);
  } catch {
    return send(response, 400, { message: 'the request body is not JSON' });
  }
  try {
    const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const parts = path.slice(base.length).split('/').filter((p) => p !== '');
    send(response, 200, await handler(body, parts));
  } catch (error) {
    if (error instanceof LabApiError) return send(response, error.status, { message: error.message });
    send(response, 500, { message: error instanceof Error ? error.message : String(error) });
  }
}

/** Serves the control API on a unix socket only root can reach; resolves with the listening server. */
export async function startControlServer(options: ControlServerOptions): Promise<Server> {
  const table = routes(options);
  const server = createServer((request, response) => void handle(table, request, response));
  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, resolve);
  });
  await chmod(options.socketPath, 0o600);
  return server;
}
