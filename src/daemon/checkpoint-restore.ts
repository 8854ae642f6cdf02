/**
 * Init's checkpoint steps: read and check the file before anything on the node changes (an unusable file
 * stops the daemon and is left as it is); once the ENIs are known from EC2, restore the assignments of pods
 * whose veth still exists (removing the rules of those that are gone), rewrite the file, normalise the ip
 * rules of every restored address; then release blocks of the unit not in use since prefix delegation was
 * toggled (upstream's PD toggle cleanup).
 */
import { CheckpointError, parseCheckpoint, restoreCheckpoint } from '../core/datastore/index.ts';
import type { CheckpointEntry } from '../core/datastore/index.ts';
import { podNameHash } from '../core/cni/names.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';
import { errorText, writeCheckpoint } from './daemon-runtime.ts';
import { unassignBlocks } from './eni-blocks.ts';

/** The checkpoint as read at start: undefined for a fresh node (no file). */
export type StartCheckpoint = readonly CheckpointEntry[] | undefined;

/** A test of whether a pod's host veth exists: some link name ends with the pod's 11-hex name hash. */
export function vethChecker(linkNames: readonly string[]): (pod: { readonly namespace: string; readonly name: string }) => boolean {
  return (pod) => {
    const suffix = podNameHash(pod);
    return linkNames.some((name) => name.endsWith(suffix));
  };
}

/** "Cannot read IPAM checkpoint: not JSON: ..." → "not JSON: ...". */
function problemOf(error: CheckpointError): string {
  return error.message.replace(/^Cannot (read|restore) IPAM checkpoint: /, '');
}

/** The error that stops the daemon: names the file and the problem, and says the file is kept. */
function unusable(runtime: DaemonRuntime, error: CheckpointError): CheckpointError {
  const path = runtime.config.backingStorePath;
  return new CheckpointError(error.kind, `Cannot start: the IPAM checkpoint ${path} is unusable: ${problemOf(error)}. The file is left untouched for inspection: fix it, or move it away to start without its assignments`);
}

/**
 * Reads and parses the checkpoint, before anything on the node changes. Undefined when there is no file (a
 * fresh node). Throws, leaving the file as it is, when it cannot be read (`Error`), is not a checkpoint
 * (`CheckpointError` kind `bad-json`) or has another version (`bad-version`: upstream ipamd refuses to start too).
 */
export async function readStartCheckpoint(runtime: DaemonRuntime): Promise<StartCheckpoint> {
  const path = runtime.config.backingStorePath;
  let text: string | undefined;
  try {
    text = await runtime.checkpointStore.read();
  } catch (error) {
    throw new Error(`Cannot start: cannot read the IPAM checkpoint ${path}: ${errorText(error)}`, { cause: error });
  }
  if (text === undefined) return undefined;
  try {
    return parseCheckpoint(text);
  } catch (error) {
    throw error instanceof CheckpointError ? unusable(runtime, error) : error;
  }
}

/** Makes the ip rules of every restored address what its ENI needs (upstream `UpdateRuleListBySrc`, recreating lost rules). */
async function normalisePodRules(runtime: DaemonRuntime, addresses: readonly { readonly ipv4: string; readonly routeTableId: number }[]): Promise<void> {
  for (const { ipv4, routeTableId } of addresses) {
    try {
      await runtime.nodeNetwork.ensurePodRules(ipv4, routeTableId);
    } catch (error) {
      throw new Error(`Cannot start: cannot restore the ip rules of pod address ${ipv4} (route table ${routeTableId}): ${errorText(error)}`, { cause: error });
    }
  }
}

/**
 * Restores the checkpoint read at start into the datastore, rewrites it, then normalises the pod rules of the
 * restored addresses. Throws `CheckpointError` kind `conflict` (the file left as it is) when an address would
 * be held twice: the daemon refuses to start rather than double-assign.
 */
export async function restoreAssignments(runtime: DaemonRuntime, state: NodeState, entries: StartCheckpoint): Promise<void> {
  if (entries === undefined) {
    runtime.logger.info('No IPAM checkpoint: a fresh node');
    await writeCheckpoint(runtime, state);
    return;
  }
  const podVethExists = vethChecker(await runtime.nodeNetwork.linkNames());
  let result: ReturnType<typeof restoreCheckpoint>;
  try {
    result = restoreCheckpoint(state.datastore, entries, { podVethExists });
  } catch (error) {
    throw error instanceof CheckpointError ? unusable(runtime, error) : error;
  }
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
  await normalisePodRules(runtime, result.restored);
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
