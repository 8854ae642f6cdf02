/**
 * The daemon as a process: adapters built from the configuration, the servers (plugin API, introspection,
 * metrics) around `createIpamd`, and an orderly stop. `src/bin/vpcnet-ipamd.ts` hands it the environment.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { EC2Client } from '@aws-sdk/client-ec2';
import { HttpImds } from '../adapters/aws/http-imds.ts';
import { SdkEc2Api } from '../adapters/aws/sdk-ec2-api.ts';
import { ExecFileRunner } from '../adapters/linux/exec-file-runner.ts';
import { FileCheckpointStore } from '../adapters/linux/file-checkpoint-store.ts';
import { LinuxNodeNetwork } from '../adapters/linux/node-network.ts';
import { createLogger } from '../adapters/log/pino-logger.ts';
import type { DaemonLogger } from '../adapters/log/pino-logger.ts';
import type { DaemonConfig } from '../core/config/index.ts';
import { PreformattedJson, startIntrospectionServer } from './introspection-server.ts';
import type { Ipamd, IpamdObserver } from './ipamd.ts';
import { createIpamd } from './ipamd.ts';
import { createDaemonMetrics, startMetricsServer } from './metrics.ts';
import type { DaemonMetrics, IpamdAction } from './metrics.ts';
import { startRpcServer } from './rpc-server.ts';

/** What the process needs beyond the ipamd configuration (vpcnet's own settings, read in bin/). */
export interface DaemonProcessOptions {
  readonly config: DaemonConfig;
  /** The plugin API's unix socket. */
  readonly socketPath: string;
  /** IMDS base URL (the lab and tests point it elsewhere). */
  readonly imdsEndpoint: string;
  /** How long an ADD on an empty pool waits for new addresses, in ms. */
  readonly addWaitMs: number;
  /** Metrics listener; upstream listens on every interface, port 61678. */
  readonly metricsPort: number;
  readonly version: string;
  /** Resolves when the process should stop (SIGTERM, SIGINT). */
  readonly stopped: Promise<void>;
}

const POOL_GAUGES_INTERVAL_MS = 5_000;

function metricsObserver(metrics: DaemonMetrics): IpamdObserver {
  const running = new Map<IpamdAction, () => void>();
  return {
    actionInProgress(action, inProgress) {
      running.get(action)?.();
      running.delete(action);
      if (inProgress) running.set(action, metrics.startAction(action));
    },
    addDone(ms, reason) {
      if (reason === 'ok') metrics.vpcnet.addWaitSeconds.observe(ms / 1000);
    },
  };
}

function buildIpamd(options: DaemonProcessOptions, logger: DaemonLogger, metrics: DaemonMetrics, region: string | undefined): Ipamd {
  const { config } = options;
  const client = new EC2Client({
    region,
    maxAttempts: 1, // the adapter retries itself, with a rate budget
    ...(config.ec2Endpoint === '' ? {} : { endpoint: config.ec2Endpoint }),
    customUserAgent: config.vpcCniVersion === '' ? 'vpcnet' : `amazon-vpc-cni-k8s/${config.vpcCniVersion}`,
  });
  return createIpamd({
    config,
    ec2: new SdkEc2Api({ client, onCall: metrics.observeEc2Call }),
    imds: new HttpImds({ baseUrl: options.imdsEndpoint }),
    nodeNetwork: new LinuxNodeNetwork({ runner: new ExecFileRunner() }),
    checkpointStore: new FileCheckpointStore(config.backingStorePath),
    clock: { now: Date.now },
    logger,
    sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
    observer: metricsObserver(metrics),
    addWaitMs: options.addWaitMs,
  });
}

/** Runs the daemon until `options.stopped` resolves; returns the process exit code. */
export async function runDaemonProcess(options: DaemonProcessOptions): Promise<number> {
  const { config } = options;
  const logger = createLogger({ file: config.log.file, level: config.log.level });
  const metrics = createDaemonMetrics({ version: options.version });
  logger.info('Starting vpcnet-ipamd', { version: options.version, socket: options.socketPath });
  const closers: (() => Promise<void>)[] = [];
  try {
    const region = (await new HttpImds({ baseUrl: options.imdsEndpoint }).identity()).region;
    const ipamd = buildIpamd(options, logger, metrics, region);
    const rpc = await startRpcServer({ socketPath: options.socketPath, service: ipamd.service, logger, metrics });
    closers.push(() => rpc.close());
    if (!config.introspectionDisabled) {
      const introspection = await startIntrospectionServer({
        bindAddress: config.introspectionBindAddress,
        logger,
        views: {
          enis: () => new PreformattedJson(ipamd.views.enisJson()),
          eniConfigName: () => ipamd.views.eniConfigName(),
          ipamdEnvSettings: () => ipamd.views.envSettings().ipamdEnvSettings,
          networkutilsEnvSettings: () => ipamd.views.envSettings().networkutilsEnvSettings,
        },
      });
      closers.push(() => introspection.close());
    }
    if (!config.metricsDisabled) {
      const server = await startMetricsServer({ port: options.metricsPort, registry: metrics.registry, logger });
      closers.push(() => server.close());
    }
    await ipamd.init();
    ipamd.startPoolLoop();
    const gauges = setInterval(() => {
      const pool = ipamd.views.poolGauges();
      if (pool !== undefined) metrics.recordPool(pool);
    }, POOL_GAUGES_INTERVAL_MS);
    gauges.unref();
    closers.unshift(async () => {
      clearInterval(gauges);
      await ipamd.stop();
    });
    logger.info('vpcnet-ipamd is ready', { facts: ipamd.facts() });
    await options.stopped;
    logger.info('Stopping vpcnet-ipamd');
    return 0;
  } catch (error) {
    logger.error('vpcnet-ipamd failed', { error: error instanceof Error ? error.message : String(error) });
    return 1;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
    await logger.close();
  }
}
