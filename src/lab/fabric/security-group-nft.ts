import type { SecurityGroupRule } from '../ec2/model/state.ts';

/** The name of the nftables set holding the addresses of a security group's members. */
export function groupSetName(groupId: string): string {
  return `sg_${groupId.replace(/^sg-/, '').replace(/[^a-zA-Z0-9]/g, '_')}`;
}

function portMatch(protocol: 'tcp' | 'udp', rule: SecurityGroupRule): string {
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  if (from <= 0 && to >= 65535) return `meta l4proto ${protocol}`;
  return from === to ? `${protocol} dport ${from}` : `${protocol} dport ${from}-${to}`;
}

function icmpMatch(rule: SecurityGroupRule): string {
  const type = rule.fromPort ?? -1;
  const code = rule.toPort ?? -1;
  if (type < 0) return 'meta l4proto icmp';
  return code < 0 ? `icmp type ${type}` : `icmp type ${type} icmp code ${code}`;
}

/** The protocol and port part of a rule; empty for all traffic. */
export function protocolMatch(rule: SecurityGroupRule): string {
  switch (rule.ipProtocol) {
    case '-1':
      return '';
    case 'tcp':
    case 'udp':
      return portMatch(rule.ipProtocol, rule);
    case 'icmp':
      return icmpMatch(rule);
    case 'icmpv6':
      return 'meta l4proto ipv6-icmp';
    default:
      return `meta l4proto ${rule.ipProtocol}`;
  }
}

/**
 * The match of one security group rule for a packet: an ingress rule names where the packet comes from
 * (`ip saddr`), an egress rule where it goes (`ip daddr`); a CIDR or the referenced group's member set.
 * Undefined for a rule that can never match IPv4 traffic (e.g. it references no peer).
 */
export function ruleMatch(rule: SecurityGroupRule, direction: 'ingress' | 'egress'): string | undefined {
  const field = direction === 'ingress' ? 'ip saddr' : 'ip daddr';
  let peer: string;
  if (rule.cidrIpv4 !== undefined) peer = rule.cidrIpv4 === '0.0.0.0/0' ? '' : `${field} ${rule.cidrIpv4}`;
  else if (rule.referencedGroupId !== undefined) peer = `${field} @${groupSetName(rule.referencedGroupId)}`;
  else return undefined;
  return [peer, protocolMatch(rule)].filter((part) => part !== '').join(' ');
}
