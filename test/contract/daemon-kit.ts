/**
 * Shared setup of the daemon contract tests: the real EC2 emulator (through SdkEc2Api), the lab IMDS
 * (through HttpImds), a FakeNodeNetwork, a FileCheckpointStore in a temp dir, and a clock the test can move
 * forward (real time plus an offset), so ENI lifetimes, cooldowns and ENI ages pass without waiting.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpImds } from '../../src/adapters/aws/http-imds.ts';
import { SdkEc2Api } from '../../src/adapters/aws/sdk-ec2-api.ts';
import { FileCheckpointStore } from '../../src/adapters/linux/file-checkpoint-store.ts';
import { parseDaemonConfig } from '../../src/core/config/index.ts';
import type { BackoffPolicy } from '../../src/core/aws/backoff.ts';
import type { Env } from '../../src/core/config/index.ts';
import { hostVethName } from '../../src/core/cni/names.ts';
import { MAIN_TABLE, RULE_PRIORITY, hostCidr } from '../../src/core/node-network/index.ts';
import type { AddOk, AddReply, AddRequest, DelRequest } from '../../src/core/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../src/core/protocol/index.ts';
import { createIpamd } from '../../src/daemon/ipamd.ts';
import type { Ipamd, IpamdDeps } from '../../src/daemon/ipamd.ts';
import type { NetworkInterface } from '../../src/lab/ec2/model/state.ts';
import type { ThrottleOptions } from '../../src/lab/ec2/throttle.ts';
import { startImdsServer } from '../../src/lab/imds/server.ts';
import type { ImdsServer } from '../../src/lab/imds/server.ts';
import type { Logger, LogFields } from '../../src/ports/logger.ts';
import { FakeNodeNetwork } from '../../src/testing/fake-node-network.ts';
import { launch, newNetwork } from './compute-helpers.ts';
import { ec2For, startTestEmulator } from './harness.ts';
import type { TestEmulator } from './harness.ts';

/** Real time plus an offset the test moves forward. */
export class OffsetClock {
  offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  /** Moves the clock forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** One log line kept in memory. */
export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A Logger that keeps every line (printed with `DAEMON_TEST_LOG=1`). */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields?: LogFields): void {
    this.#log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.#log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.#log('error', message, fields);
  }
  #log(level: string, message: string, fields: LogFields | undefined): void {
    this.entries.push({ level, message, fields });
    if (process.env['DAEMON_TEST_LOG'] === '1') process.stderr.write(`${level} ${message} ${JSON.stringify(fields ?? {})}\n`);
  }
}

/** Options of one node. */
export interface DaemonKitOptions {
  readonly instanceType?: string;
  readonly vpcCidr?: string;
  readonly subnetCidr?: string;
  /** IMDS lag in real ms (the emulator's clock is real time). */
  readonly imdsLagMs?: number;
  /** EC2 actions the daemon is not permitted (UnauthorizedOperation); the test's own client may call all. */
  readonly deny?: readonly string[];
  /** EC2 request-rate buckets of the emulator; default none (no throttling). */
  readonly throttle?: ThrottleOptions;
  /** Retries of the daemon's EC2 adapter; default the adapter's own (8 attempts, 200 ms to 20 s). */
  readonly ec2Retry?: { readonly maxAttempts: number; readonly backoff: BackoffPolicy };
}

/** The access key id the daemon signs with (the test's own client uses the harness default). */
const DAEMON_ACCESS_KEY_ID = 'AKIDDAEMON';

/** One emulated node and what a test needs around its daemons. */
export interface DaemonKit {
  readonly emu: TestEmulator;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly instanceId: string;
  readonly imds: ImdsServer;
  readonly network: FakeNodeNetwork;
  readonly store: FileCheckpointStore;
  readonly clock: OffsetClock;
  readonly logger: MemoryLogger;
  /** A daemon for this node (not initialized; stopped by close()); `env` is the daemon's environment. */
  newIpamd(env?: Env, deps?: Partial<IpamdDeps>): Ipamd;
  /** The ENIs EC2 shows attached to the node, by device index. */
  attachedEnis(): NetworkInterface[];
  close(): Promise<void>;
}

/** Real sleep that ends early on abort. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? {} : { signal });
}

/** Starts the emulator, makes a VPC, subnet and instance, and the node's IMDS. */
export async function startDaemonKit(options: DaemonKitOptions = {}): Promise<DaemonKit> {
  const emu = await startTestEmulator({
    ...(options.deny === undefined ? {} : { permissions: { deny: { [DAEMON_ACCESS_KEY_ID]: options.deny } } }),
    ...(options.throttle === undefined ? {} : { throttle: options.throttle }),
  });
  const vpcCidr = options.vpcCidr ?? '10.30.0.0/16';
  const { vpcId, subnetIds } = await newNetwork(emu, vpcCidr, [{ cidr: options.subnetCidr ?? '10.30.0.0/20' }]);
  const subnetId = subnetIds[0] ?? '';
  const instanceId = await launch(emu, subnetId, options.instanceType ?? 't3.medium');
  const imds = await startImdsServer({ model: emu.model, instanceId, ...(options.imdsLagMs === undefined ? {} : { lagMs: options.imdsLagMs }) });
  const dir = await mkdtemp(join(tmpdir(), 'vpcnet-daemon-'));
  const store = new FileCheckpointStore(join(dir, 'ipam.json'));
  const network = new FakeNodeNetwork();
  const clock = new OffsetClock();
  const logger = new MemoryLogger();
  const daemonClient = ec2For(emu.url, DAEMON_ACCESS_KEY_ID);
  const ec2 = new SdkEc2Api({ client: daemonClient, ...options.ec2Retry });
  const httpImds = new HttpImds({ baseUrl: imds.url, maxAttempts: 2 });
  const daemons: Ipamd[] = [];
  const track = (ipamd: Ipamd): Ipamd => {
    daemons.push(ipamd);
    return ipamd;
  };
  return {
    emu, vpcId, subnetId, instanceId, imds, network, store, clock, logger,
    newIpamd: (env = {}, deps = {}) => track(createIpamd({
      config: parseDaemonConfig({ AWS_VPC_K8S_CNI_BACKING_STORE: store.path, ...env }),
      ec2,
      imds: httpImds,
      nodeNetwork: network,
      checkpointStore: store,
      clock,
      logger,
      sleep: realSleep,
      imdsWaitMs: 5_000,
      ...deps,
    })),
    attachedEnis: () => [...emu.model.state.networkInterfaces.values()]
      .filter((eni) => eni.attachment?.instanceId === instanceId)
      .sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0)),
    async close() {
      // Work a test left running (e.g. a round an ADD started) ends before the emulator goes.
      for (const ipamd of daemons) await ipamd.stop();
      daemonClient.destroy();
      await imds.close();
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Secondary addresses of an ENI in EC2 (its primary address excluded). */
export function secondaryIps(eni: NetworkInterface): string[] {
  return eni.privateIps.filter((ip) => !ip.primary).map((ip) => ip.address);
}

/** An ADD request of the plugin for a pod. */
export function addRequest(containerId: string, name: string, namespace = 'default'): AddRequest {
  return {
    version: PROTOCOL_VERSION,
    key: { networkName: 'aws-cni', containerId, ifName: 'eth0' },
    pod: { namespace, name, infraContainerId: containerId, uid: `uid-${name}` },
    netns: `/var/run/netns/${containerId}`,
  };
}

/** The DEL request matching {@link addRequest}. */
export function delRequest(containerId: string, name: string, namespace = 'default'): DelRequest {
  return { version: PROTOCOL_VERSION, key: { networkName: 'aws-cni', containerId, ifName: 'eth0' }, pod: { namespace, name, infraContainerId: containerId, uid: `uid-${name}` }, cause: 'PodDeleted' };
}

/** Asserts the reply is a success and returns it. */
export function assertAdded(reply: AddReply): AddOk {
  assert.equal(reply.reason, 'ok', `expected ok, got ${JSON.stringify(reply)}`);
  return reply;
}

/** ADDs a pod and, as the plugin would, creates its host veth and its ip rules (`from` only off the main table). */
export async function addPod(kit: DaemonKit, ipamd: Ipamd, name: string): Promise<AddOk> {
  const reply = assertAdded(await ipamd.service.add(addRequest(`c-${name}`, name)));
  kit.network.addLink(hostVethName('eni', { namespace: 'default', name }));
  for (const { ipv4, routeTableId } of reply.addresses) {
    kit.network.addPodRule({ priority: RULE_PRIORITY.toPod, to: hostCidr(ipv4), table: MAIN_TABLE });
    if (routeTableId !== MAIN_TABLE) kit.network.addPodRule({ priority: RULE_PRIORITY.fromPod, from: hostCidr(ipv4), table: routeTableId });
  }
  return reply;
}
