/** What every command handler gets, and the few facts they all derive from it. */
import type { CniInvocation } from '../core/cni/cni-environment.ts';
import type { PodRef } from '../core/cni/daemon-errors.ts';
import type { PodName } from '../core/cni/names.ts';
import type { NetConf } from '../core/cni/net-conf.ts';
import type { IpamKey } from '../core/protocol/protocol.ts';
import type { Logger } from '../ports/logger.ts';
import type { PluginDeps } from './plugin-deps.ts';

/** One command run: the runtime's request, the config, the dependencies and the log. */
export interface CommandContext {
  readonly invocation: CniInvocation;
  readonly conf: NetConf;
  readonly deps: PluginDeps;
  readonly log: Logger;
  /** The log file, for error details ('' = stderr). */
  readonly logFile: string;
}

/**
 * The name the host veth and the dummy result entry hash. Without `K8S_POD_NAME` (a runtime outside
 * Kubernetes) the container id stands in, so two such pods never share a veth name.
 */
export function podNameOf(invocation: CniInvocation): PodName {
  const { namespace, name } = invocation.args.pod;
  return { namespace, name: name === '' ? invocation.containerId : name };
}

/** Who a message is about. */
export function podRefOf(invocation: CniInvocation): PodRef {
  const { namespace, name } = invocation.args.pod;
  return { namespace, name, containerId: invocation.containerId };
}

/** The CNI spec's IPAM key: (network name, container id, interface name). */
export function ipamKeyOf(context: Pick<CommandContext, 'invocation' | 'conf'>): IpamKey {
  return { networkName: context.conf.name, containerId: context.invocation.containerId, ifName: context.invocation.ifName };
}

/** Log fields that identify the pod in every line. */
export function podFields(invocation: CniInvocation): Readonly<Record<string, string>> {
  const { namespace, name } = invocation.args.pod;
  return { containerId: invocation.containerId, pod: namespace === '' ? name : `${namespace}/${name}`, netns: invocation.netns, ifName: invocation.ifName };
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
