import type { DaemonConfig, SnatRandomization } from './daemon-config.ts';

/** Body of introspection `/v1/ipamd-env-settings` (ipamd `GetConfigForDebug`). */
export interface IpamdEnvSettings {
  readonly AWS_MANAGE_ENIS_NON_SCHEDULABLE: boolean;
  readonly AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: boolean;
  readonly ENABLE_SUBNET_DISCOVERY: boolean;
  readonly WARM_ENI_TARGET: number;
  readonly WARM_IP_TARGET: number;
}

/** Body of introspection `/v1/networkutils-env-settings` (networkutils `GetConfigForDebug`); empty lists are `null`. */
export interface NetworkutilsEnvSettings {
  readonly AWS_EXTERNAL_SERVICE_CIDRS: readonly string[] | null;
  readonly AWS_VPC_CNI_NODE_PORT_SUPPORT: boolean;
  readonly AWS_VPC_ENI_MTU: number;
  readonly AWS_VPC_K8S_CNI_CONNMARK: number;
  readonly AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: readonly string[] | null;
  readonly AWS_VPC_K8S_CNI_EXTERNALSNAT: boolean;
  /** Go's `snatType` enum: 0 none, 1 hashrandom, 2 prng. */
  readonly AWS_VPC_K8S_CNI_RANDOMIZESNAT: 0 | 1 | 2;
  readonly AWS_VPC_K8S_CNI_VETHPREFIX: string;
}

/** The environment-settings views that introspection serves, in upstream's shapes. */
export interface ConfigDescription {
  readonly ipamdEnvSettings: IpamdEnvSettings;
  readonly networkutilsEnvSettings: NetworkutilsEnvSettings;
}

const SNAT_TYPE: Readonly<Record<SnatRandomization, 0 | 1 | 2>> = { none: 0, hashrandom: 1, prng: 2 };

function orNull(list: readonly string[]): readonly string[] | null {
  // A Go nil slice marshals as null; upstream returns nil for an unset or empty variable.
  return list.length === 0 ? null : list;
}

/**
 * The config as introspection shows it: the exact key sets and value types of upstream's two env-settings
 * endpoints. Keys are in Go's sorted map order, so `JSON.stringify` gives byte-identical bodies.
 */
export function describeConfig(config: DaemonConfig): ConfigDescription {
  return {
    ipamdEnvSettings: {
      AWS_MANAGE_ENIS_NON_SCHEDULABLE: config.manageEnisOnUnschedulableNode,
      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: config.customNetworking.enabled,
      ENABLE_SUBNET_DISCOVERY: config.subnetDiscovery,
      WARM_ENI_TARGET: config.warmTargets.warmEniTarget,
      WARM_IP_TARGET: config.warmTargets.warmIpTarget,
    },
    networkutilsEnvSettings: {
      AWS_EXTERNAL_SERVICE_CIDRS: orNull(config.externalServiceCidrs),
      AWS_VPC_CNI_NODE_PORT_SUPPORT: config.nodePortSupport,
      AWS_VPC_ENI_MTU: config.eniMtu,
      AWS_VPC_K8S_CNI_CONNMARK: config.connmark,
      AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: orNull(config.snat.excludeCidrs),
      AWS_VPC_K8S_CNI_EXTERNALSNAT: config.snat.mode === 'external',
      AWS_VPC_K8S_CNI_RANDOMIZESNAT: SNAT_TYPE[config.snat.randomize],
      AWS_VPC_K8S_CNI_VETHPREFIX: config.vethPrefix,
    },
  };
}
