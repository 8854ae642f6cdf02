import type { CniInstallConfig, LogLevel } from './daemon-config.ts';
import type { EnvReader } from './env-reader.ts';

/** Log levels in upstream's spelling order; matched case-insensitively (`DEBUG`, `Debug`, `debug`). */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];

const PLUGIN_LOG_FILE = 'AWS_VPC_K8S_PLUGIN_LOG_FILE';

function readPluginLogFile(reader: EnvReader): string {
  // '' is meaningful here (the plugin then logs to stderr), so the raw value is used, as upstream's GetEnv does.
  const value = reader.rawValue(PLUGIN_LOG_FILE) ?? '/var/log/aws-routed-eni/plugin.log';
  if (value === 'stdout') {
    reader.report(PLUGIN_LOG_FILE, value, 'a file path or "stderr" (a CNI plugin\'s stdout carries its result)');
  }
  return value;
}

/** Reads what the entrypoint installs on the host and renders into `10-aws.conflist` for the plugin. */
export function readCniInstall(reader: EnvReader): CniInstallConfig {
  return {
    binDir: reader.text('HOST_CNI_BIN_PATH', '/host/opt/cni/bin'),
    confDir: reader.text('HOST_CNI_CONFDIR_PATH', '/host/etc/cni/net.d'),
    pluginLogFile: readPluginLogFile(reader),
    pluginLogLevel: reader.choice('AWS_VPC_K8S_PLUGIN_LOG_LEVEL', LOG_LEVELS, 'debug', true),
    egressV4PluginLogFile: reader.text('AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE', '/var/log/aws-routed-eni/egress-v4-plugin.log'),
    egressV6PluginLogFile: reader.text('AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE', '/var/log/aws-routed-eni/egress-v6-plugin.log'),
    bandwidthPlugin: reader.bool('ENABLE_BANDWIDTH_PLUGIN', false),
    podIpv6Disabled: reader.bool('DISABLE_POD_V6', false),
    ipv6Egress: reader.bool('ENABLE_V6_EGRESS', false),
    ipv4Egress: reader.bool('ENABLE_V4_EGRESS', true),
    tcpEarlyDemuxDisabled: reader.bool('DISABLE_TCP_EARLY_DEMUX', false),
  };
}
