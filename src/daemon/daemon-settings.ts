/**
 * Everything vpcnet-ipamd reads before it starts, from the environment and an optional configuration file
 * (`--config <file>` or `VPCNET_CONFIG_FILE`; the environment wins over the file). Invalid settings throw
 * `ConfigError` naming each variable, so the daemon refuses to start rather than guess.
 */
import type { DaemonConfig } from '../core/config/index.ts';
import { ConfigError, parseDaemonConfig, parseEnvFile } from '../core/config/index.ts';
import { DEFAULT_SOCKET_PATH } from '../core/protocol/index.ts';
import type { DaemonProcessOptions } from './daemon-process.ts';

/** The process options but `stopped`. */
export type DaemonSettings = Omit<DaemonProcessOptions, 'stopped'>;

type Env = Readonly<Record<string, string | undefined>>;

/** Where a standalone daemon on a host logs unless told otherwise (upstream's default is the container's /host path). */
export const HOST_LOG_FILE = '/var/log/aws-routed-eni/ipamd.log';

function integer(env: Env, name: string, range: { fallback: number; max: number }): number | ConfigError {
  const text = env[name];
  if (text === undefined || text === '') return range.fallback;
  const value = Number(text);
  if (Number.isInteger(value) && value >= 0 && value <= range.max) return value;
  return new ConfigError([{ variable: name, value: text, expected: `an integer from 0 to ${range.max}` }]);
}

function fileSettings(path: string | undefined, readFile: (path: string) => string): Record<string, string> {
  if (path === undefined) return {};
  try {
    return parseEnvFile(readFile(path));
  } catch (error) {
    throw new ConfigError([{ variable: '--config', value: path, expected: `a readable NAME=value file (${error instanceof Error ? error.message : String(error)})` }]);
  }
}

/** Reads the daemon's settings; `readFile` is injected so tests need no files. */
export function readDaemonSettings(env: Env, argv: readonly string[], readFile: (path: string) => string): DaemonSettings {
  const flag = argv.indexOf('--config');
  const merged: Env = { AWS_VPC_K8S_CNI_LOG_FILE: HOST_LOG_FILE, ...fileSettings(flag >= 0 ? argv[flag + 1] : env.VPCNET_CONFIG_FILE, readFile), ...env };
  const config: DaemonConfig = parseDaemonConfig(merged);
  const addWaitMs = integer(merged, 'VPCNET_ADD_WAIT_MS', { fallback: 10_000, max: 600_000 });
  const metricsPort = integer(merged, 'VPCNET_METRICS_PORT', { fallback: 61678, max: 65535 });
  for (const value of [addWaitMs, metricsPort]) if (value instanceof ConfigError) throw value;
  return {
    config,
    socketPath: merged.VPCNET_IPAMD_SOCKET ?? DEFAULT_SOCKET_PATH,
    imdsEndpoint: merged.VPCNET_IMDS_ENDPOINT ?? 'http://169.254.169.254',
    addWaitMs: addWaitMs as number,
    metricsPort: metricsPort as number,
    version: merged.VPC_CNI_VERSION ?? '',
  };
}
