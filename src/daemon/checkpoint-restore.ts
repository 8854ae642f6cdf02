/**
 * Init's checkpoint steps, after the ENIs are known from EC2: restore the assignments of pods whose veth
 * still exists (removing the rules of those that are gone), rewrite the file, then release blocks of the
 * unit not in use since prefix delegation was toggled (upstream's PD toggle cleanup).
 */
import { parseCheckpoint, restoreCheckpoint } from '../core/datastore/index.ts';
import { podNameHash } from '../core/cni/names.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';
import { errorText, writeCheckpoint } from './daemon-runtime.ts';
import { unassignBlocks } from './eni-blocks.ts';

/** A test of whether a pod's host veth exists: some link name ends with the pod's 11-hex name hash. */
export function vethChecker(linkNames: readonly string[]): (pod: { readonly namespace: string; readonly name: string }) => boolean {
  return (pod) => {
    const suffix = podNameHash(pod);
    return linkNames.some((name) => name.endsWith(suffix));
  };
}

/**
 * Restores the checkpoint into the datastore and rewrites it. A missing file is a fresh node; an unreadable
 * file or one of another version throws `CheckpointError` (the daemon refuses to start rather than lose or
 * double-assign addresses).
 */
export async function restoreAssignments(runtime: DaemonRuntime, state: NodeState): Promise<void> {
  const text = await runtime.checkpointStore.read();
  if (text === undefined) {
    runtime.logger.info('No IPAM checkpoint: a fresh node');
    await writeCheckpoint(runtime, state);
    return;
  }
  const entries = parseCheckpoint(text);
  const podVethExists = vethChecker(await runtime.nodeNetwork.linkNames());
  const result = restoreCheckpoint(state.datastore, entries, { podVethExists });
  for (const { entry, reason } of result.dropped) {
    runtime.logger.info('Dropped a checkpoint entry', { ip: entry.ipv4, containerId: entry.key.containerId, pod: `${entry.pod.namespace}/${entry.pod.name}`, reason });
    if (reason !== 'veth-gone' || entry.ipv4 === '') continue;
    try {
      await runtime.nodeNetwork.removePodRules(entry.ipv4);
    } catch (error) {
      runtime.logger.warn('Cannot remove the rules of a gone pod', { ip: entry.ipv4, error: errorText(error) });
    }
  }
  runtime.logger.info('Restored IPAM checkpoint', { restored: result.restored.length, dropped: result.dropped.length });
  await writeCheckpoint(runtime, state);
}

/**
 * Prefix delegation on: unassign secondary /32s no pod holds; off: unassign unused prefixes. Blocks that
 * hold a restored pod's address stay until that pod goes.
 */
export async function releaseInactiveUnit(runtime: DaemonRuntime, state: NodeState): Promise<void> {
  if (runtime.config.provisioningDisabled) return;
  const prefixMode = state.facts.poolMode === 'prefix';
  const released = await state.queue.run(() => {
    const byEni = new Map<string, string[]>();
    for (const eni of state.datastore.describe()) {
      const unused = eni.cidrs.filter((cidr) => cidr.isPrefix !== prefixMode && cidr.records.every((record) => record.key === undefined));
      for (const cidr of unused) state.datastore.removeCidr(eni.eniId, cidr.cidr);
      if (unused.length > 0) byEni.set(eni.eniId, unused.map((cidr) => cidr.cidr));
    }
    return byEni;
  });
  for (const [eniId, blocks] of released) await unassignBlocks(runtime, state, eniId, blocks);
}
