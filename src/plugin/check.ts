/**
 * CHECK: the pod's datapath, as `prevResult` records it, must still be in place: the host veth (up), the
 * host /32 route and rules, and inside the pod the address, the gateway and default routes and the permanent
 * neighbour entry pointing at the host veth's MAC. Anything missing fails CHECK with the list. A result in
 * the `standard` encoding (runtimes outside Kubernetes) records no route table: the secondary-ENI "from"
 * rule is then not checked (the decoded addresses carry the main table).
 */
import { CNI_ERROR_CODES, CniError } from '../core/cni/cni-error.ts';
import { describePod } from '../core/cni/daemon-errors.ts';
import { decodeDelInfo } from '../core/cni/del-info.ts';
import { containerIfName, hostVethName } from '../core/cni/names.ts';
import type { CommandContext } from './cni-context.ts';
import { podFields, podNameOf, podRefOf } from './cni-context.ts';
import { checkPodNetwork } from './pod-network-check.ts';

/** Runs CHECK. Throws `CniError` 7 without a usable `prevResult`, 999 listing what is missing. */
export async function cmdCheck(context: CommandContext): Promise<void> {
  const { invocation, conf, deps, log } = context;
  const pod = podNameOf(invocation);
  const who = describePod(podRefOf(invocation));
  if (conf.prevResult === undefined) throw new CniError(CNI_ERROR_CODES.invalidNetworkConfig, `cannot check ${who}: the config has no prevResult`);
  const info = decodeDelInfo({ prevResult: conf.prevResult, ifName: invocation.ifName, pod });
  if (info === undefined) {
    throw new CniError(CNI_ERROR_CODES.invalidNetworkConfig, `cannot check ${who}: prevResult records no vpcnet interface ${JSON.stringify(invocation.ifName)}`);
  }
  const interfaces = info.addresses.map((address, index) => ({
    index,
    hostVeth: hostVethName(conf.vethPrefix, pod, index),
    containerIf: containerIfName(invocation.ifName, index),
    address,
  }));
  const problems = await checkPodNetwork(deps.runner, { netns: invocation.netns, interfaces });
  if (problems.length > 0) {
    log.warn('CHECK found the pod network incomplete', { ...podFields(invocation), problems: problems.join('; ') });
    throw new CniError(CNI_ERROR_CODES.internal, `the network of ${who} is incomplete: ${problems.join('; ')}`, 'delete and re-create the pod (the runtime does so when CHECK fails)');
  }
  log.debug('CHECK passed', podFields(invocation));
}
