/**
 * Names and comments of the iptables chains and rules that upstream ipamd owns, so that a rule it (or an
 * older version) left behind can be told apart from other software's rules.
 */
import type { IptablesTable } from './iptables-rule.ts';
import { xtablesSaveString } from './iptables-rule.ts';

/** The nat chain holding the VPC RETURNs and the SNAT rule. */
export const SNAT_CHAIN = 'AWS-SNAT-CHAIN-0';
/** The nat chain that marks outbound pod connections (iptables connmark backend). */
export const CONNMARK_CHAIN = 'AWS-CONNMARK-CHAIN-0';

/** Rule comments, exactly as upstream writes them. */
export const RULE_COMMENTS = {
  snatJump: 'AWS SNAT CHAIN',
  snatReturn: 'AWS SNAT CHAIN',
  snatExclusion: 'AWS SNAT CHAIN EXCLUSION',
  snat: 'AWS, SNAT',
  primaryEni: 'AWS, primary ENI',
  outboundConnections: 'AWS, outbound connections',
  connmark: 'AWS, CONNMARK',
  connmarkReturn: 'AWS CONNMARK CHAIN',
} as const;

const OWNED_COMMENTS_BY_BUILTIN_CHAIN: Readonly<Record<string, readonly string[]>> = {
  'nat POSTROUTING': [RULE_COMMENTS.snatJump],
  'nat PREROUTING': [RULE_COMMENTS.outboundConnections, RULE_COMMENTS.connmark],
  'mangle PREROUTING': [RULE_COMMENTS.primaryEni],
};

const AWS_CHAIN_PREFIXES = ['AWS-SNAT-CHAIN', 'AWS-CONNMARK-CHAIN'];

/** True for chains of the upstream SNAT and connmark designs (`AWS-SNAT-CHAIN-<n>`, `AWS-CONNMARK-CHAIN-<n>`). */
export function isAwsChain(chain: string): boolean {
  return AWS_CHAIN_PREFIXES.some((prefix) => chain.startsWith(prefix));
}

/**
 * True when an iptables-save line of a built-in chain (`nat POSTROUTING`, `nat PREROUTING`, `mangle
 * PREROUTING`) is one of upstream's rules, recognised by its comment; such a rule that is not planned is stale.
 */
export function isAwsBuiltinChainRule(table: IptablesTable, chain: string, saveLine: string): boolean {
  const comments = OWNED_COMMENTS_BY_BUILTIN_CHAIN[`${table} ${chain}`] ?? [];
  return comments.some((comment) => hasComment(saveLine, comment));
}

function hasComment(saveLine: string, comment: string): boolean {
  const marker = ` --comment ${xtablesSaveString(comment)}`;
  const at = saveLine.indexOf(marker);
  if (at < 0) return false;
  const next = saveLine[at + marker.length];
  return next === undefined || next === ' ';
}
