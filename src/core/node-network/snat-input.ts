import type { DaemonConfig } from '../config/index.ts';
import { formatCidr, parseCidr } from '../ip/index.ts';

/** Which program implements the connmark part: iptables (legacy hosts) or native nftables (iptables on nf_tables). */
export type ConnmarkBackend = 'iptables' | 'nftables';

/** What the SNAT and connmark plans depend on: the node, and the networking part of {@link DaemonConfig}. */
export interface SnatPlanInput extends Pick<DaemonConfig, 'snat' | 'connmark' | 'vethPrefix' | 'nodePortSupport'> {
  /** The VPC's IPv4 CIDR blocks (primary and secondary). */
  readonly vpcCidrs: readonly string[];
  /** The primary ENI's primary address: the SNAT source. */
  readonly primaryIp: string;
  /** The primary ENI's interface name (e.g. `eth0`, `ens5`). */
  readonly primaryInterface: string;
  readonly connmarkBackend: ConnmarkBackend;
  /**
   * Whether iptables knows `--random-fully` (1.6.2 and later); when not, `prng` falls back to `--random` as
   * upstream does. Default true.
   */
  readonly randomFullySupported?: boolean;
}

/** `10.1.2.3/16` → `10.1.0.0/16`, as iptables and nft print it; `SyntaxError`/`RangeError` for non-CIDRs. */
export function normalizeCidr(text: string): string {
  return formatCidr(parseCidr(text, false));
}

/** The blocks exempt from connmark marking: VPC CIDRs then exclude CIDRs, normalised, duplicates dropped. */
export function exemptCidrs(input: Pick<SnatPlanInput, 'vpcCidrs' | 'snat'>): readonly string[] {
  return unique([...input.vpcCidrs, ...input.snat.excludeCidrs].map(normalizeCidr));
}

/** Items in first-seen order without repeats. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** True when the node SNATs pod traffic itself (`AWS_VPC_K8S_CNI_EXTERNALSNAT` false). */
export function nodeSnats(input: Pick<SnatPlanInput, 'snat'>): boolean {
  return input.snat.mode === 'node';
}
