/**
 * The node's host networking as the daemon drives it: ENI interfaces, SNAT and connmark, policy routing
 * (section d of the reference). Every method converges to the desired state and is safe to repeat;
 * implementations throw `LinkNotFoundError` (src/core/node-network) when no interface has an ENI's MAC.
 */
import type { ConnmarkBackend, NodeRulesInput, SnatPlanInput } from '../core/node-network/index.ts';

/** The primary ENI: only its MTU is set (the OS configured its address and routes). */
export interface PrimaryEniSetup {
  /** MAC address, `0a:1b:...` (any case). */
  readonly mac: string;
  /** `AWS_VPC_ENI_MTU`. */
  readonly mtu: number;
}

/** A secondary ENI as EC2/IMDS describe it. */
export interface SecondaryEniSetup {
  readonly mac: string;
  /** Device index of the attachment (1 and up on network card 0). */
  readonly deviceNumber: number;
  /** Network card index; 0 when absent. */
  readonly networkCard?: number;
  /** The ENI's primary private address. */
  readonly primaryIp: string;
  /** The ENI subnet's CIDR block. */
  readonly subnetCidr: string;
  readonly mtu: number;
  /** A trunk ENI (security groups for pods) gets no rule 32765. */
  readonly trunk?: boolean;
}

/**
 * SNAT settings: {@link SnatPlanInput} with the primary ENI given by MAC; the connmark backend is detected
 * unless given.
 */
export interface SnatSettings extends Omit<SnatPlanInput, 'primaryInterface' | 'connmarkBackend' | 'randomFullySupported'> {
  readonly primaryMac: string;
  readonly connmarkBackend?: ConnmarkBackend;
}

/** Host networking of the node daemon. */
export interface NodeNetwork {
  /** Sets the primary ENI's MTU. */
  setupPrimaryEni(setup: PrimaryEniSetup): Promise<void>;
  /** MTU, up, the primary address alone, table `device + 1`, no connected route, rule 32765. */
  setupSecondaryEni(setup: SecondaryEniSetup): Promise<void>;
  /**
   * Converges the iptables (and nftables connmark) rules to the plan: adds what is missing, removes stale
   * rules of the AWS chains and comments and the chains of older designs (`AWS-SNAT-CHAIN-1..N`),
   * re-programs when the VPC CIDRs change; changes nothing when already in place.
   */
  applySnat(settings: SnatSettings): Promise<void>;
  /** Converges the rules at priorities 1024, 1535 and 32765 to the plan; others are left alone. */
  applyNodeRules(input: NodeRulesInput): Promise<void>;
  /** Removes the plugin's rules of one pod address (`to` at 512, `from` at 1536), e.g. for a pod gone during a restart. */
  removePodRules(podIp: string): Promise<void>;
  /**
   * Makes the plugin's rules of one pod address exactly `to <ip>/32 lookup main prio 512` and, unless
   * `routeTableId` is main (254), `from <ip>/32 lookup <routeTableId> prio 1536`, once each: missing ones
   * added, duplicates and other `to <ip>` 512 / `from <ip>` 1536 rules (another table) deleted. Upstream
   * ipamd's restore-time `UpdateRuleListBySrc`, which only de-duplicates, extended to recreate lost rules.
   * Throws for an invalid address, `RangeError` for a table that is not an integer 1..2^32-1.
   */
  ensurePodRules(podIp: string, routeTableId: number): Promise<void>;
  /** Names of the node's network interfaces (to tell which pod veths still exist). */
  linkNames(): Promise<readonly string[]>;
  /** `nftables` when `iptables --version` does not say `legacy` (as upstream decides), else `iptables`. */
  connmarkBackend(): Promise<ConnmarkBackend>;
}
