#!/usr/bin/env node
// Composition root of vpcnet-ipamd: the only place that reads the environment and signals.
import { ConfigError, parseDaemonConfig } from '../core/config/index.ts';
import { DEFAULT_SOCKET_PATH } from '../core/protocol/index.ts';
import { runDaemonProcess } from '../daemon/daemon-process.ts';

// A standalone daemon runs on the host: log where the host's log collector looks, unless told otherwise.
const env: Record<string, string | undefined> = { AWS_VPC_K8S_CNI_LOG_FILE: '/var/log/aws-routed-eni/ipamd.log', ...process.env };

function refuse(message: string): never {
  process.stderr.write(`vpcnet-ipamd: refusing to start: ${message}\n`);
  process.exit(1);
}

function integer(name: string, fallback: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= max ? value : refuse(`Invalid ${name} "${text}": expected an integer from 0 to ${max}`);
}

let config;
try {
  config = parseDaemonConfig(env);
} catch (error) {
  refuse(error instanceof ConfigError ? error.message : String(error));
}
const stopped = new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});
process.exit(await runDaemonProcess({
  config,
  socketPath: env.VPCNET_IPAMD_SOCKET ?? DEFAULT_SOCKET_PATH,
  imdsEndpoint: env.VPCNET_IMDS_ENDPOINT ?? 'http://169.254.169.254',
  addWaitMs: integer('VPCNET_ADD_WAIT_MS', 10_000, 600_000),
  metricsPort: integer('VPCNET_METRICS_PORT', 61678, 65535),
  version: env.VPC_CNI_VERSION ?? '',
  stopped,
}));
