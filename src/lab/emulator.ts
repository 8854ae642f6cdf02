import { EC2Client } from '@aws-sdk/client-ec2';
import { ACTIONS } from './ec2/actions/index.ts';
import type { LatencyProfile } from './ec2/model/latency.ts';
import { Ec2Model } from './ec2/model/model.ts';
import { startEc2Server } from './ec2/server.ts';
import { startImdsServer } from './imds/server.ts';

/** The static credentials the lab's own clients use (the emulator accepts any). */
export const LAB_CREDENTIALS = { accessKeyId: 'AKIDVPCNETLAB', secretAccessKey: 'vpcnet-lab-secret' } as const;

export interface EmulatorOptions {
  readonly host?: string;
  /** EC2 API port; 0 picks a free one. */
  readonly port?: number;
  readonly latency: LatencyProfile;
  readonly throttle: boolean;
  readonly seed?: number;
}

/** A running emulated AWS: the EC2 API endpoint and a model to inspect. */
export interface RunningEmulator {
  readonly model: Ec2Model;
  readonly endpoint: string;
  /** An SDK client pointed at the endpoint with the lab credentials. */
  readonly ec2: EC2Client;
  /** Starts an IMDS endpoint that answers as the given instance (until the fabric routes 169.254.169.254). */
  startImdsFor(instanceId: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the EC2 API emulator on loopback (by default) over a fresh model. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const model = new Ec2Model({ latency: options.latency, seed: options.seed ?? 1 });
  const host = options.host ?? '127.0.0.1';
  const server = await startEc2Server({
    model, actions: ACTIONS, host, port: options.port ?? 0,
    throttle: options.throttle ? undefined : false,
    apiResponseMs: options.latency.apiResponseMs,
  });
  const ec2 = new EC2Client({ endpoint: server.url, region: model.region, credentials: LAB_CREDENTIALS });
  const imdsServers: { close(): Promise<void> }[] = [];
  return {
    model,
    endpoint: server.url.replace(/\/$/, ''),
    ec2,
    async startImdsFor(instanceId) {
      const imds = await startImdsServer({ model, host, port: 0, instanceId, lagMs: options.latency.imdsLagMs });
      imdsServers.push(imds);
      return imds.url.replace(/\/$/, '');
    },
    async close() {
      ec2.destroy();
      await Promise.all(imdsServers.map((s) => s.close()));
      await server.close();
    },
  };
}
