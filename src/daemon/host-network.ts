/**
 * The daemon's side of host networking: which settings the node's SNAT and rules take from the config
 * and the node, and the secondary ENI setup with upstream's retries (the link may not exist yet).
 */
import { LinkNotFoundError } from '../core/node-network/index.ts';
import type { NodeRulesInput } from '../core/node-network/index.ts';
import type { SnatSettings } from '../ports/node-network.ts';
import type { DaemonRuntime, EniFacts, NodeFacts, NodeState } from './daemon-runtime.ts';

/** Attempts of a secondary ENI setup while its link does not show (upstream: 5 tries). */
const SETUP_ATTEMPTS = 5;
/** Pause between them (upstream: 3 s per link lookup). */
const SETUP_RETRY_MS = 3_000;

/** SNAT and connmark settings of the node: VPC CIDRs from IMDS, the primary ENI as SNAT source. */
export function snatSettings(runtime: DaemonRuntime, facts: NodeFacts, vpcCidrs: readonly string[]): SnatSettings {
  const { config } = runtime;
  return {
    snat: config.snat,
    connmark: config.connmark,
    vethPrefix: config.vethPrefix,
    nodePortSupport: config.nodePortSupport,
    vpcCidrs,
    primaryIp: facts.primaryIp,
    primaryMac: facts.primaryMac,
  };
}

/** The node rules' input: the config's part and every managed secondary ENI. */
export function nodeRulesInput(runtime: DaemonRuntime, enis: Iterable<EniFacts>): NodeRulesInput {
  const { config } = runtime;
  const secondaryEnis = [...enis]
    .filter((eni) => eni.deviceNumber !== 0)
    .map((eni) => ({ deviceNumber: eni.deviceNumber, primaryIp: eni.primaryIp, trunk: eni.trunk }));
  return {
    nodePortSupport: config.nodePortSupport,
    connmark: config.connmark,
    externalServiceCidrs: config.externalServiceCidrs,
    snat: { mode: config.snat.mode },
    secondaryEnis,
  };
}

/** Converges the node rules (1024, 1535, 32765) to the managed ENIs of the state. */
export async function applyNodeRules(runtime: DaemonRuntime, state: NodeState): Promise<void> {
  await runtime.nodeNetwork.applyNodeRules(nodeRulesInput(runtime, state.enis.values()));
}

/** Sets a secondary ENI up on the host; retries while its link has not appeared. Never for the primary ENI. */
export async function setupSecondaryEni(runtime: DaemonRuntime, eni: EniFacts): Promise<void> {
  if (eni.deviceNumber === 0) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await runtime.nodeNetwork.setupSecondaryEni({
        mac: eni.mac,
        deviceNumber: eni.deviceNumber,
        networkCard: 0,
        primaryIp: eni.primaryIp,
        subnetCidr: eni.subnetCidr,
        mtu: runtime.config.eniMtu,
        trunk: eni.trunk,
      });
      return;
    } catch (error) {
      if (!(error instanceof LinkNotFoundError) || attempt >= SETUP_ATTEMPTS) throw error;
      runtime.logger.debug('ENI link not found yet, retrying', { eni: eni.eniId, mac: eni.mac, attempt });
      await runtime.sleep(SETUP_RETRY_MS);
    }
  }
}
