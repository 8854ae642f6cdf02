/** The node-level policy routing rules of section d (fwmark, external service CIDRs, secondary ENI primary IPs). */
import type { DaemonConfig } from '../config/index.ts';
import type { EniPosition, IpRule } from './ip-rule.ts';
import { hostCidr, MAIN_TABLE, routeTableId, RULE_PRIORITY } from './ip-rule.ts';
import { normalizeCidr, unique } from './snat-input.ts';

/** A secondary ENI as the node rules need it. */
export interface SecondaryEniRef extends EniPosition {
  /** The ENI's primary private address. */
  readonly primaryIp: string;
  /** Trunk ENIs (security groups for pods) get no rule 32765. */
  readonly trunk?: boolean;
}

/** What {@link planNodeRules} depends on. */
export interface NodeRulesInput extends Pick<DaemonConfig, 'nodePortSupport' | 'connmark' | 'externalServiceCidrs'> {
  readonly snat: Pick<DaemonConfig['snat'], 'mode'>;
  /** Every attached secondary ENI (not the primary). */
  readonly secondaryEnis: readonly SecondaryEniRef[];
}

/** Priorities whose rules the node owns entirely: a rule there that is not planned is stale. */
export const NODE_RULE_PRIORITIES: readonly number[] = [RULE_PRIORITY.fwmark, RULE_PRIORITY.externalServiceCidr, RULE_PRIORITY.fromEniPrimaryIp];

/**
 * Plans the node's rules: `fwmark <mark>/<mark> lookup main prio 1024` when NodePort support is on or the
 * node SNATs; `to <cidr> lookup main prio 1535` per external service CIDR; `from <ENI primary IP> lookup
 * <table> prio 32765` per non-trunk secondary ENI.
 */
export function planNodeRules(input: NodeRulesInput): readonly IpRule[] {
  const fwmark: IpRule[] = input.nodePortSupport || input.snat.mode === 'node'
    ? [{ priority: RULE_PRIORITY.fwmark, fwmark: { mark: input.connmark, mask: input.connmark }, table: MAIN_TABLE }]
    : [];
  const services = unique(input.externalServiceCidrs.map(normalizeCidr))
    .map((cidr): IpRule => ({ priority: RULE_PRIORITY.externalServiceCidr, to: cidr, table: MAIN_TABLE }));
  const enis = input.secondaryEnis.filter((eni) => eni.trunk !== true).map(eniPrimaryIpRule);
  return [...fwmark, ...services, ...enis];
}

/** `from <ENI primary IP>/32 lookup <ENI table> prio 32765`. */
export function eniPrimaryIpRule(eni: SecondaryEniRef): IpRule {
  if (routeTableId(eni) === MAIN_TABLE) throw new RangeError('Cannot plan rule 32765 for the primary ENI: it uses the main table');
  return { priority: RULE_PRIORITY.fromEniPrimaryIp, from: hostCidr(eni.primaryIp), table: routeTableId(eni) };
}
