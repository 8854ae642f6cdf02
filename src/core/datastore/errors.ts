import type { PoolStats } from '../warm-pool/pool.ts';

/** Why the datastore refused a change to its ENIs or blocks. */
export type DatastoreErrorCode =
  | 'duplicate-eni' // addEni of an ENI already known
  | 'unknown-eni'
  | 'eni-in-use' // removeEni while a pod holds one of its addresses
  | 'duplicate-cidr' // addCidr of a block already known, or overlapping a known one
  | 'unknown-cidr'
  | 'cidr-in-use' // removeCidr while a pod holds one of its addresses
  | 'address-in-use'; // place() of an address held by another key, or for a key holding another address

/** A refused datastore change; callers branch on `code` (e.g. a reconcile ignores `duplicate-eni`). */
export class DatastoreError extends Error {
  readonly code: DatastoreErrorCode;

  constructor(code: DatastoreErrorCode, message: string) {
    super(message);
    this.name = 'DatastoreError';
    this.code = code;
  }
}

/**
 * Why no address could be assigned: `pool-empty` when every address of the active unit is assigned (or there
 * are none), `cooling` when the only free addresses were released less than the cooldown ago.
 */
export type PoolExhaustedReason = 'pool-empty' | 'cooling';

/** No address can be handed out now; `stats` are the pool's counts at that instant, for the message and logs. */
export class PoolExhaustedError extends Error {
  readonly reason: PoolExhaustedReason;
  readonly stats: PoolStats;

  constructor(reason: PoolExhaustedReason, stats: PoolStats) {
    const detail = `${stats.availableIps} of ${stats.totalIps} free, ${stats.coolingIps} in cooldown`;
    super(reason === 'cooling'
      ? `Cannot assign an address: every free address is in cooldown (${detail})`
      : `Cannot assign an address: the pool is empty (${detail})`);
    this.name = 'PoolExhaustedError';
    this.reason = reason;
    this.stats = stats;
  }
}

/** Why a checkpoint cannot be used. */
export type CheckpointErrorKind =
  | 'bad-json' // not JSON, or not the shape of a checkpoint
  | 'bad-version' // version is not `vpc-cni-ipam/1`: upstream ipamd refuses to start
  | 'conflict'; // two entries (or an entry and a live assignment) hold the same address

/** A checkpoint that cannot be read or restored; the daemon refuses to start rather than lose or double-assign addresses. */
export class CheckpointError extends Error {
  readonly kind: CheckpointErrorKind;

  constructor(kind: CheckpointErrorKind, message: string) {
    super(message);
    this.name = 'CheckpointError';
    this.kind = kind;
  }
}
