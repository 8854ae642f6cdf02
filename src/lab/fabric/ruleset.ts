import type { SecurityGroupRule } from '../ec2/model/state.ts';
import type { DesiredEni, DesiredFabric } from './desired.ts';
import { groupSetName, ruleMatch } from './security-group-nft.ts';

/** What the router's nftables table is rendered from, besides the desired fabric. */
export interface RulesetContext {
  /** Table name (family inet), e.g. `vpcl<labId>`. */
  readonly table: string;
  /** The router-side link of each plumbed ENI, by ENI id. ENIs without a link get no rules. */
  readonly eniLinks: ReadonlyMap<string, string>;
  /** The router's link to the internet namespace. */
  readonly internetLink: string;
}

interface PlumbedEni {
  readonly eni: DesiredEni;
  readonly link: string;
}

function plumbed(fabric: DesiredFabric, context: RulesetContext): PlumbedEni[] {
  const result: PlumbedEni[] = [];
  for (const eni of fabric.enis.values()) {
    const link = context.eniLinks.get(eni.networkInterfaceId);
    if (link !== undefined) result.push({ eni, link });
  }
  return result.sort((a, b) => a.link.localeCompare(b.link));
}

function elements(items: readonly string[]): string {
  return items.length === 0 ? '' : ` elements = { ${items.join(', ')} };`;
}

function addressSet(name: string, items: readonly string[]): string {
  return `  set ${name} { type ipv4_addr; flags interval; auto-merge;${elements([...new Set(items)])} }`;
}

function verdictMap(keyword: 'iifname' | 'oifname', entries: readonly string[]): string[] {
  return entries.length === 0 ? [] : [`    ${keyword} vmap { ${entries.join(', ')} }`];
}

/** EC2 source/destination check: what enters from an ENI must come from one of its addresses. */
function sourceCheckChains(enis: readonly PlumbedEni[]): string[] {
  const checked = enis.filter(({ eni }) => eni.sourceDestCheck);
  const lines = [
    '  chain source_check {',
    '    type filter hook prerouting priority -150; policy accept;',
    ...verdictMap('iifname', checked.map(({ link }) => `"${link}" : jump src_${link}`)),
    '  }',
  ];
  for (const { eni, link } of checked) {
    lines.push(`  chain src_${link} {`, `    ip saddr { ${[...eni.addresses, ...eni.prefixes].join(', ')} } return`, '    drop', '  }');
  }
  return lines;
}

/** The internet gateway's 1:1 NAT between public and primary private addresses. */
function natChains(fabric: DesiredFabric, context: RulesetContext): string[] {
  const link = context.internetLink;
  const inbound = fabric.nat.map(({ publicIp, privateIp }) => `${publicIp} : ${privateIp}`);
  const outbound = fabric.nat.map(({ publicIp, privateIp }) => `${privateIp} : ${publicIp}`);
  return [
    addressSet('natted', fabric.nat.map(({ privateIp }) => privateIp)),
    '  chain igw_in {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...(inbound.length === 0 ? [] : [`    iifname "${link}" dnat ip to ip daddr map { ${inbound.join(', ')} }`]),
    '  }',
    '  chain igw_out {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...(outbound.length === 0 ? [] : [`    oifname "${link}" snat ip to ip saddr map { ${outbound.join(', ')} }`]),
    '  }',
  ];
}

function groupRules(fabric: DesiredFabric, eni: DesiredEni, direction: 'ingress' | 'egress'): SecurityGroupRule[] {
  return eni.groupIds.flatMap((groupId) => fabric.securityGroups.get(groupId)?.[direction] ?? []);
}

function securityGroupChain(fabric: DesiredFabric, { eni, link }: PlumbedEni, direction: 'ingress' | 'egress'): string[] {
  const matches = groupRules(fabric, eni, direction).flatMap((rule) => ruleMatch(rule, direction) ?? []);
  const name = direction === 'ingress' ? `in_${link}` : `out_${link}`;
  return [`  chain ${name} {`, ...[...new Set(matches)].map((match) => (match === '' ? '    return' : `    ${match} return`)), '    drop', '  }'];
}

/**
 * Nothing from the internet reaches the router itself (its loopback holds the lab services' addresses).
 * Instances do, whatever their security groups: EC2 does not filter IMDS with them.
 */
function inputChain(context: RulesetContext): string[] {
  return ['  chain input {', '    type filter hook input priority filter; policy accept;', `    iifname "${context.internetLink}" drop`, '  }'];
}

/** Security groups, statefully: a connection allowed when it started is allowed both ways until it ends. */
function forwardChains(fabric: DesiredFabric, context: RulesetContext, enis: readonly PlumbedEni[]): string[] {
  const link = context.internetLink;
  const lines = [
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    `    iifname "${link}" oifname "${link}" drop`,
    `    oifname "${link}" ip saddr != @natted drop`,
    `    iifname "${link}" ip daddr != @natted drop`,
    ...verdictMap('iifname', enis.map(({ link: l }) => `"${l}" : jump out_${l}`)),
    ...verdictMap('oifname', enis.map(({ link: l }) => `"${l}" : jump in_${l}`)),
    '  }',
  ];
  for (const eni of enis) lines.push(...securityGroupChain(fabric, eni, 'egress'), ...securityGroupChain(fabric, eni, 'ingress'));
  return lines;
}

/**
 * The router's whole nftables table as one `nft -f` script that replaces the previous one atomically:
 * source/destination check, internet gateway NAT, the router's own input and security groups of every
 * plumbed ENI.
 */
export function renderRuleset(fabric: DesiredFabric, context: RulesetContext): string {
  const enis = plumbed(fabric, context);
  const groupSets = [...fabric.securityGroups.keys()].sort().map((id) => addressSet(groupSetName(id), fabric.groupMembers.get(id) ?? []));
  const body = [
    ...groupSets,
    ...sourceCheckChains(enis),
    ...natChains(fabric, context),
    ...inputChain(context),
    ...forwardChains(fabric, context, enis),
  ];
  const table = `inet ${context.table}`;
  return [`add table ${table}`, `delete table ${table}`, `table ${table} {`, ...body, '}', ''].join('\n');
}
