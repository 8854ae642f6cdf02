/**
 * The connmark half of outbound SNAT: pod connections to addresses outside the VPC get connmark 0x80 (the
 * configured mark) in nat PREROUTING, copied to the packet mark, so that the fwmark rule (priority 1024)
 * routes them through the main table and the primary ENI, where POSTROUTING SNATs them. Upstream keeps
 * it in iptables (`iptables_connmark.go`) or, where iptables runs on nf_tables, in native nftables
 * (`nftables_connmark.go`).
 */
import { CONNMARK_CHAIN, RULE_COMMENTS } from './aws-chains.ts';
import type { IptablesRule } from './iptables-rule.ts';
import { commentMatch, formatMark, iptablesRule, savedCommentMatch } from './iptables-rule.ts';
import type { SnatPlanInput } from './snat-input.ts';
import { exemptCidrs, nodeSnats } from './snat-input.ts';

/** The nftables table of the nftables connmark backend. */
export interface NftConnmarkPlan {
  readonly family: 'ip';
  readonly name: 'aws-cni';
  /**
   * The table as `nft -y list table ip aws-cni` prints it with its counters at zero (`counter`, without
   * `packets 0 bytes 0`); valid `nft -f` input.
   */
  readonly text: string;
}

/** Upstream's base chain priority: dstnat (-100) + 10, after kube-proxy's DNAT. */
export const NFT_CONNMARK_PRIORITY = -90;

/**
 * The iptables connmark rules (iptables-legacy hosts), only when the node SNATs: the PREROUTING jump from
 * pod veths, the restore-mark rule after it, and AWS-CONNMARK-CHAIN-0 with a RETURN per exempt block
 * (each inserted at position 1 upstream, so the last block comes first) and the set-mark rule.
 */
export function planIptablesConnmark(input: SnatPlanInput): readonly IptablesRule[] {
  if (!nodeSnats(input) || input.connmarkBackend !== 'iptables') return [];
  const mark = formatMark(input.connmark);
  const restoreSpec = [...commentMatch(RULE_COMMENTS.connmark), '-j', 'CONNMARK', '--restore-mark', '--mask', mark];
  const returns = [...exemptCidrs(input)].reverse().map((cidr) => {
    const destination = cidr === '0.0.0.0/0' ? [] : ['-d', cidr];
    return iptablesRule('nat', CONNMARK_CHAIN, [...destination, ...commentMatch(RULE_COMMENTS.connmarkReturn), '-j', 'RETURN']);
  });
  return [
    iptablesRule('nat', 'PREROUTING', ['-i', `${input.vethPrefix}+`, ...commentMatch(RULE_COMMENTS.outboundConnections), '-j', CONNMARK_CHAIN]),
    iptablesRule('nat', 'PREROUTING', restoreSpec, [...savedCommentMatch(RULE_COMMENTS.connmark), '-j', 'CONNMARK', '--restore-mark', '--nfmask', mark, '--ctmask', mark]),
    ...returns,
    iptablesRule('nat', CONNMARK_CHAIN, [...commentMatch(RULE_COMMENTS.connmark), '-j', 'CONNMARK', '--set-xmark', `${mark}/${mark}`]),
  ];
}

/**
 * The `table ip aws-cni` of the nftables connmark backend, or undefined when the table must not exist
 * (external SNAT, or the iptables backend). Exempt blocks are listed last-first, as upstream's inserts
 * leave them; a /32 is printed as a bare address, like nft does.
 */
export function planNftConnmark(input: SnatPlanInput): NftConnmarkPlan | undefined {
  if (!nodeSnats(input) || input.connmarkBackend !== 'nftables') return undefined;
  if (/["\\]/.test(input.vethPrefix)) {
    throw new RangeError(`Cannot write the nftables connmark table: veth prefix ${JSON.stringify(input.vethPrefix)} contains a quote or backslash`);
  }
  const mark = `0x${input.connmark.toString(16).padStart(8, '0')}`;
  const returns = [...exemptCidrs(input)].reverse().map((cidr) => `\t\tcounter ip daddr ${cidr.replace(/\/32$/, '')} return`);
  const lines = [
    'table ip aws-cni {',
    '\tchain nat-prerouting {',
    `\t\ttype nat hook prerouting priority ${NFT_CONNMARK_PRIORITY}; policy accept;`,
    '\t\tfib daddr type local return',
    `\t\tiifname "${input.vethPrefix}*" counter jump snat-mark`,
    `\t\tcounter meta mark set ct mark & ${mark}`,
    '\t}',
    '',
    '\tchain snat-mark {',
    ...returns,
    `\t\tcounter ct mark set ct mark | ${mark}`,
    '\t}',
    '}',
  ];
  return { family: 'ip', name: 'aws-cni', text: `${lines.join('\n')}\n` };
}
