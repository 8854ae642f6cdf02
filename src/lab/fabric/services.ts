import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ipBatch } from '../../adapters/linux/ip-batch.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import { ACTIONS } from '../ec2/actions/index.ts';
import type { Ec2Model } from '../ec2/model/model.ts';
import { startEc2Server } from '../ec2/server.ts';
import type { ImdsOptions } from '../imds/handler.ts';
import { startImdsServer } from '../imds/server.ts';
import { startEc2ApiRelay } from './ec2-api-relay.ts';
import type { TcpTarget } from './ec2-api-relay.ts';
import type { ForwardedService } from './forwarder-process.ts';
import { startForwarder } from './forwarder-process.ts';
import { instanceByEniAddress } from './instance-by-address.ts';
import type { LabNames } from './naming.ts';
import { killPids } from './netns.ts';

/**
 * Where instances find the lab's AWS services: IMDS at its real address, the EC2 API at a fixed
 * link-local address (169.254.169.253 is Amazon's DNS and 169.254.169.123 its NTP, so .252 is free).
 * Both are held by the VPC router and port 80.
 */
export const LAB_SERVICE_ADDRESSES = { imds: '169.254.169.254', ec2Api: '169.254.169.252', port: 80 } as const;

/** The EC2 API endpoint URL to give clients inside lab instances (e.g. `aws --endpoint-url`). */
export const LAB_EC2_API_ENDPOINT = `http://${LAB_SERVICE_ADDRESSES.ec2Api}`;

/** Which AWS services instances can reach, and how they behave. */
export interface FabricServiceOptions {
  /** IMDS at 169.254.169.254 (`true`, or how it behaves: metadata lag, IMDSv1 allowed or not). */
  readonly imds?: boolean | Pick<ImdsOptions, 'lagMs' | 'tokens'>;
  /** The EC2 API at `LAB_EC2_API_ENDPOINT`: `true` starts an endpoint over the fabric's model; a target relays to a running one. */
  readonly ec2Api?: boolean | TcpTarget;
}

/** What runs for the services; `stop()` ends it all and is safe to call after a partial start. */
export interface RunningServices {
  stop(): Promise<void>;
}

interface Closer {
  close(): Promise<void>;
}

function imdsOptions(option: FabricServiceOptions['imds']): Pick<ImdsOptions, 'lagMs' | 'tokens'> {
  return typeof option === 'object' ? option : {};
}

async function ec2ApiTarget(model: Ec2Model, option: true | TcpTarget, closers: Closer[]): Promise<TcpTarget> {
  if (option !== true) return option;
  const server = await startEc2Server({ model, actions: ACTIONS });
  closers.push(server);
  return { host: '127.0.0.1', port: server.port };
}

/** Context of `startServices()`. */
export interface ServicesContext {
  readonly names: LabNames;
  readonly model: Ec2Model;
  readonly runner: CommandRunner;
}

/**
 * Makes the services reachable from every instance without linking any lab namespace to this one:
 * their addresses go on the router's loopback, where a forwarder process (in the router namespace)
 * relays each TCP connection to a UNIX socket in the lab's run directory, served here. IMDS learns the
 * caller's address from the PROXY line and answers as the instance whose ENI holds it. Traffic to the
 * router itself is not forwarded, so security groups do not filter it (as on EC2); the source check does.
 */
export async function startServices(context: ServicesContext, options: FabricServiceOptions): Promise<RunningServices> {
  const { names, model, runner } = context;
  const closers: Closer[] = [];
  let forwarderPid: number | undefined;
  const stop = async (): Promise<void> => {
    if (forwarderPid !== undefined) await killPids([forwarderPid]);
    forwarderPid = undefined;
    for (const closer of closers.splice(0).reverse()) await closer.close();
  };
  const forwarded: ForwardedService[] = [];
  try {
    await mkdir(names.runDirectory, { recursive: true });
    // Whoever can connect to the sockets can claim any source address in a PROXY line: lab only.
    await chmod(names.runDirectory, 0o700);
    if (options.imds !== undefined && options.imds !== false) {
      const socketPath = join(names.runDirectory, 'imds.sock');
      const resolveInstance = (address: string): string | undefined => instanceByEniAddress(model, address);
      closers.push(await startImdsServer({ ...imdsOptions(options.imds), model, unixSocket: socketPath, resolveInstance }));
      forwarded.push({ address: LAB_SERVICE_ADDRESSES.imds, port: LAB_SERVICE_ADDRESSES.port, socketPath });
    }
    if (options.ec2Api !== undefined && options.ec2Api !== false) {
      const socketPath = join(names.runDirectory, 'ec2-api.sock');
      closers.push(await startEc2ApiRelay(socketPath, await ec2ApiTarget(model, options.ec2Api, closers)));
      forwarded.push({ address: LAB_SERVICE_ADDRESSES.ec2Api, port: LAB_SERVICE_ADDRESSES.port, socketPath });
    }
    if (forwarded.length > 0) {
      await ipBatch(runner, forwarded.map((service) => `addr replace ${service.address}/32 dev lo`), { netns: names.routerNamespace });
      forwarderPid = await startForwarder(names, forwarded);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
