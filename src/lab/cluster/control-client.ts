import { CONTROL_PATHS } from './control-server.ts';
import type { LabInfo } from './lab-cluster.ts';
import type { ClusterSnapshot, LabDeployment, LabPod, PodImage } from './objects.ts';
import { unixRequest } from './unix-http.ts';

/** What `GET /v1/snapshot` answers. */
export interface LabView {
  readonly info: LabInfo;
  readonly details: Record<string, unknown>;
  readonly snapshot: ClusterSnapshot;
}

/** A request the lab refused; the message is the API's. */
export class LabRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'LabRequestError';
    this.status = status;
  }
}

/** The CLI's client of a running lab's control API. */
export class LabClient {
  readonly #socketPath: string;

  constructor(socketPath: string) {
    this.#socketPath = socketPath;
  }

  /** Everything the lab knows, in one snapshot. */
  view(): Promise<LabView> {
    return this.#call<LabView>('GET', CONTROL_PATHS.snapshot);
  }

  createPod(request: { namespace: string; name: string; image: PodImage }): Promise<LabPod> {
    return this.#call<LabPod>('POST', CONTROL_PATHS.pods, request);
  }

  deletePod(namespace: string, name: string): Promise<void> {
    return this.#call<void>('DELETE', `${CONTROL_PATHS.pods}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, undefined, 120_000);
  }

  createDeployment(request: { namespace: string; name: string; image: PodImage; replicas: number }): Promise<LabDeployment> {
    return this.#call<LabDeployment>('POST', CONTROL_PATHS.deployments, request);
  }

  scaleDeployment(namespace: string, name: string, replicas: number): Promise<LabDeployment> {
    return this.#call<LabDeployment>('PUT', `${CONTROL_PATHS.deployments}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/scale`, { replicas });
  }

  deleteDeployment(namespace: string, name: string): Promise<void> {
    return this.#call<void>('DELETE', `${CONTROL_PATHS.deployments}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, undefined, 300_000);
  }

  /** Asks the lab to stop (the supervisor removes everything, then exits). */
  shutdown(): Promise<void> {
    return this.#call<void>('POST', CONTROL_PATHS.shutdown);
  }

  async #call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const reply = await unixRequest({ socketPath: this.#socketPath, method, path, body, timeoutMs });
    if (reply.status !== 200) throw new LabRequestError(reply.status, (reply.body as { message?: string } | undefined)?.message ?? `HTTP ${reply.status}`);
    return reply.body as T;
  }
}
