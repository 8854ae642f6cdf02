/**
 * Policy routing rules (`ip rule`) with upstream's priorities and route table ids
 * (`pkg/networkutils/network.go`, `helper.go CalculateRouteTableId`).
 */
import { formatIpv4, parseCidr, parseIpv4 } from '../ip/index.ts';
import { formatMark } from './iptables-rule.ts';

/** Rule priorities of upstream, lowest first. */
export const RULE_PRIORITY = {
  /** `to <pod IP> lookup main`, added by the plugin. */
  toPod: 512,
  /** `fwmark 0x80/0x80 lookup main`: marked (NodePort, off-VPC) traffic leaves by the primary ENI. */
  fwmark: 1024,
  /** `to <AWS_EXTERNAL_SERVICE_CIDRS block> lookup main`. */
  externalServiceCidr: 1535,
  /** `from <pod IP> lookup <ENI table>`, added by the plugin for pods on secondary ENIs. */
  fromPod: 1536,
  /** `from <secondary ENI primary IP> lookup <ENI table>`. */
  fromEniPrimaryIp: 32765,
} as const;

/** The main routing table. */
export const MAIN_TABLE = 254;

/** One IPv4 policy routing rule. Addresses are CIDR blocks (`192.168.1.20/32`); absent means "all". */
export interface IpRule {
  readonly priority: number;
  readonly from?: string;
  readonly to?: string;
  readonly fwmark?: { readonly mark: number; readonly mask: number };
  readonly table: number;
}

/** Where an ENI sits on the instance. */
export interface EniPosition {
  readonly deviceNumber: number;
  /** Network card index; 0 when absent. */
  readonly networkCard?: number;
}

/** Route table of an ENI: main for card 0 device 0, `device + 1` on card 0, `10000 + device + 100 * card` beyond. */
export function routeTableId(position: EniPosition): number {
  const card = position.networkCard ?? 0;
  if (card > 0) return 10000 + position.deviceNumber + 100 * card;
  return position.deviceNumber === 0 ? MAIN_TABLE : position.deviceNumber + 1;
}

/**
 * An `ip rule` selector and action in iproute2 syntax, e.g. `fwmark 0x80/0x80 lookup main prio 1024` or
 * `from 192.168.1.20 lookup 2 prio 32765` (a /32 is written as a bare address): the text after `ip rule add`
 * or `ip rule del`, and the identity of a rule when comparing.
 */
export function formatIpRule(rule: IpRule): string {
  const parts = [
    ...(rule.from === undefined ? [] : ['from', bareHost(rule.from)]),
    ...(rule.to === undefined ? [] : ['to', bareHost(rule.to)]),
    ...(rule.fwmark === undefined ? [] : ['fwmark', `${formatMark(rule.fwmark.mark)}/${formatMark(rule.fwmark.mask)}`]),
    'lookup', rule.table === MAIN_TABLE ? 'main' : String(rule.table),
    'prio', String(rule.priority),
  ];
  return parts.join(' ');
}

/** A host address as a /32 block: `192.168.1.20` → `192.168.1.20/32`. */
export function hostCidr(address: string): string {
  return `${formatIpv4(parseIpv4(address))}/32`;
}

/** True for the plugin's rules of one pod address: `to <ip>` at 512 and `from <ip>` at 1536 (any table). */
export function isPodRule(rule: IpRule, podIp: string): boolean {
  const host = hostCidr(podIp);
  if (rule.priority === RULE_PRIORITY.toPod) return rule.to === host;
  if (rule.priority === RULE_PRIORITY.fromPod) return rule.from === host;
  return false;
}

function bareHost(cidr: string): string {
  const block = parseCidr(cidr, false);
  return block.prefixLength === 32 ? formatIpv4(block.network) : cidr;
}
