import { isIpv4 } from '../ip/ipv4.ts';
import type { CheckpointEntry } from './checkpoint.ts';
import type { Datastore } from './datastore.ts';
import { CheckpointError } from './errors.ts';
import { keyId } from './slots.ts';
import type { Assignment } from './types.ts';

/** What the restore asks the node. */
export interface RestoreOptions {
  /**
   * True when the pod's host-side veth still exists (some link name ends with the 11-hex suffix of
   * sha1("<namespace>.<name>"), see `vethSuffix` in adapters/linux/veth-name.ts; core has no sha1).
   */
  readonly podVethExists: (pod: { readonly namespace: string; readonly name: string }) => boolean;
}

/**
 * Why an entry was not restored: its pod's veth is gone (the pod was deleted while the daemon was down: its
 * ip rules should be deleted), its address is in no block of the datastore (upstream: "presuming
 * stale/dead"), or an earlier entry has the same IPAM key.
 */
export type DropReason = 'veth-gone' | 'unknown-address' | 'duplicate-key';

/** An entry left out, and why. */
export interface DroppedEntry {
  readonly entry: CheckpointEntry;
  readonly reason: DropReason;
}

/** The outcome of {@link restoreCheckpoint}. */
export interface RestoreResult {
  readonly restored: readonly Assignment[];
  readonly dropped: readonly DroppedEntry[];
}

/** Upstream skips the veth check for entries without namespace or name (migrated from CRI). */
function vethGone(entry: CheckpointEntry, options: RestoreOptions): boolean {
  if (entry.pod.namespace === '' || entry.pod.name === '') return false;
  return !options.podVethExists({ namespace: entry.pod.namespace, name: entry.pod.name });
}

function dropReason(datastore: Datastore, entry: CheckpointEntry, options: RestoreOptions, seenKeys: ReadonlySet<string>): DropReason | undefined {
  if (vethGone(entry, options)) return 'veth-gone';
  if (!isIpv4(entry.ipv4) || datastore.locate(entry.ipv4) === undefined) return 'unknown-address';
  if (seenKeys.has(keyId(entry.key))) return 'duplicate-key';
  return undefined;
}

/** Refuses entries whose address is taken twice: upstream ipamd fails to start (`IPAlreadyInStoreError`). */
function checkConflict(datastore: Datastore, entry: CheckpointEntry, seenAddresses: ReadonlySet<string>): void {
  const live = datastore.locate(entry.ipv4)?.assignment;
  const liveKey = live === undefined ? undefined : keyId(live.key);
  const held = datastore.lookup(entry.key);
  if (seenAddresses.has(entry.ipv4) || (liveKey !== undefined && liveKey !== keyId(entry.key)) || (held !== undefined && held.ipv4 !== entry.ipv4)) {
    throw new CheckpointError('conflict', `Cannot restore IPAM checkpoint: ${entry.ipv4} of container "${entry.key.containerId}" is also held by another entry or pod`);
  }
}

/**
 * Restores checkpoint entries into a datastore whose ENIs and blocks are already known, by upstream's rules:
 * entries whose pod veth is gone are dropped (unless namespace or name is empty), addresses in no block are
 * dropped, every other entry is assigned with its original time (whichever unit its block is). All or
 * nothing: `CheckpointError` kind `conflict`, before any change, when an address would be held twice.
 */
export function restoreCheckpoint(datastore: Datastore, entries: readonly CheckpointEntry[], options: RestoreOptions): RestoreResult {
  const dropped: DroppedEntry[] = [];
  const kept: CheckpointEntry[] = [];
  const seenKeys = new Set<string>();
  const seenAddresses = new Set<string>();
  for (const entry of entries) {
    const reason = dropReason(datastore, entry, options, seenKeys);
    if (reason !== undefined) {
      dropped.push({ entry, reason });
      continue;
    }
    checkConflict(datastore, entry, seenAddresses);
    seenKeys.add(keyId(entry.key));
    seenAddresses.add(entry.ipv4);
    kept.push(entry);
  }
  const restored = kept.map((entry) => datastore.place({ key: entry.key, pod: entry.pod, ipv4: entry.ipv4, assignedAt: entry.assignedAt }));
  return { restored, dropped };
}
