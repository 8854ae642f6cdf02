/**
 * ADD: ask the daemon for the pod's addresses, wire the pod in (`pod-network.ts`), print the result in the
 * config's spec version. A failed setup is rolled back (veths, host routes and rules) and the addresses are
 * given back with cause `SetupNSFailed`. Repeating ADD for the same IPAM key gets the same addresses from
 * the daemon and rebuilds the same datapath.
 */
import { existsSync } from 'node:fs';
import { buildPodResult, resultEncodingFor } from '../core/cni/add-result.ts';
import { CNI_ERROR_CODES, CniError } from '../core/cni/cni-error.ts';
import { cniErrorFromReason, daemonUnreachable, describePod } from '../core/cni/daemon-errors.ts';
import { containerIfName, hostVethName } from '../core/cni/names.ts';
import { parseResult, renderResult } from '../core/cni/result.ts';
import type { CniResult } from '../core/cni/result.ts';
import type { AddOk, PodAddress } from '../core/protocol/protocol.ts';
import { isFailure, PROTOCOL_VERSION } from '../core/protocol/protocol.ts';
import type { CommandContext } from './cni-context.ts';
import { ipamKeyOf, messageOf, podFields, podNameOf, podRefOf } from './cni-context.ts';
import type { PodNetworkPlan } from './pod-network.ts';
import { randomMac, setUpPodNetwork, tearDownPodNetwork } from './pod-network.ts';

async function requestAddresses(context: CommandContext): Promise<AddOk> {
  const { invocation, conf, deps } = context;
  const request = { version: PROTOCOL_VERSION, key: ipamKeyOf(context), pod: invocation.args.pod, netns: invocation.netns };
  let reply;
  try {
    reply = await deps.ipamd(conf.ipamdSocket).add(request);
  } catch (error) {
    throw cniErrorFromReason(daemonUnreachable(conf.ipamdSocket, messageOf(error)), podRefOf(invocation), 'ADD');
  }
  if (isFailure(reply)) throw cniErrorFromReason(reply, podRefOf(invocation), 'ADD');
  return reply;
}

function planPod(context: CommandContext, addresses: readonly PodAddress[]): PodNetworkPlan {
  const { invocation, conf, deps } = context;
  const pod = podNameOf(invocation);
  return {
    netns: invocation.netns,
    mtu: conf.mtu,
    interfaces: addresses.map((address, index) => ({
      index,
      hostVeth: hostVethName(conf.vethPrefix, pod, index),
      containerIf: containerIfName(invocation.ifName, index),
      hostMac: randomMac(deps.random(6)),
      podMac: randomMac(deps.random(6)),
      address,
    })),
  };
}

async function rollBack(context: CommandContext, plan: PodNetworkPlan): Promise<void> {
  const { invocation, conf, deps, log } = context;
  const problems = await tearDownPodNetwork(deps.runner, {
    netns: invocation.netns,
    containerIfs: [],
    hostVeths: plan.interfaces.map((entry) => entry.hostVeth),
    addresses: plan.interfaces.map((entry) => entry.address),
  });
  for (const problem of problems) log.warn('Rollback left something behind', { ...podFields(invocation), problem });
  try {
    const reply = await deps.ipamd(conf.ipamdSocket).del({ version: PROTOCOL_VERSION, key: ipamKeyOf(context), pod: invocation.args.pod, cause: 'SetupNSFailed' });
    log.info('Released the addresses of the failed ADD', { ...podFields(invocation), reason: reply.reason });
  } catch (error) {
    log.warn('Cannot release the addresses of the failed ADD: the daemon reconciles them later', { ...podFields(invocation), error: messageOf(error) });
  }
}

/** Appends vpcnet's interfaces and addresses to a previous plugin's result (interface indexes shifted). */
function chain(previous: CniResult | undefined, own: CniResult): CniResult {
  if (previous === undefined) return own;
  const offset = previous.interfaces.length;
  return {
    interfaces: [...previous.interfaces, ...own.interfaces],
    ips: [...previous.ips, ...own.ips.map((ip) => (ip.interface === undefined ? ip : { ...ip, interface: ip.interface + offset }))],
    routes: [...previous.routes, ...own.routes],
    dns: previous.dns,
  };
}

/** Runs ADD; returns the result JSON. Throws `CniError`. */
export async function cmdAdd(context: CommandContext): Promise<string> {
  const { invocation, conf, deps, log } = context;
  if (!existsSync(invocation.netns)) {
    throw new CniError(CNI_ERROR_CODES.invalidNetns, `cannot add ${describePod(podRefOf(invocation))} to the network: netns ${invocation.netns} does not exist`);
  }
  const previous = conf.prevResult === undefined ? undefined : parseResult(conf.prevResult);
  const reply = await requestAddresses(context);
  const plan = planPod(context, reply.addresses);
  log.info('Assigned addresses', { ...podFields(invocation), addresses: reply.addresses.map((entry) => `${entry.ipv4} table ${entry.routeTableId}`).join(', ') });
  try {
    if (plan.interfaces.length === 0) throw new Error('the daemon assigned no address');
    await setUpPodNetwork(deps.runner, plan, deps.sysctl);
  } catch (error) {
    log.error('Pod network setup failed: rolling back', { ...podFields(invocation), error: messageOf(error) });
    await rollBack(context, plan);
    throw new CniError(
      CNI_ERROR_CODES.internal,
      `cannot set up the network of ${describePod(podRefOf(invocation))}: ${messageOf(error)}`,
      `everything created was removed and the address released (SetupNSFailed); see the plugin log ${context.logFile === '' ? '(stderr)' : context.logFile}`,
    );
  }
  const own = buildPodResult({
    cniVersion: conf.cniVersion,
    netns: invocation.netns,
    ifName: invocation.ifName,
    pod: podNameOf(invocation),
    vethPrefix: conf.vethPrefix,
    addresses: reply.addresses,
    hostMacs: plan.interfaces.map((entry) => entry.hostMac),
    encoding: resultEncodingFor(invocation.args.pod),
    podMacs: plan.interfaces.map((entry) => entry.podMac),
    mtu: conf.mtu,
  });
  log.info('Pod network set up', { ...podFields(invocation), hostVeth: plan.interfaces[0]?.hostVeth });
  return JSON.stringify(renderResult(chain(previous, own), conf.cniVersion));
}
