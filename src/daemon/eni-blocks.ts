/**
 * Moving ENIs and their blocks (secondary /32s, /28 prefixes) between EC2's view and the datastore.
 * Callers run the datastore parts inside the node's mutation queue.
 */
import { DatastoreError } from '../core/datastore/index.ts';
import { formatCidr, parseCidr } from '../core/ip/index.ts';
import type { DaemonRuntime, EniFacts, NodeState } from './daemon-runtime.ts';

/** How long a released block is kept from being re-added by a reconcile (upstream `ipReconcileCooldown`). */
export const RECONCILE_COOLDOWN_MS = 60_000;

/** A block in the datastore's normal form (`10.0.1.5/32`, `10.0.2.16/28`). */
export function normalBlock(block: string): string {
  return formatCidr(parseCidr(block));
}

/** Blocks split into the two UnassignPrivateIpAddresses forms: bare addresses, and prefixes. */
export function splitBlocks(blocks: readonly string[]): { addresses: string[]; prefixes: string[] } {
  const addresses = blocks.filter((block) => block.endsWith('/32')).map((block) => block.slice(0, -'/32'.length));
  const prefixes = blocks.filter((block) => !block.endsWith('/32'));
  return { addresses, prefixes };
}

/** Adds a managed ENI with the given blocks to the datastore and the state (synchronous: call inside the queue). */
export function addEniToDatastore(state: NodeState, eni: EniFacts, blocks: readonly string[], nowMs: number): void {
  state.datastore.addEni({
    eniId: eni.eniId,
    deviceNumber: eni.deviceNumber,
    isPrimary: eni.eniId === state.facts.primaryEniId,
    isTrunk: eni.trunk,
    isEfa: eni.efa,
    subnetId: eni.subnetId,
    subnetCidr: eni.subnetCidr,
    attachedAtMs: nowMs,
  });
  state.enis.set(eni.eniId, eni);
  addBlocks(state, eni.eniId, blocks);
}

/** Adds blocks to a known ENI, skipping any the datastore already has; returns those added. */
export function addBlocks(state: NodeState, eniId: string, blocks: readonly string[]): string[] {
  const added: string[] = [];
  for (const block of blocks) {
    try {
      added.push(state.datastore.addCidr(eniId, block));
    } catch (error) {
      if (!(error instanceof DatastoreError && error.code === 'duplicate-cidr')) throw error;
    }
  }
  return added;
}

/** The blocks of an ENI in the datastore (empty when it is not there). */
export function datastoreBlocks(state: NodeState, eniId: string): string[] {
  return state.datastore.describe().find((eni) => eni.eniId === eniId)?.cidrs.map((cidr) => cidr.cidr) ?? [];
}

/**
 * Returns blocks to EC2 (UnassignPrivateIpAddresses, once for addresses and once for prefixes). Marks them
 * as releasing first, so a reconcile does not put them back from a view that still shows them. A failure
 * is logged: the blocks stay on the ENI in EC2 and a later reconcile takes them back.
 */
export async function unassignBlocks(runtime: DaemonRuntime, state: NodeState, eniId: string, blocks: readonly string[]): Promise<boolean> {
  if (blocks.length === 0) return true;
  const until = runtime.clock.now() + RECONCILE_COOLDOWN_MS;
  for (const block of blocks) state.releasing.set(block, until);
  const { addresses, prefixes } = splitBlocks(blocks);
  try {
    if (addresses.length > 0) await runtime.ec2.unassignPrivateIps(eniId, { addresses });
    if (prefixes.length > 0) await runtime.ec2.unassignPrivateIps(eniId, { prefixes });
    runtime.logger.info('Released addresses to EC2', { eni: eniId, blocks });
    return true;
  } catch (error) {
    runtime.logger.warn('Cannot release addresses to EC2; a reconcile will take them back', { eni: eniId, blocks, error: error instanceof Error ? error.message : String(error) });
    for (const block of blocks) state.releasing.delete(block);
    return false;
  }
}
