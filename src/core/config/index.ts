/** The node daemon's configuration: parse the environment once, refuse invalid values, describe for introspection. */
export { ConfigError, formatConfigProblem } from './config-error.ts';
export type { ConfigProblem } from './config-error.ts';
export type {
  CniInstallConfig,
  CustomNetworkingConfig,
  DaemonConfig,
  IpFamily,
  LogConfig,
  LogLevel,
  NetworkPolicyMode,
  PodSgEnforcingMode,
  PoolMode,
  SnatConfig,
  SnatMode,
  SnatRandomization,
  WarmTargetSettings,
} from './daemon-config.ts';
export { describeConfig } from './describe-config.ts';
export type { ConfigDescription, IpamdEnvSettings, NetworkutilsEnvSettings } from './describe-config.ts';
export type { Env } from './env-reader.ts';
export { parseGoAtoi, parseGoBool, parseGoIntBase0 } from './go-strconv.ts';
export { DAEMON_DEFAULTS, parseDaemonConfig } from './parse-daemon-config.ts';
export { DEFAULT_CONNMARK, DEFAULT_VETH_PREFIX, MAX_MTU, MIN_MTU_BY_FAMILY } from './read-network-settings.ts';
export { parseEnvFile } from './env-file.ts';
