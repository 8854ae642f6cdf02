import { ConfigError } from './config-error.ts';
import type { DaemonConfig, IpFamily, NetworkPolicyMode, PoolMode, WarmTargetSettings } from './daemon-config.ts';
import { parseAdditionalEniTags } from './eni-tags.ts';
import { EnvReader } from './env-reader.ts';
import type { Env } from './env-reader.ts';
import { LOG_LEVELS, readCniInstall } from './read-cni-install.ts';
import { readNetworkSettings } from './read-network-settings.ts';
import type { NetworkSettings } from './read-network-settings.ts';

/** Upstream defaults that other modules refer to (all from ipamd v1.23.1). */
export const DAEMON_DEFAULTS = Object.freeze({
  warmEniTarget: 1,
  ipCooldownSeconds: 30,
  httpTimeoutSeconds: 10,
  eniConfigKey: 'k8s.amazonaws.com/eniConfig',
  backingStorePath: '/var/run/aws-node/ipam.json',
  logFile: '/host/var/log/aws-routed-eni/ipamd.log',
  introspectionBindAddress: '127.0.0.1:61679',
});

// host:port as Go's net.Listen takes it: an empty host means every interface, an IPv6 host is bracketed.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]*):([0-9]{1,5})$/;

function readIpFamily(reader: EnvReader): IpFamily {
  const ipv6 = reader.bool('ENABLE_IPv6', false);
  // Upstream code defaults ENABLE_IPv4 to false and exits when both are off; its manifest always sets it to
  // true. vpcnet defaults ENABLE_IPv4 to "not ENABLE_IPv6", so leaving both unset means IPv4, as shipped.
  const ipv4 = reader.bool('ENABLE_IPv4', !ipv6);
  const shown = (name: string): string => reader.value(name) ?? '';
  if (ipv4 && ipv6) {
    reader.report('ENABLE_IPv6', shown('ENABLE_IPv6'), 'false when ENABLE_IPv4 is true (dual stack is not supported)');
  } else if (!ipv4 && !ipv6) {
    reader.report('ENABLE_IPv4', shown('ENABLE_IPv4'), 'true when ENABLE_IPv6 is false (one of the two must be true)');
  } else if (ipv6) {
    reader.report('ENABLE_IPv6', shown('ENABLE_IPv6'), 'false: vpcnet does not support IPv6 pod addresses yet');
  }
  return ipv6 && !ipv4 ? 'ipv6' : 'ipv4';
}

function readWarmTargets(reader: EnvReader, poolMode: PoolMode): WarmTargetSettings {
  const before = reader.problems.length;
  const targets: WarmTargetSettings = {
    warmEniTarget: reader.integer('WARM_ENI_TARGET', DAEMON_DEFAULTS.warmEniTarget, { min: 0 }),
    warmIpTarget: reader.integer('WARM_IP_TARGET', 0, { min: 0 }),
    minimumIpTarget: reader.integer('MINIMUM_IP_TARGET', 0, { min: 0 }),
    warmPrefixTarget: reader.integer('WARM_PREFIX_TARGET', 0, { min: 0 }),
  };
  const noTarget = targets.warmPrefixTarget === 0 && targets.warmIpTarget === 0 && targets.minimumIpTarget === 0;
  // Entrypoint check: with prefixes and no target at all the pool would grow and shrink forever. Upstream
  // compares the raw strings with <= "0" (so "00" slips through); vpcnet compares the parsed numbers.
  if (poolMode === 'prefix' && noTarget && reader.problems.length === before) {
    reader.report('WARM_PREFIX_TARGET', reader.value('WARM_PREFIX_TARGET') ?? '',
      'an integer >= 1 when ENABLE_PREFIX_DELEGATION is true and neither WARM_IP_TARGET nor MINIMUM_IP_TARGET is above 0');
  }
  return targets;
}

function readNetworkPolicyMode(reader: EnvReader): NetworkPolicyMode | undefined {
  if (reader.value('NETWORK_POLICY_ENFORCING_MODE') === undefined) return undefined;
  return reader.choice<NetworkPolicyMode>('NETWORK_POLICY_ENFORCING_MODE', ['none', 'strict', 'standard'], 'standard', true);
}

function readAdditionalEniTags(reader: EnvReader): Readonly<Record<string, string>> {
  const value = reader.value('ADDITIONAL_ENI_TAGS');
  if (value === undefined) return {};
  const result = parseAdditionalEniTags(value);
  if (result.ok) return result.tags;
  reader.report('ADDITIONAL_ENI_TAGS', value, `a JSON object of string tag values such as {"team":"net"} (${result.reason})`);
  return {};
}

function readIntrospectionAddress(reader: EnvReader): string {
  const value = reader.text('INTROSPECTION_BIND_ADDRESS', DAEMON_DEFAULTS.introspectionBindAddress);
  const port = HOST_PORT.exec(value)?.[2];
  const valid = value.startsWith('unix:') ? value.length > 'unix:'.length : port !== undefined && Number(port) <= 65535;
  if (!valid) {
    reader.report('INTROSPECTION_BIND_ADDRESS', value, 'host:port (port 0 to 65535) or unix:<socket path>');
  }
  return value;
}

function readIpamd(reader: EnvReader, ipFamily: IpFamily): Omit<DaemonConfig, 'ipFamily' | 'cni' | keyof NetworkSettings> {
  const poolMode: PoolMode = reader.bool('ENABLE_PREFIX_DELEGATION', false) ? 'prefix' : 'secondary-ip';
  const imdsOnly = reader.bool('ENABLE_IMDS_ONLY_MODE', false);
  const provisioningDisabled = reader.bool('DISABLE_NETWORK_RESOURCE_PROVISIONING', false) || imdsOnly;
  const leakedEniCleanupDisabled = reader.bool('DISABLE_LEAKED_ENI_CLEANUP', false) || provisioningDisabled || ipFamily === 'ipv6';
  return {
    poolMode,
    warmTargets: readWarmTargets(reader, poolMode),
    maxEni: reader.optionalInteger('MAX_ENI', { min: 1 }),
    ipCooldownMs: reader.integer('IP_COOLDOWN_PERIOD', DAEMON_DEFAULTS.ipCooldownSeconds, { min: 0, unit: 'seconds' }) * 1000,
    customNetworking: {
      enabled: reader.bool('AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', false),
      eniConfigLabelKey: reader.text('ENI_CONFIG_LABEL_DEF', DAEMON_DEFAULTS.eniConfigKey),
      eniConfigAnnotationKey: reader.text('ENI_CONFIG_ANNOTATION_DEF', DAEMON_DEFAULTS.eniConfigKey),
    },
    subnetDiscovery: reader.bool('ENABLE_SUBNET_DISCOVERY', true),
    manageEnisOnUnschedulableNode: reader.bool('AWS_MANAGE_ENIS_NON_SCHEDULABLE', false),
    manageUntaggedEnis: reader.bool('MANAGE_UNTAGGED_ENI', true),
    provisioningDisabled,
    imdsOnly,
    leakedEniCleanupDisabled,
    podEni: reader.bool('ENABLE_POD_ENI', false),
    // Upstream validates the mode only when ENABLE_POD_ENI is on; vpcnet refuses an invalid mode always.
    podSgEnforcingMode: reader.choice('POD_SECURITY_GROUP_ENFORCING_MODE', ['strict', 'standard'], 'strict'),
    networkPolicyMode: readNetworkPolicyMode(reader),
    multiNic: reader.bool('ENABLE_MULTI_NIC', false),
    annotatePodIp: reader.bool('ANNOTATE_POD_IP', false),
    clusterName: reader.value('CLUSTER_NAME'),
    clusterEndpoint: reader.value('CLUSTER_ENDPOINT'),
    additionalEniTags: readAdditionalEniTags(reader),
    ec2Endpoint: reader.value('AWS_EC2_ENDPOINT'),
    httpTimeoutMs: reader.integer('HTTP_TIMEOUT', DAEMON_DEFAULTS.httpTimeoutSeconds, { min: 10, unit: 'seconds' }) * 1000,
    vpcCniVersion: reader.text('VPC_CNI_VERSION', ''),
    nodeName: reader.value('MY_NODE_NAME'),
    podName: reader.value('MY_POD_NAME'),
    backingStorePath: reader.text('AWS_VPC_K8S_CNI_BACKING_STORE', DAEMON_DEFAULTS.backingStorePath),
    log: {
      file: reader.text('AWS_VPC_K8S_CNI_LOG_FILE', DAEMON_DEFAULTS.logFile),
      level: reader.choice('AWS_VPC_K8S_CNI_LOGLEVEL', LOG_LEVELS, 'debug', true),
    },
    introspectionBindAddress: readIntrospectionAddress(reader),
    introspectionDisabled: reader.bool('DISABLE_INTROSPECTION', false),
    metricsDisabled: reader.bool('DISABLE_METRICS', false),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads every ipamd setting of the reference's section b from `env`, once, with upstream's names, defaults and
 * Go `strconv.ParseBool` truthiness, plus the entrypoint's checks. Where upstream would log and fall back to a
 * default, this refuses: it collects every problem and throws one {@link ConfigError}. An empty value counts
 * as unset (except `AWS_VPC_K8S_PLUGIN_LOG_FILE`, where '' means stderr). The result is deeply frozen.
 */
export function parseDaemonConfig(env: Env): DaemonConfig {
  const reader = new EnvReader(env);
  const ipFamily = readIpFamily(reader);
  const config: DaemonConfig = {
    ipFamily,
    ...readIpamd(reader, ipFamily),
    ...readNetworkSettings(reader, ipFamily),
    cni: readCniInstall(reader),
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze(config);
}
