import type { DesiredEni } from './desired.ts';

/** The name of an ENI's interface inside its instance, as on EC2 with predictable names off. */
export function instanceInterfaceName(eni: DesiredEni): string {
  return `eth${eni.deviceIndex}`;
}

/**
 * `ip` commands, run in the router namespace, that create an ENI's veth pair: the router end `link`, the
 * instance end `eth<deviceIndex>` with the ENI's MAC moved straight into the instance's namespace, and a
 * permanent neighbour entry so that the router delivers to the ENI's MAC without ARP, as the VPC does.
 */
export function plugRouterCommands(eni: DesiredEni, link: string, instanceNamespace: string): string[] {
  return [
    `link add ${link} type veth peer name ${instanceInterfaceName(eni)} address ${eni.macAddress} netns ${instanceNamespace}`,
    `link set ${link} up`,
    `neigh replace ${eni.primaryAddress} lladdr ${eni.macAddress} dev ${link} nud permanent`,
  ];
}

/**
 * `ip` commands, run in the instance's namespace, that bring the new interface up; the primary ENI also
 * gets its primary address with the subnet's prefix length and the default route via the subnet's router,
 * as cloud-init configures them. Secondary ENIs stay unconfigured: that is the CNI daemon's job.
 */
export function plugInstanceCommands(eni: DesiredEni): string[] {
  const name = instanceInterfaceName(eni);
  const commands = [`link set ${name} up`];
  if (eni.primary) {
    commands.push(`addr add ${eni.primaryAddress}/${eni.subnetPrefixLength} dev ${name}`, `route replace default via ${eni.gateway} dev ${name}`);
  }
  return commands;
}

/** One route of the router: where it goes and through which link. */
export interface RouterRoute {
  /** What follows `ip route replace <destination>`, e.g. `via 10.0.1.5 dev eni0123 onlink`. */
  readonly spec: string;
  readonly link: string;
}

/**
 * The router's routes to one ENI: its primary address straight onto the link (its neighbour entry gives
 * the MAC) and every secondary address and prefix via the primary address, so all reach the ENI's MAC.
 */
export function routesToEni(eni: DesiredEni, link: string): Map<string, RouterRoute> {
  const routes = new Map<string, RouterRoute>();
  routes.set(`${eni.primaryAddress}/32`, { spec: `dev ${link}`, link });
  const via = { spec: `via ${eni.primaryAddress} dev ${link} onlink`, link };
  for (const address of eni.addresses) if (address !== eni.primaryAddress) routes.set(`${address}/32`, via);
  for (const prefix of eni.prefixes) routes.set(prefix, via);
  return routes;
}
