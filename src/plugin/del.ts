/**
 * DEL never keeps a pod from being deleted: it always succeeds once its input is readable.
 *
 * | daemon says                  | addresses torn down on the host        |
 * |------------------------------|----------------------------------------|
 * | ok                           | those it released                      |
 * | unknown-pod                  | none (nothing was assigned; upstream)  |
 * | any other failure, no answer | those `prevResult` records (the daemon reconciles its own state later) |
 *
 * The pod side is removed by deleting the container interfaces inside `CNI_NETNS` (their host peers go with
 * them); an empty `CNI_NETNS` or a namespace already gone skips that. Host veths are never deleted by name:
 * a newer sandbox of a pod with the same name has the same veth name.
 */
import { decodeDelInfo } from '../core/cni/del-info.ts';
import { containerIfName } from '../core/cni/names.ts';
import type { DelReply, PodAddress } from '../core/protocol/protocol.ts';
import { isFailure, PROTOCOL_VERSION } from '../core/protocol/protocol.ts';
import type { CommandContext } from './cni-context.ts';
import { ipamKeyOf, messageOf, podFields, podNameOf } from './cni-context.ts';
import { tearDownPodNetwork } from './pod-network.ts';

const DEFAULT_DEL_TIMEOUT_MS = 5000;

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function askDaemon(context: CommandContext): Promise<DelReply | Error> {
  const { invocation, conf, deps } = context;
  const request = { version: PROTOCOL_VERSION, key: ipamKeyOf(context), pod: invocation.args.pod, cause: 'PodDeleted' } as const;
  try {
    return await withTimeout(deps.ipamd(conf.ipamdSocket).del(request), deps.delTimeoutMs ?? DEFAULT_DEL_TIMEOUT_MS);
  } catch (error) {
    return error instanceof Error ? error : new Error(messageOf(error));
  }
}

function addressesToRemove(context: CommandContext, reply: DelReply | Error): readonly PodAddress[] {
  const { invocation, conf, log } = context;
  const fields = podFields(invocation);
  if (!(reply instanceof Error) && !isFailure(reply)) return reply.addresses;
  if (!(reply instanceof Error) && reply.reason === 'unknown-pod') {
    log.info('The daemon holds no address for this pod: nothing to release', fields);
    return [];
  }
  const why = reply instanceof Error ? `daemon unreachable on ${conf.ipamdSocket}: ${reply.message}` : `daemon failed with ${reply.reason}: ${reply.message}`;
  const info = decodeDelInfo({ prevResult: conf.prevResult, ifName: invocation.ifName, pod: podNameOf(invocation) });
  log.warn('Tearing down from prevResult; the daemon reconciles the address later', { ...fields, why, addresses: info?.addresses.map((entry) => entry.ipv4).join(',') ?? '' });
  return info?.addresses ?? [];
}

/** Runs DEL. Throws only for unreadable input (environment, config), never for the datapath or the daemon. */
export async function cmdDel(context: CommandContext): Promise<void> {
  const { invocation, deps, log } = context;
  const reply = await askDaemon(context);
  const addresses = addressesToRemove(context, reply);
  const interfaceCount = Math.max(addresses.length, 1);
  const problems = await tearDownPodNetwork(deps.runner, {
    netns: invocation.netns,
    containerIfs: Array.from({ length: interfaceCount }, (_, index) => containerIfName(invocation.ifName, index)),
    hostVeths: [],
    addresses,
  });
  for (const problem of problems) log.warn('DEL left something behind', { ...podFields(invocation), problem });
  log.info('Pod network deleted', { ...podFields(invocation), addresses: addresses.map((entry) => entry.ipv4).join(',') });
}
