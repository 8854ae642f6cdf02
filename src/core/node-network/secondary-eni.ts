/**
 * Host configuration of a secondary ENI (upstream `setupENINetwork`): its primary address with the
 * subnet's prefix length, a route table `device + 1` reaching the subnet gateway, no connected route in
 * main (pod traffic must follow the rules, not the subnet route), and rule 32765 for the ENI's own address.
 */
import { cidrContains, formatCidr, formatIpv4, parseCidr, parseIpv4 } from '../ip/index.ts';
import type { IpRule } from './ip-rule.ts';
import { MAIN_TABLE, routeTableId } from './ip-rule.ts';
import type { SecondaryEniRef } from './node-rules.ts';
import { eniPrimaryIpRule } from './node-rules.ts';

/** What {@link planSecondaryEni} depends on. */
export interface SecondaryEniInput extends SecondaryEniRef {
  /** The ENI's interface on the host (found by MAC). */
  readonly interfaceName: string;
  /** The ENI subnet's CIDR block. */
  readonly subnetCidr: string;
  readonly mtu: number;
}

/** One IPv4 route; `dst` is `default` or a CIDR block. */
export interface RouteSpec {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev: string;
  readonly scope?: 'link';
  readonly table: number;
  /** Only for the kernel's connected route: its `proto kernel` and preferred source. */
  readonly kernelSource?: string;
}

/** The desired host state of one secondary ENI. */
export interface SecondaryEniPlan {
  readonly interfaceName: string;
  readonly mtu: number;
  readonly routeTable: number;
  /** The subnet's router: network address + 1. */
  readonly gateway: string;
  /** `<primary IP>/<subnet prefix length>`, the only global IPv4 address of the interface. */
  readonly address: string;
  /** In table `routeTable`: `<gateway>/32 dev <if> scope link`, then `default via <gateway> dev <if>`. */
  readonly routes: readonly RouteSpec[];
  /** The kernel's connected route of the address in main, which must be removed. */
  readonly connectedRoute: RouteSpec;
  /** Rule 32765, absent for a trunk ENI. */
  readonly rule: IpRule | undefined;
}

/** Plans section d's "Secondary ENI host configuration". `RangeError` for the primary ENI or an address outside the subnet. */
export function planSecondaryEni(input: SecondaryEniInput): SecondaryEniPlan {
  const subnet = parseCidr(input.subnetCidr, false);
  const address = parseIpv4(input.primaryIp);
  if (!cidrContains(subnet, address)) {
    throw new RangeError(`Cannot configure ENI ${input.interfaceName}: address ${input.primaryIp} is outside subnet ${input.subnetCidr}`);
  }
  const routeTable = routeTableId(input);
  if (routeTable === MAIN_TABLE) throw new RangeError(`Cannot configure ENI ${input.interfaceName} as a secondary ENI: device 0 is the primary ENI`);
  const gateway = formatIpv4(subnet.network + 1);
  const dev = input.interfaceName;
  return {
    interfaceName: dev,
    mtu: input.mtu,
    routeTable,
    gateway,
    address: `${formatIpv4(address)}/${subnet.prefixLength}`,
    routes: [
      { dst: `${gateway}/32`, dev, scope: 'link', table: routeTable },
      { dst: 'default', gateway, dev, table: routeTable },
    ],
    connectedRoute: { dst: formatCidr(subnet), dev, scope: 'link', table: MAIN_TABLE, kernelSource: formatIpv4(address) },
    rule: input.trunk === true ? undefined : eniPrimaryIpRule(input),
  };
}

/**
 * A route in iproute2 syntax (the text after `ip route replace` / `ip route del`), e.g.
 * `default via 192.168.0.1 dev eth1 table 2` or `192.168.0.0/19 dev eth1 proto kernel scope link src 192.168.1.20 table main`.
 */
export function formatRoute(route: RouteSpec): string {
  return [
    route.dst,
    ...(route.gateway === undefined ? [] : ['via', route.gateway]),
    'dev', route.dev,
    ...(route.kernelSource === undefined ? [] : ['proto', 'kernel']),
    ...(route.scope === undefined ? [] : ['scope', route.scope]),
    ...(route.kernelSource === undefined ? [] : ['src', route.kernelSource]),
    'table', route.table === MAIN_TABLE ? 'main' : String(route.table),
  ].join(' ');
}
