/**
 * The node's iptables rules for outbound SNAT and NodePort connmark, exactly as upstream ipamd writes them
 * (`pkg/networkutils/network.go` `buildIptablesSNATRules`, `iptables_connmark.go`), as data.
 */
import { parseIpv4 } from '../ip/index.ts';
import { SNAT_CHAIN, CONNMARK_CHAIN, RULE_COMMENTS } from './aws-chains.ts';
import { planIptablesConnmark } from './connmark-plan.ts';
import type { IptablesRule } from './iptables-rule.ts';
import { commentMatch, formatMark, iptablesRule, savedCommentMatch } from './iptables-rule.ts';
import type { SnatPlanInput } from './snat-input.ts';
import { nodeSnats, normalizeCidr } from './snat-input.ts';

/** The desired iptables state of the node. */
export interface SnatPlan {
  /** nat chains that must exist; any other `AWS-SNAT-CHAIN-<n>` or `AWS-CONNMARK-CHAIN-<n>` is stale. */
  readonly natChains: readonly string[];
  /**
   * Every rule, per chain in the order `iptables-save` lists them on a node freshly set up by upstream
   * (RETURNs are inserted at position 1, so the last CIDR comes first). Rules of AWS chains or with AWS
   * comments in built-in chains that are not here are stale.
   */
  readonly rules: readonly IptablesRule[];
}

/**
 * Plans section d's iptables rules: with node SNAT, the POSTROUTING jump, AWS-SNAT-CHAIN-0 with a RETURN
 * per VPC CIDR ("AWS SNAT CHAIN") and per exclude CIDR ("AWS SNAT CHAIN EXCLUSION") and the SNAT rule; the
 * mangle CONNMARK rules for NodePort support; the iptables connmark rules when that is the backend.
 * AWS-SNAT-CHAIN-0 exists (empty) even with external SNAT, as upstream leaves it.
 */
export function planSnatRules(input: SnatPlanInput): SnatPlan {
  parseIpv4(input.primaryIp);
  if (nodeSnats(input) && input.vpcCidrs.length === 0) throw new RangeError('Cannot plan SNAT rules: no VPC CIDR block given');
  const connmarkRules = planIptablesConnmark(input);
  return {
    natChains: connmarkRules.length > 0 ? [SNAT_CHAIN, CONNMARK_CHAIN] : [SNAT_CHAIN],
    rules: [...snatRules(input), ...mangleConnmarkRules(input), ...connmarkRules],
  };
}

function snatRules(input: SnatPlanInput): IptablesRule[] {
  if (!nodeSnats(input)) return [];
  const jump = iptablesRule('nat', 'POSTROUTING', [...commentMatch(RULE_COMMENTS.snatJump), '-j', SNAT_CHAIN]);
  const returns = [
    ...input.vpcCidrs.map((cidr) => returnRule(normalizeCidr(cidr), RULE_COMMENTS.snatReturn)),
    ...input.snat.excludeCidrs.map((cidr) => returnRule(normalizeCidr(cidr), RULE_COMMENTS.snatExclusion)),
  ];
  return [jump, ...withoutRepeats(returns).reverse(), snatRule(input)];
}

function withoutRepeats(rules: readonly IptablesRule[]): IptablesRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const repeated = seen.has(rule.saveLine);
    seen.add(rule.saveLine);
    return !repeated;
  });
}

function returnRule(cidr: string, comment: string): IptablesRule {
  // The kernel drops `-d 0.0.0.0/0`, so upstream leaves it out for an exclusion of everything.
  const destination = comment === RULE_COMMENTS.snatExclusion && cidr === '0.0.0.0/0' ? [] : ['-d', cidr];
  return iptablesRule('nat', SNAT_CHAIN, [...destination, ...commentMatch(comment), '-j', 'RETURN']);
}

function snatRule(input: SnatPlanInput): IptablesRule {
  const spec = [
    '!', '-o', 'vlan+', ...commentMatch(RULE_COMMENTS.snat), '-m', 'addrtype', '!', '--dst-type', 'LOCAL',
    '-j', 'SNAT', '--to-source', input.primaryIp, ...randomizeFlag(input),
  ];
  return iptablesRule('nat', SNAT_CHAIN, spec);
}

function randomizeFlag(input: SnatPlanInput): string[] {
  switch (input.snat.randomize) {
    case 'none':
      return [];
    case 'hashrandom':
      return ['--random'];
    case 'prng':
      return [input.randomFullySupported === false ? '--random' : '--random-fully'];
  }
}

/**
 * mangle PREROUTING: connections entering the primary ENI for a local address get the mark (NodePort), and
 * pod traffic restores it so replies leave by the primary ENI. iptables-save prints `-i` first and rewrites
 * `--set-mark m/m` as `--set-xmark m/m` and `--mask m` as `--nfmask m --ctmask m`.
 */
function mangleConnmarkRules(input: SnatPlanInput): IptablesRule[] {
  const mark = formatMark(input.connmark);
  const comment = commentMatch(RULE_COMMENTS.primaryEni);
  const savedComment = savedCommentMatch(RULE_COMMENTS.primaryEni);
  const restoreTarget = ['-j', 'CONNMARK', '--restore-mark', '--mask', mark];
  const savedRestoreTarget = ['-j', 'CONNMARK', '--restore-mark', '--nfmask', mark, '--ctmask', mark];
  const restoreFrom = (pattern: string): IptablesRule =>
    iptablesRule('mangle', 'PREROUTING', [...comment, '-i', pattern, ...restoreTarget], ['-i', pattern, ...savedComment, ...savedRestoreTarget]);
  const addrtype = ['-m', 'addrtype', '--dst-type', 'LOCAL', '--limit-iface-in'];
  const setMark = iptablesRule(
    'mangle', 'PREROUTING',
    [...comment, '-i', input.primaryInterface, ...addrtype, '-j', 'CONNMARK', '--set-mark', `${mark}/${mark}`],
    ['-i', input.primaryInterface, ...savedComment, ...addrtype, '-j', 'CONNMARK', '--set-xmark', `${mark}/${mark}`],
  );
  return [
    ...(input.nodePortSupport ? [setMark] : []),
    ...(input.nodePortSupport || nodeSnats(input) ? [restoreFrom(`${input.vethPrefix}+`)] : []),
    ...(input.nodePortSupport ? [restoreFrom('vlan+')] : []),
  ];
}
