import type { PoolMode } from '../limits/max-pods.ts';

export type { PoolMode } from '../limits/max-pods.ts';

/** Address family of pod addresses (`ENABLE_IPv4` / `ENABLE_IPv6`); vpcnet supports `ipv4` only, for now. */
export type IpFamily = 'ipv4' | 'ipv6';
/** Log level of ipamd and of the plugin (zap levels; upstream matches them case-insensitively). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
/** Who SNATs pod traffic leaving the VPC: this node (iptables) or an external NAT (`AWS_VPC_K8S_CNI_EXTERNALSNAT`). */
export type SnatMode = 'node' | 'external';
/** Port randomisation of the SNAT rule: `--random-fully`, `--random`, or none (`AWS_VPC_K8S_CNI_RANDOMIZESNAT`). */
export type SnatRandomization = 'prng' | 'hashrandom' | 'none';
/** Security groups for pods: how branch-ENI pods are isolated (`POD_SECURITY_GROUP_ENFORCING_MODE`). */
export type PodSgEnforcingMode = 'strict' | 'standard';
/** Network policy enforcement passed to the plugin and policy agent (`NETWORK_POLICY_ENFORCING_MODE`). */
export type NetworkPolicyMode = 'none' | 'strict' | 'standard';

/** The warm-pool targets, as configured (section c of the reference gives their meaning). */
export interface WarmTargetSettings {
  /** `WARM_ENI_TARGET`: ENIs' worth of free addresses to keep (secondary-IP mode without IP targets). */
  readonly warmEniTarget: number;
  /** `WARM_IP_TARGET`: free addresses to keep; 0 = unset. */
  readonly warmIpTarget: number;
  /** `MINIMUM_IP_TARGET`: floor on the total addresses; 0 = unset. */
  readonly minimumIpTarget: number;
  /** `WARM_PREFIX_TARGET`: free /28 prefixes to keep (prefix mode without IP targets). */
  readonly warmPrefixTarget: number;
}

/** SNAT of pod traffic leaving the VPC. */
export interface SnatConfig {
  readonly mode: SnatMode;
  readonly randomize: SnatRandomization;
  /** `AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS`, normalised (`10.1.0.0/16`); also exempt from connmark. */
  readonly excludeCidrs: readonly string[];
}

/** Custom networking (ENIConfig): secondary ENIs take subnet and SGs from an ENIConfig; the primary ENI carries no pods. */
export interface CustomNetworkingConfig {
  readonly enabled: boolean;
  /** `ENI_CONFIG_LABEL_DEF`: Node label holding the ENIConfig name. */
  readonly eniConfigLabelKey: string;
  /** `ENI_CONFIG_ANNOTATION_DEF`: Node annotation holding the ENIConfig name (wins over the label). */
  readonly eniConfigAnnotationKey: string;
}

/** What the `aws-vpc-cni` entrypoint installs and renders into the conflist for the plugin. */
export interface CniInstallConfig {
  /** `HOST_CNI_BIN_PATH`. */
  readonly binDir: string;
  /** `HOST_CNI_CONFDIR_PATH`. */
  readonly confDir: string;
  /** `AWS_VPC_K8S_PLUGIN_LOG_FILE`: a path, or `stderr` ('' also means stderr, as upstream). */
  readonly pluginLogFile: string;
  readonly pluginLogLevel: LogLevel;
  readonly egressV4PluginLogFile: string;
  readonly egressV6PluginLogFile: string;
  /** `ENABLE_BANDWIDTH_PLUGIN`: chain the `bandwidth` plugin. */
  readonly bandwidthPlugin: boolean;
  /** `DISABLE_POD_V6`: chain `tuning` to disable IPv6 in pods. */
  readonly podIpv6Disabled: boolean;
  /** `ENABLE_V6_EGRESS`: IPv6 egress for pods of an IPv4 cluster. */
  readonly ipv6Egress: boolean;
  /** `ENABLE_V4_EGRESS`: IPv4 egress for pods of an IPv6 cluster. */
  readonly ipv4Egress: boolean;
  /** `DISABLE_TCP_EARLY_DEMUX`: set `net.ipv4.tcp_early_demux=0` (init container's job upstream). */
  readonly tcpEarlyDemuxDisabled: boolean;
}

/** ipamd's log output. */
export interface LogConfig {
  /** `AWS_VPC_K8S_CNI_LOG_FILE`: a path, `stdout` or `stderr`. */
  readonly file: string;
  readonly level: LogLevel;
}

/**
 * The node daemon's whole configuration, read once from the environment by `parseDaemonConfig` and frozen.
 * Names follow vpcnet style (camelCase, units in names, unions for modes); each field's doc names its variable.
 */
export interface DaemonConfig {
  readonly ipFamily: IpFamily;
  /** Requested by `ENABLE_PREFIX_DELEGATION`; ipamd falls back to `secondary-ip` on non-Nitro types (`ipamdPoolMode`). */
  readonly poolMode: PoolMode;
  readonly warmTargets: WarmTargetSettings;
  /** `MAX_ENI`: cap on ENIs (>= 1); undefined when unset (the instance limit applies). */
  readonly maxEni: number | undefined;
  /** `IP_COOLDOWN_PERIOD` in ms: a released pod address is not handed out again before this. */
  readonly ipCooldownMs: number;
  readonly customNetworking: CustomNetworkingConfig;
  /** `ENABLE_SUBNET_DISCOVERY`: new ENIs may use other subnets tagged `kubernetes.io/role/cni`. */
  readonly subnetDiscovery: boolean;
  /** `AWS_MANAGE_ENIS_NON_SCHEDULABLE`: keep managing ENIs while the Node is cordoned. */
  readonly manageEnisOnUnschedulableNode: boolean;
  /** `MANAGE_UNTAGGED_ENI`: manage ENIs this node's ipamd did not create. */
  readonly manageUntaggedEnis: boolean;
  /** `DISABLE_NETWORK_RESOURCE_PROVISIONING`, or implied by IMDS-only mode: no EC2 mutations at all. */
  readonly provisioningDisabled: boolean;
  /** `ENABLE_IMDS_ONLY_MODE`: no EC2 API calls at all. */
  readonly imdsOnly: boolean;
  /** `DISABLE_LEAKED_ENI_CLEANUP`, or implied by IPv6, IMDS-only or provisioning disabled. */
  readonly leakedEniCleanupDisabled: boolean;
  /** `ENABLE_POD_ENI`: security groups for pods (trunk and branch ENIs). */
  readonly podEni: boolean;
  readonly podSgEnforcingMode: PodSgEnforcingMode;
  /** undefined when `NETWORK_POLICY_ENFORCING_MODE` is unset (upstream sends "" to the plugin). */
  readonly networkPolicyMode: NetworkPolicyMode | undefined;
  /** `ENABLE_MULTI_NIC`: manage ENIs on network cards other than 0. */
  readonly multiNic: boolean;
  /** `ANNOTATE_POD_IP`: annotate pods with `vpc.amazonaws.com/pod-ips`. */
  readonly annotatePodIp: boolean;
  /** `CLUSTER_NAME`: tags ENIs and scopes leaked-ENI cleanup; undefined when unset. */
  readonly clusterName: string | undefined;
  /** `CLUSTER_ENDPOINT`: API server URL overriding the in-cluster one. */
  readonly clusterEndpoint: string | undefined;
  /** `ADDITIONAL_ENI_TAGS`: extra tags on the ENIs ipamd creates. */
  readonly additionalEniTags: Readonly<Record<string, string>>;
  /** `AWS_EC2_ENDPOINT`: custom EC2 endpoint URL. */
  readonly ec2Endpoint: string | undefined;
  /** `HTTP_TIMEOUT` in ms (>= 10 s). */
  readonly httpTimeoutMs: number;
  /** `VPC_CNI_VERSION`, added to user agents; '' when unset. */
  readonly vpcCniVersion: string;
  /** `MY_NODE_NAME` (downward API). */
  readonly nodeName: string | undefined;
  /** `MY_POD_NAME` (downward API). */
  readonly podName: string | undefined;
  /** `AWS_VPC_K8S_CNI_BACKING_STORE`: the IPAM checkpoint file. */
  readonly backingStorePath: string;
  readonly log: LogConfig;
  /** `INTROSPECTION_BIND_ADDRESS`: `host:port`, or `unix:<path>`. */
  readonly introspectionBindAddress: string;
  /** `DISABLE_INTROSPECTION`. */
  readonly introspectionDisabled: boolean;
  /** `DISABLE_METRICS`: no Prometheus server on :61678. */
  readonly metricsDisabled: boolean;
  /** `AWS_VPC_ENI_MTU`: MTU of the ENIs. */
  readonly eniMtu: number;
  /** `POD_MTU`: MTU of pod veths; defaults to `eniMtu`. */
  readonly podMtu: number;
  /** `AWS_VPC_K8S_CNI_VETHPREFIX`: host-side veth name prefix. */
  readonly vethPrefix: string;
  /** `AWS_VPC_K8S_CNI_CONNMARK`: connmark/fwmark bit for NodePort replies. */
  readonly connmark: number;
  /** `AWS_VPC_CNI_NODE_PORT_SUPPORT`: connmark rules so NodePort replies leave by the primary ENI. */
  readonly nodePortSupport: boolean;
  readonly snat: SnatConfig;
  /** `AWS_EXTERNAL_SERVICE_CIDRS`: always routed through the main table (rule priority 1535). */
  readonly externalServiceCidrs: readonly string[];
  readonly cni: CniInstallConfig;
}
