/**
 * The pod datapath of the Amazon VPC CNI (`driver.go SetupPodNetwork`), as `ip` batches:
 *
 * host:  veth <hostVeth> <-> <ifName> in the pod (both with random locally administered MACs: the pod's is
 *        known without asking the kernel, for results that report it), MTU from the config;
 *        <pod ip>/32 dev <hostVeth> scope link (main); rule to <pod ip>/32 lookup main prio 512;
 *        rule from <pod ip>/32 lookup <ENI table> prio 1536 when the address is on a secondary ENI.
 * pod:   <ip>/32 on <ifName>; 169.254.1.1/32 dev <ifName> scope link; default via 169.254.1.1; a permanent
 *        neighbour entry 169.254.1.1 -> the host veth's MAC, so the pod never ARPs for its gateway (which
 *        exists nowhere: the host veth answers for the MAC and routes the packet by the /32 routes).
 *
 * Every step is repeatable (`replace`, or `add` with "File exists" tolerated), so a repeated ADD converges.
 * ADD costs two `ip` processes: the host batch, then the pod batch (the sysctls are set alongside).
 */
import { podGateway } from '../core/cni/add-result.ts';
import type { PodAddress } from '../core/protocol/protocol.ts';
import type { CommandRunner } from '../ports/command-runner.ts';
import type { BatchLine } from './netns-batch.ts';
import { HOST, NetnsBatchError, podNetns, runNetnsBatch } from './netns-batch.ts';
import type { SysctlWriter } from './proc-sys.ts';
import { sysctlThroughRunner } from './proc-sys.ts';

/** One pod interface: the veth pair and the address routed through it. */
export interface PodInterfacePlan {
  /** 0 for `CNI_IFNAME`, i for the extra interfaces of a multi-NIC pod. */
  readonly index: number;
  readonly hostVeth: string;
  readonly containerIf: string;
  /** The host veth's MAC, also the pod's permanent neighbour entry for its gateway. */
  readonly hostMac: string;
  /** The container interface's MAC. */
  readonly podMac: string;
  readonly address: PodAddress;
}

/** Everything ADD sets up for one pod. */
export interface PodNetworkPlan {
  /** `CNI_NETNS`. */
  readonly netns: string;
  readonly mtu: number;
  readonly interfaces: readonly PodInterfacePlan[];
}

/** What DEL (or an ADD rollback) removes. */
export interface PodTeardown {
  /** The pod namespace ('' when the runtime no longer has one: then nothing is done inside it). */
  readonly netns: string;
  /** Container-side interfaces to delete (their host peers go with them). */
  readonly containerIfs: readonly string[];
  /** Host veths to delete by name: only on rollback (a DEL could hit a newer pod with the same name). */
  readonly hostVeths: readonly string[];
  /** Addresses whose host route and rules go. */
  readonly addresses: readonly PodAddress[];
}

const MAIN_TABLE = 254;
/** Upstream's rule priorities (`pkg/networkutils/network.go`). */
export const RULE_PRIORITY = Object.freeze({ toPod: 512, fromPod: 1536, podSideMultiNic: 1 });

/** A random unicast, locally administered MAC from 6 random bytes (upstream: `mac[0] = (mac[0] | 2) & 0xfe`). */
export function randomMac(bytes: Uint8Array): string {
  if (bytes.length < 6) throw new RangeError(`Cannot make a MAC from ${bytes.length} bytes: 6 are needed`);
  const octets = [...bytes.subarray(0, 6)];
  octets[0] = ((octets[0] ?? 0) | 0x02) & 0xfe;
  return octets.map((octet) => octet.toString(16).padStart(2, '0')).join(':');
}

/** True when the address lives on a secondary ENI, whose traffic leaves through the ENI's own table. */
export function usesEniTable(address: PodAddress): boolean {
  return address.routeTableId !== MAIN_TABLE && address.routeTableId > 1;
}

function hostLines(plan: PodNetworkPlan): BatchLine[] {
  return plan.interfaces.flatMap(({ hostVeth, containerIf, hostMac, podMac, address }) => [
    // A veth left by an earlier ADD of this pod goes first; its pod end goes with it.
    { command: `link del ${hostVeth}`, tolerate: 'missing' },
    { command: `link add ${hostVeth} mtu ${plan.mtu} address ${hostMac} type veth peer name ${containerIf} address ${podMac} mtu ${plan.mtu} netns ${plan.netns}` },
    { command: `link set ${hostVeth} up` },
    { command: `route replace ${address.ipv4}/32 dev ${hostVeth} scope link` },
    { command: `rule add to ${address.ipv4}/32 lookup main prio ${RULE_PRIORITY.toPod}`, tolerate: 'exists' },
    ...(usesEniTable(address)
      ? [{ command: `rule add from ${address.ipv4}/32 lookup ${address.routeTableId} prio ${RULE_PRIORITY.fromPod}`, tolerate: 'exists' } as const]
      : []),
  ]);
}

function podLines(plan: PodNetworkPlan): BatchLine[] {
  return plan.interfaces.flatMap(({ index, containerIf, hostMac, address }) => {
    const gateway = podGateway(index);
    const table = index === 0 ? '' : ` table ${index}`;
    return [
      { command: `link set ${containerIf} up` },
      { command: `route replace ${gateway}/32 dev ${containerIf} scope link${table}` },
      ...(index === 0 ? [] : [{ command: `rule add from ${address.ipv4} lookup ${index} prio ${RULE_PRIORITY.podSideMultiNic}`, tolerate: 'exists' } as const]),
      { command: `route replace default via ${gateway} dev ${containerIf}${table}` },
      { command: `addr replace ${address.ipv4}/32 dev ${containerIf}` },
      { command: `neigh replace ${gateway} lladdr ${hostMac} nud permanent dev ${containerIf}` },
    ];
  });
}

/** IPv6 settings of the host veths as upstream sets them (skipped where IPv6 is off). */
function hostVethSysctls(plan: PodNetworkPlan): Map<string, string> {
  const settings = { accept_ra: '0', accept_redirects: '1', forwarding: '0' };
  return new Map(plan.interfaces.flatMap(({ hostVeth }) => Object.entries(settings).map(([key, value]) => [`net/ipv6/conf/${hostVeth}/${key}`, value] as const)));
}

/**
 * Creates the veth pairs and the host and pod routes, rules and neighbour entries of `plan`. `sysctl` sets
 * the host veths' sysctls (by default a `sysctl` process through `runner`).
 */
export async function setUpPodNetwork(runner: CommandRunner, plan: PodNetworkPlan, sysctl: SysctlWriter = sysctlThroughRunner(runner)): Promise<void> {
  await runNetnsBatch(runner, HOST, hostLines(plan));
  const results = await Promise.allSettled([runNetnsBatch(runner, podNetns(plan.netns), podLines(plan)), sysctl(hostVethSysctls(plan))]);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

function hostTeardownLines(teardown: PodTeardown): BatchLine[] {
  const links = teardown.hostVeths.map((veth) => ({ command: `link del ${veth}`, tolerate: 'missing' }) as const);
  const routes = teardown.addresses.flatMap(({ ipv4 }) => [
    { command: `rule del to ${ipv4}/32 lookup main prio ${RULE_PRIORITY.toPod}`, tolerate: 'missing' } as const,
    // Upstream deletes every "from <ip> prio 1536" rule whatever its table; twice covers a legacy duplicate.
    { command: `rule del from ${ipv4}/32 prio ${RULE_PRIORITY.fromPod}`, tolerate: 'missing' } as const,
    { command: `rule del from ${ipv4}/32 prio ${RULE_PRIORITY.fromPod}`, tolerate: 'missing' } as const,
    { command: `route del ${ipv4}/32 scope link`, tolerate: 'missing' } as const,
  ]);
  return [...links, ...routes];
}

/**
 * Removes the pod's interfaces (inside its namespace, when it still exists) and the host's route and rules
 * for its addresses. Anything already gone is fine; a namespace that no longer exists is fine.
 * Returns the problems it met (for the log), never throws for them: DEL must not keep a pod from going.
 */
export async function tearDownPodNetwork(runner: CommandRunner, teardown: PodTeardown): Promise<string[]> {
  const problems: string[] = [];
  const podLinks = teardown.containerIfs.map((name) => ({ command: `link del ${name}`, tolerate: 'missing' }) as const);
  const inPod = teardown.netns === '' ? Promise.resolve('') : runNetnsBatch(runner, podNetns(teardown.netns), podLinks);
  const results = await Promise.allSettled([inPod, runNetnsBatch(runner, HOST, hostTeardownLines(teardown))]);
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    if (error instanceof NetnsBatchError && error.netnsGone) continue;
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return problems;
}
