/**
 * A tiny CRI client (what crictl does for the few calls the tests need): `runtime.v1.RuntimeService` over
 * containerd's unix socket with @grpc/grpc-js. The proto messages are a hand-written subset of
 * k8s.io/cri-api's api.proto with the same field numbers, so containerd decodes them as it decodes kubelet's.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const CRI_PROTO = `
syntax = "proto3";
package runtime.v1;
service RuntimeService {
  rpc Version(VersionRequest) returns (VersionResponse) {}
  rpc RunPodSandbox(RunPodSandboxRequest) returns (RunPodSandboxResponse) {}
  rpc StopPodSandbox(StopPodSandboxRequest) returns (StopPodSandboxResponse) {}
  rpc RemovePodSandbox(RemovePodSandboxRequest) returns (RemovePodSandboxResponse) {}
  rpc PodSandboxStatus(PodSandboxStatusRequest) returns (PodSandboxStatusResponse) {}
}
message VersionRequest { string version = 1; }
message VersionResponse { string version = 1; string runtime_name = 2; string runtime_version = 3; string runtime_api_version = 4; }
message PodSandboxMetadata { string name = 1; string uid = 2; string namespace = 3; uint32 attempt = 4; }
message PodSandboxConfig {
  PodSandboxMetadata metadata = 1;
  string hostname = 2;
  string log_directory = 3;
  map<string, string> labels = 6;
  map<string, string> annotations = 7;
}
message RunPodSandboxRequest { PodSandboxConfig config = 1; string runtime_handler = 2; }
message RunPodSandboxResponse { string pod_sandbox_id = 1; }
message StopPodSandboxRequest { string pod_sandbox_id = 1; }
message StopPodSandboxResponse {}
message RemovePodSandboxRequest { string pod_sandbox_id = 1; }
message RemovePodSandboxResponse {}
message PodSandboxStatusRequest { string pod_sandbox_id = 1; bool verbose = 2; }
message PodIP { string ip = 1; }
message PodSandboxNetworkStatus { string ip = 1; repeated PodIP additional_ips = 2; }
enum PodSandboxState { SANDBOX_READY = 0; SANDBOX_NOTREADY = 1; }
message PodSandboxStatus {
  string id = 1;
  PodSandboxMetadata metadata = 2;
  PodSandboxState state = 3;
  int64 created_at = 4;
  PodSandboxNetworkStatus network = 5;
}
message PodSandboxStatusResponse { PodSandboxStatus status = 1; map<string, string> info = 2; }
`;

/** The pod a sandbox is created for. */
export interface PodMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly attempt?: number;
}

/** What PodSandboxStatus reports (with verbose info decoded where the tests need it). */
export interface SandboxStatus {
  readonly id: string;
  readonly state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  readonly ip: string;
  /** The sandbox's network namespace file, from the OCI spec in containerd's verbose info. */
  readonly netnsPath: string;
}

interface RawStatusReply {
  status?: { id?: string; state?: string; network?: { ip?: string } | null };
  info?: Record<string, string>;
}

/** The part of containerd's verbose sandbox info the tests read. */
interface VerboseInfo {
  runtimeSpec?: { linux?: { namespaces?: Array<{ type?: string; path?: string }> } };
}

type Callback<T> = (error: grpc.ServiceError | null, reply?: T) => void;
type Call = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<unknown>) => void;

/** A client of one CRI runtime endpoint (`unix:///path/to/containerd.sock`). */
export class CriClient {
  readonly #client: grpc.Client;
  readonly #timeoutMs: number;

  private constructor(client: grpc.Client, timeoutMs: number) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  /** Loads the proto (written into `scratchDir`) and connects to `socketPath`. */
  static async connect(options: { socketPath: string; scratchDir: string; timeoutMs?: number }): Promise<CriClient> {
    const protoFile = join(options.scratchDir, 'cri-subset.proto');
    await writeFile(protoFile, CRI_PROTO);
    const definition = protoLoader.loadSync(protoFile, { keepCase: false, longs: String, enums: String, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } } };
    const client = new loaded.runtime.v1.RuntimeService(`unix://${options.socketPath}`, grpc.credentials.createInsecure());
    return new CriClient(client, options.timeoutMs ?? 60_000);
  }

  /** The runtime's name and version (`Version`). */
  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return this.#call('Version', { version: 'v1' });
  }

  /** Creates and starts a pod sandbox; returns its id. */
  async runPodSandbox(pod: PodMetadata): Promise<string> {
    const config = { metadata: { ...pod, attempt: pod.attempt ?? 0 }, hostname: pod.name, labels: { app: pod.name }, annotations: { 'vpcnet.test/pod': pod.name } };
    const reply = await this.#call<{ podSandboxId: string }>('RunPodSandbox', { config });
    return reply.podSandboxId;
  }

  /** Stops a sandbox (the runtime tears down its network: CNI DEL). */
  async stopPodSandbox(id: string): Promise<void> {
    await this.#call('StopPodSandbox', { podSandboxId: id });
  }

  /** Removes a stopped sandbox. */
  async removePodSandbox(id: string): Promise<void> {
    await this.#call('RemovePodSandbox', { podSandboxId: id });
  }

  /** The sandbox's state, address and network namespace file. */
  async podSandboxStatus(id: string): Promise<SandboxStatus> {
    const reply = await this.#call<RawStatusReply>('PodSandboxStatus', { podSandboxId: id, verbose: true });
    const info = JSON.parse(reply.info?.info ?? '{}') as VerboseInfo;
    const network = info.runtimeSpec?.linux?.namespaces?.find((namespace) => namespace.type === 'network');
    return {
      id: reply.status?.id ?? '',
      state: reply.status?.state === 'SANDBOX_READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      ip: reply.status?.network?.ip ?? '',
      netnsPath: network?.path ?? '',
    };
  }

  /** Closes the channel. */
  close(): void {
    this.#client.close();
  }

  #call<T>(method: string, request: object): Promise<T> {
    const call = (this.#client as unknown as Record<string, Call>)[method];
    if (call === undefined) throw new Error(`no CRI method ${method}`);
    const options: grpc.CallOptions = { deadline: Date.now() + this.#timeoutMs };
    return new Promise((resolve, reject) => {
      call.call(this.#client, request, new grpc.Metadata(), options, (error, reply) => {
        if (error !== null) reject(new Error(`CRI ${method} failed: ${error.message}`));
        else resolve(reply as T);
      });
    });
  }
}
