import { cidrContains, cidrsOverlap, formatCidr, parseCidr } from '../ip/cidr.ts';
import { parseIpv4 } from '../ip/ipv4.ts';
import type { PoolMode } from '../limits/max-pods.ts';
import type { IpamKey } from '../protocol/protocol.ts';
import type { PoolSnapshot, PoolStats } from '../warm-pool/pool.ts';
import { poolStats } from '../warm-pool/pool-stats.ts';
import { chooseAddress } from './address-choice.ts';
import type { CooldownClock } from './address-choice.ts';
import { DatastoreError, PoolExhaustedError } from './errors.ts';
import { instantFromMs } from './instant.ts';
import { byDevice, copyKey, holdersIn, copyPod, eniState, keyId, newEniSlot, newRecord, poolEni, sortedCidrs, toAssignment, usesOf } from './slots.ts';
import type { CidrSlot, EniSlot, Holder } from './slots.ts';
import type { AddressLocation, Assignment, DatastoreEni, DatastoreOptions, EniInit, EniState, Instant, PlaceOptions, PodMetadata, RemoveOptions } from './types.ts';

export { MAIN_ROUTE_TABLE } from './slots.ts';

/** Upstream's `IP_COOLDOWN_PERIOD` default: 30 s. */
export const DEFAULT_IP_COOLDOWN_MS = 30_000;
/** Upstream DEL falls back to this key for pods set up by CNI <= 1.6 (recovered from CRI): same container id. */
export const MIGRATED_KEY = { networkName: '_migrated-from-cri', ifName: 'unknown' } as const;

/**
 * The ENIs, blocks and pod addresses of one network card: upstream ipamd's `DataStore`, pure and synchronous.
 * Time is passed in (`nowMs`), never read; every refusal is a typed error; state leaves only as copies.
 */
export class Datastore {
  readonly poolMode: PoolMode;
  readonly ipCooldownMs: number;
  readonly networkCard: number;
  readonly #enis = new Map<string, EniSlot>();
  readonly #byKey = new Map<string, Holder>();

  constructor(options: DatastoreOptions) {
    const ipCooldownMs = options.ipCooldownMs ?? DEFAULT_IP_COOLDOWN_MS;
    if (!Number.isSafeInteger(ipCooldownMs) || ipCooldownMs < 0) {
      throw new RangeError(`Cannot create datastore: ipCooldownMs must be an integer >= 0: current value is ${ipCooldownMs}`);
    }
    this.poolMode = options.poolMode;
    this.ipCooldownMs = ipCooldownMs;
    this.networkCard = options.networkCard ?? 0;
  }

  /** Adds an ENI with no blocks; `duplicate-eni` if it is known. */
  addEni(init: EniInit): DatastoreEni {
    if (this.#enis.has(init.eniId)) throw new DatastoreError('duplicate-eni', `Cannot add ENI "${init.eniId}": it is already in the datastore`);
    const eni = newEniSlot(init);
    this.#enis.set(init.eniId, eni);
    return eni.info;
  }

  /** Marks the ENI as (not) excluded for pod addresses (its subnet's `kubernetes.io/role/cni` tag changed). */
  setEniExcluded(eniId: string, excluded: boolean): void {
    const eni = this.#eniSlot(eniId, 'update');
    eni.info = { ...eni.info, excludedForPodIps: excluded };
  }

  /** Removes an ENI and its blocks; `eni-in-use` while a pod holds one of its addresses, unless forced. Returns what was force-released. */
  removeEni(eniId: string, options: RemoveOptions = {}): Assignment[] {
    const eni = this.#eniSlot(eniId, 'remove');
    const held = holdersIn(eni, eni.cidrs.values());
    if (held.length > 0 && options.force !== true) {
      throw new DatastoreError('eni-in-use', `Cannot remove ENI "${eniId}": ${held.length} of its addresses are assigned to pods`);
    }
    const released = this.#drop(held);
    this.#enis.delete(eniId);
    return released;
  }

  /** Adds a secondary /32 or a /28 prefix to an ENI; `duplicate-cidr` if it overlaps a known block. Returns the normalised text. */
  addCidr(eniId: string, cidr: string): string {
    const eni = this.#eniSlot(eniId, 'add a block to');
    const block = parseCidr(cidr);
    if (block.prefixLength !== 32 && block.prefixLength !== 28) {
      throw new RangeError(`Cannot add block "${cidr}" to ENI "${eniId}": only /32 secondary addresses and /28 prefixes are supported`);
    }
    for (const other of this.#enis.values()) {
      for (const known of other.cidrs.values()) {
        if (cidrsOverlap(known.block, block)) {
          throw new DatastoreError('duplicate-cidr', `Cannot add block "${cidr}" to ENI "${eniId}": it overlaps "${known.text}" of ENI "${other.info.eniId}"`);
        }
      }
    }
    const text = formatCidr(block);
    eni.cidrs.set(text, { text, block, isPrefix: block.prefixLength === 28, records: new Map() });
    return text;
  }

  /** Removes a block; `cidr-in-use` while a pod holds one of its addresses, unless forced. Returns what was force-released. */
  removeCidr(eniId: string, cidr: string, options: RemoveOptions = {}): Assignment[] {
    const eni = this.#eniSlot(eniId, 'remove a block from');
    const text = formatCidr(parseCidr(cidr));
    const slot = eni.cidrs.get(text);
    if (slot === undefined) throw new DatastoreError('unknown-cidr', `Cannot remove block "${cidr}": ENI "${eniId}" does not have it`);
    const held = holdersIn(eni, [slot]);
    if (held.length > 0 && options.force !== true) {
      throw new DatastoreError('cidr-in-use', `Cannot remove block "${cidr}" of ENI "${eniId}": ${held.length} of its addresses are assigned to pods`);
    }
    const released = this.#drop(held);
    eni.cidrs.delete(text);
    return released;
  }

  /**
   * Assigns an address to the pod's IPAM key, or returns the one it already holds (ADD is idempotent). Never
   * an assigned address nor one in cooldown: `PoolExhaustedError` when none is left.
   */
  assign(key: IpamKey, pod: PodMetadata, nowMs: number): Assignment {
    const existing = this.#byKey.get(keyId(key));
    if (existing !== undefined) return toAssignment(existing);
    const clock: CooldownClock = { nowMs, cooldownMs: this.ipCooldownMs };
    const candidates = this.#usableCidrs();
    const choice = chooseAddress(candidates.map(({ cidr }) => ({ block: cidr.block, uses: usesOf(cidr) })), this.poolMode, clock);
    const candidate = choice === undefined ? undefined : candidates[choice.blockIndex];
    if (choice === undefined || candidate === undefined) {
      const stats = this.stats(nowMs);
      throw new PoolExhaustedError(stats.coolingIps > 0 ? 'cooling' : 'pool-empty', stats);
    }
    const record = candidate.cidr.records.get(choice.address) ?? newRecord(choice.address);
    candidate.cidr.records.set(choice.address, record);
    return this.#mark({ ...candidate, record }, { key, pod, assignedAt: instantFromMs(nowMs) });
  }

  /**
   * Places a known assignment (checkpoint restore) with its original time, in whichever block holds the
   * address. Idempotent for the same key and address; `unknown-cidr` if no block holds it, `address-in-use`
   * if the address or the key is taken otherwise.
   */
  place(options: PlaceOptions): Assignment {
    const address = parseIpv4(options.ipv4);
    const holder = this.#byKey.get(keyId(options.key));
    if (holder !== undefined) {
      if (holder.record.address === address) return toAssignment(holder);
      throw new DatastoreError('address-in-use', `Cannot place ${options.ipv4}: the IPAM key already holds ${toAssignment(holder).ipv4}`);
    }
    const found = this.#findBlock(address);
    if (found === undefined) throw new DatastoreError('unknown-cidr', `Cannot place ${options.ipv4}: no block of the datastore holds it`);
    const record = found.cidr.records.get(address) ?? newRecord(address);
    if (record.key !== undefined) throw new DatastoreError('address-in-use', `Cannot place ${options.ipv4}: it is assigned to another IPAM key`);
    found.cidr.records.set(address, record);
    return this.#mark({ ...found, record }, options);
  }

  /**
   * Releases the key's address, which then cools for `ipCooldownMs`; undefined for an unknown key. Falls back,
   * like upstream, to the key a CRI-migrated pod (CNI <= 1.6) was recorded under.
   */
  unassign(key: IpamKey, nowMs: number): Assignment | undefined {
    const id = this.#byKey.has(keyId(key)) ? keyId(key) : keyId({ ...key, ...MIGRATED_KEY });
    const holder = this.#byKey.get(id);
    if (holder === undefined) return undefined;
    const released = toAssignment(holder);
    this.#release(holder);
    holder.record.unassignedAtMs = nowMs;
    this.#byKey.delete(id);
    return released;
  }

  /** The address the key holds, if any. */
  lookup(key: IpamKey): Assignment | undefined {
    const holder = this.#byKey.get(keyId(key));
    return holder === undefined ? undefined : toAssignment(holder);
  }

  /** Every assignment, ENIs by device number, addresses in order. */
  assignments(): Assignment[] {
    return this.#sortedEnis().flatMap((eni) => holdersIn(eni, sortedCidrs(eni))).map(toAssignment);
  }

  /** Where an address lives (ENI and block, whichever unit) and who holds it; undefined when no block holds it. */
  locate(ipv4: string): AddressLocation | undefined {
    const address = parseIpv4(ipv4);
    const found = this.#findBlock(address);
    if (found === undefined) return undefined;
    const record = found.cidr.records.get(address);
    const holder = record?.key === undefined ? undefined : this.#byKey.get(keyId(record.key));
    return { eniId: found.eni.info.eniId, cidr: found.cidr.text, assignment: holder === undefined ? undefined : toAssignment(holder) };
  }

  /** The ENI's attributes, if known. */
  eni(eniId: string): DatastoreEni | undefined {
    return this.#enis.get(eniId)?.info;
  }

  /** A read-only copy of everything: ENIs by device number, blocks and records in address order. */
  describe(): EniState[] {
    return this.#sortedEnis().map(eniState);
  }

  /** Upstream `GetIPStats` plus free prefixes, at `nowMs` (cooling addresses count as available). */
  stats(nowMs: number): PoolStats {
    return poolStats(this.toPoolSnapshot(nowMs), this.poolMode);
  }

  /** The pool as the warm-pool decisions read it, at `nowMs`. */
  toPoolSnapshot(nowMs: number): PoolSnapshot {
    const clock: CooldownClock = { nowMs, cooldownMs: this.ipCooldownMs };
    return { enis: this.#sortedEnis().map((eni) => poolEni(eni, clock)) };
  }

  #eniSlot(eniId: string, action: string): EniSlot {
    const eni = this.#enis.get(eniId);
    if (eni === undefined) throw new DatastoreError('unknown-eni', `Cannot ${action} ENI "${eniId}": it is not in the datastore`);
    return eni;
  }

  /** Blocks of the active unit on ENIs that may carry pods, ENIs by device number, blocks in address order. */
  #usableCidrs(): { eni: EniSlot; cidr: CidrSlot }[] {
    const prefix = this.poolMode === 'prefix';
    return this.#sortedEnis()
      .filter((eni) => !eni.info.excludedForPodIps)
      .flatMap((eni) => sortedCidrs(eni).filter((cidr) => cidr.isPrefix === prefix).map((cidr) => ({ eni, cidr })));
  }

  #findBlock(address: number): { eni: EniSlot; cidr: CidrSlot } | undefined {
    for (const eni of this.#sortedEnis()) {
      for (const cidr of eni.cidrs.values()) if (cidrContains(cidr.block, address)) return { eni, cidr };
    }
    return undefined;
  }

  #sortedEnis(): EniSlot[] {
    return [...this.#enis.values()].sort(byDevice);
  }

  #mark(holder: Holder, assignment: { key: IpamKey; pod: PodMetadata; assignedAt: Instant }): Assignment {
    holder.record.key = copyKey(assignment.key);
    holder.record.pod = copyPod(assignment.pod);
    holder.record.assignedAt = assignment.assignedAt;
    holder.record.unassignedAtMs = undefined;
    this.#byKey.set(keyId(assignment.key), holder);
    return toAssignment(holder);
  }

  #release(holder: Holder): void {
    holder.record.key = undefined;
    holder.record.pod = undefined;
  }

  #drop(held: readonly Holder[]): Assignment[] {
    return held.map((holder) => {
      const released = toAssignment(holder);
      this.#byKey.delete(keyId(released.key));
      this.#release(holder);
      return released;
    });
  }
}
