/**
 * CHECK: reads the host's and the pod's routing state (`ip -json`, one batch per namespace) and lists what
 * differs from what ADD set up (see `pod-network.ts`). Upstream's plugin checks nothing; vpcnet checks the
 * pieces a pod's connectivity depends on.
 */
import { podGateway } from '../core/cni/add-result.ts';
import type { PodAddress } from '../core/protocol/protocol.ts';
import type { CommandRunner } from '../ports/command-runner.ts';
import { HOST, podNetns, queryNetns } from './netns-batch.ts';
import { RULE_PRIORITY, usesEniTable } from './pod-network.ts';

/** One pod interface as CHECK expects it. */
export interface ExpectedInterface {
  readonly index: number;
  readonly hostVeth: string;
  readonly containerIf: string;
  readonly address: PodAddress;
}

/** What CHECK compares the namespaces with. */
export interface ExpectedPodNetwork {
  readonly netns: string;
  readonly interfaces: readonly ExpectedInterface[];
}

type Json = Readonly<Record<string, unknown>>;

function entries(list: readonly unknown[] | undefined): Json[] {
  return (list ?? []).filter((item): item is Json => typeof item === 'object' && item !== null);
}

function has(list: readonly unknown[] | undefined, wanted: (entry: Json) => boolean): boolean {
  return entries(list).some(wanted);
}

function flags(entry: Json, key: 'flags' | 'state'): readonly unknown[] {
  const value = entry[key];
  return Array.isArray(value) ? value : [];
}

function hostCommands(expected: ExpectedPodNetwork): string[] {
  return [...expected.interfaces.flatMap(({ hostVeth, address }) => [`link show dev ${hostVeth}`, `route show table main exact ${address.ipv4}/32`]), 'rule show'];
}

function podCommands(expected: ExpectedPodNetwork): string[] {
  return expected.interfaces.flatMap(({ index, containerIf }) => [
    `addr show dev ${containerIf}`,
    `route show table ${index === 0 ? 'main' : index}`,
    `neigh show dev ${containerIf}`,
  ]);
}

function checkHost(expected: ExpectedInterface, link: readonly unknown[] | undefined, route: readonly unknown[] | undefined, rules: readonly unknown[] | undefined): string[] {
  const { hostVeth, address } = expected;
  const ip = address.ipv4;
  const problems: string[] = [];
  if (!has(link, (entry) => entry.ifname === hostVeth && flags(entry, 'flags').includes('UP'))) problems.push(`host veth ${hostVeth} is missing or down`);
  if (!has(route, (entry) => entry.dst === ip && entry.dev === hostVeth)) problems.push(`host route ${ip}/32 dev ${hostVeth} is missing`);
  const isRule = (entry: Json, priority: number, side: 'dst' | 'src', table: string): boolean =>
    entry.priority === priority && entry[side] === ip && (entry[`${side}len`] ?? 32) === 32 && entry.table === table;
  if (!has(rules, (entry) => isRule(entry, RULE_PRIORITY.toPod, 'dst', 'main'))) problems.push(`rule "to ${ip} lookup main prio ${RULE_PRIORITY.toPod}" is missing`);
  if (usesEniTable(address) && !has(rules, (entry) => isRule(entry, RULE_PRIORITY.fromPod, 'src', String(address.routeTableId)))) {
    problems.push(`rule "from ${ip} lookup ${address.routeTableId} prio ${RULE_PRIORITY.fromPod}" is missing`);
  }
  return problems;
}

function checkPod(expected: ExpectedInterface, hostMac: string | undefined, results: ReadonlyArray<readonly unknown[] | undefined>): string[] {
  const [addresses, routes, neighbours] = results;
  const { containerIf, address, index } = expected;
  const gateway = podGateway(index);
  const problems: string[] = [];
  const hasAddress = entries(addresses).some((link) =>
    entries(Array.isArray(link.addr_info) ? link.addr_info : []).some((info) => info.family === 'inet' && info.local === address.ipv4 && info.prefixlen === 32));
  if (!hasAddress) problems.push(`pod address ${address.ipv4}/32 on ${containerIf} is missing`);
  if (!has(routes, (entry) => entry.dst === gateway && entry.dev === containerIf && entry.scope === 'link')) problems.push(`pod route ${gateway} dev ${containerIf} scope link is missing`);
  if (!has(routes, (entry) => entry.dst === 'default' && entry.gateway === gateway && entry.dev === containerIf)) problems.push(`pod default route via ${gateway} is missing`);
  const neighbourOk = (entry: Json): boolean =>
    entry.dst === gateway && flags(entry, 'state').includes('PERMANENT') && (hostMac === undefined || String(entry.lladdr).toLowerCase() === hostMac.toLowerCase());
  if (!has(neighbours, neighbourOk)) problems.push(`pod neighbour entry ${gateway} lladdr ${hostMac ?? '<host veth MAC>'} permanent is missing`);
  return problems;
}

/** Lists what is missing or wrong in the host's and the pod's datapath; empty when all is in place. */
export async function checkPodNetwork(runner: CommandRunner, expected: ExpectedPodNetwork): Promise<string[]> {
  const [hostResults, podResults] = await Promise.all([queryNetns(runner, HOST, hostCommands(expected)), queryNetns(runner, podNetns(expected.netns), podCommands(expected))]);
  const rules = hostResults[hostResults.length - 1];
  return expected.interfaces.flatMap((entry, position) => {
    const link = hostResults[position * 2];
    const hostMac = entries(link)[0]?.address;
    return [
      ...checkHost(entry, link, hostResults[position * 2 + 1], rules),
      ...checkPod(entry, typeof hostMac === 'string' ? hostMac : undefined, podResults.slice(position * 3, position * 3 + 3)),
    ];
  });
}
