/**
 * The datastore's mutable state (private to the module: `Datastore` hands out read-only copies only), and
 * the conversions from it to the exported record types.
 */
import type { Cidr } from '../ip/cidr.ts';
import { formatIpv4 } from '../ip/ipv4.ts';
import type { IpamKey } from '../protocol/protocol.ts';
import type { PoolEni } from '../warm-pool/pool.ts';
import { MIN_ENI_LIFETIME_MS } from '../warm-pool/pool.ts';
import { isCooling } from './address-choice.ts';
import type { AddressUse, CooldownClock } from './address-choice.ts';
import type { AddressRecord, Assignment, CidrState, DatastoreEni, EniInit, EniState, Instant, PodMetadata } from './types.ts';

/** Route table of the primary ENI (device 0): the main table. */
export const MAIN_ROUTE_TABLE = 254;

/** One address's record. Assigned exactly when `key` is set. */
export interface RecordSlot {
  readonly address: number;
  key: IpamKey | undefined;
  pod: PodMetadata | undefined;
  assignedAt: Instant | undefined;
  unassignedAtMs: number | undefined;
}

/** One block and the records of its addresses, keyed by integer address. */
export interface CidrSlot {
  readonly text: string;
  readonly block: Cidr;
  readonly isPrefix: boolean;
  readonly records: Map<number, RecordSlot>;
}

/** One ENI and its blocks, keyed by CIDR text. */
export interface EniSlot {
  info: DatastoreEni;
  readonly cidrs: Map<string, CidrSlot>;
}

/** Where an assigned address lives. */
export interface Holder {
  readonly eni: EniSlot;
  readonly cidr: CidrSlot;
  readonly record: RecordSlot;
}

/** A map key for an IPAM key (JSON of its parts, so no separator can collide). */
export function keyId(key: IpamKey): string {
  return JSON.stringify([key.networkName, key.containerId, key.ifName]);
}

/** A copy of the key with exactly its three fields. */
export function copyKey(key: IpamKey): IpamKey {
  return { networkName: key.networkName, containerId: key.containerId, ifName: key.ifName };
}

/** A copy of the metadata with exactly its three fields. */
export function copyPod(pod: PodMetadata): PodMetadata {
  return { namespace: pod.namespace, name: pod.name, interfacesCount: pod.interfacesCount };
}

/** The assignment a holder stands for; throws if the record is not assigned (a bug). */
export function toAssignment(holder: Holder): Assignment {
  const { eni, cidr, record } = holder;
  if (record.key === undefined || record.pod === undefined || record.assignedAt === undefined) {
    throw new Error(`Datastore invariant broken: ${formatIpv4(record.address)} is indexed but not assigned`);
  }
  return {
    ipv4: formatIpv4(record.address),
    deviceNumber: eni.info.deviceNumber,
    routeTableId: eni.info.routeTableId,
    key: copyKey(record.key),
    pod: copyPod(record.pod),
    eniId: eni.info.eniId,
    cidr: cidr.text,
    assignedAt: record.assignedAt,
  };
}

/** Orders ENIs by device number (then id). */
export function byDevice(a: EniSlot, b: EniSlot): number {
  return a.info.deviceNumber - b.info.deviceNumber || (a.info.eniId < b.info.eniId ? -1 : a.info.eniId > b.info.eniId ? 1 : 0);
}

/** Orders blocks by network address (then length). */
export function byNetwork(a: CidrSlot, b: CidrSlot): number {
  return a.block.network - b.block.network || a.block.prefixLength - b.block.prefixLength;
}

/** The ENI's blocks in address order. */
export function sortedCidrs(eni: EniSlot): CidrSlot[] {
  return [...eni.cidrs.values()].sort(byNetwork);
}

/** How the address-choice rules see a block's records. */
export function usesOf(cidr: CidrSlot): Map<number, AddressUse> {
  const uses = new Map<number, AddressUse>();
  for (const [address, record] of cidr.records) uses.set(address, { assigned: record.key !== undefined, unassignedAtMs: record.unassignedAtMs });
  return uses;
}

function recordState(record: RecordSlot): AddressRecord {
  return {
    address: formatIpv4(record.address),
    key: record.key === undefined ? undefined : copyKey(record.key),
    pod: record.pod === undefined ? undefined : copyPod(record.pod),
    assignedAt: record.assignedAt,
    unassignedAtMs: record.unassignedAtMs,
  };
}

/** A read-only copy of the ENI with its blocks and records, all in address order. */
export function eniState(eni: EniSlot): EniState {
  const cidrs: CidrState[] = sortedCidrs(eni).map((cidr) => ({
    cidr: cidr.text,
    isPrefix: cidr.isPrefix,
    records: [...cidr.records.values()].sort((a, b) => a.address - b.address).map(recordState),
  }));
  return { ...eni.info, cidrs };
}

/** The ENI as the warm-pool decisions see it at `clock.nowMs`. */
export function poolEni(eni: EniSlot, clock: CooldownClock): PoolEni {
  const { info } = eni;
  return {
    eniId: info.eniId,
    deviceNumber: info.deviceNumber,
    isPrimary: info.isPrimary,
    isTrunk: info.isTrunk,
    isEfa: info.isEfa,
    excludedForPodIps: info.excludedForPodIps,
    recentlyAttached: clock.nowMs - info.attachedAtMs < MIN_ENI_LIFETIME_MS,
    cidrs: sortedCidrs(eni).map((cidr) => {
      const uses = [...usesOf(cidr).values()];
      const assigned = uses.filter((use) => use.assigned).length;
      return { cidr: cidr.text, isPrefix: cidr.isPrefix, assigned, cooling: uses.filter((use) => isCooling(use, clock)).length };
    }),
  };
}

/** A new ENI with no blocks; `RangeError` for a bad device number. */
export function newEniSlot(init: EniInit): EniSlot {
  if (!Number.isSafeInteger(init.deviceNumber) || init.deviceNumber < 0) {
    throw new RangeError(`Cannot add ENI "${init.eniId}": device number must be an integer >= 0: current value is ${init.deviceNumber}`);
  }
  const info: DatastoreEni = {
    eniId: init.eniId,
    deviceNumber: init.deviceNumber,
    isPrimary: init.isPrimary,
    isTrunk: init.isTrunk ?? false,
    isEfa: init.isEfa ?? false,
    excludedForPodIps: init.excludedForPodIps ?? false,
    subnetId: init.subnetId,
    subnetCidr: init.subnetCidr,
    routeTableId: init.routeTableId ?? (init.deviceNumber === 0 ? MAIN_ROUTE_TABLE : init.deviceNumber + 1),
    attachedAtMs: init.attachedAtMs,
  };
  return { info, cidrs: new Map() };
}

/** A record for an address about to be assigned for the first time. */
export function newRecord(address: number): RecordSlot {
  return { address, key: undefined, pod: undefined, assignedAt: undefined, unassignedAtMs: undefined };
}

/** The assigned addresses of `cidrs` (blocks of `eni`), in the blocks' order, addresses ascending. */
export function holdersIn(eni: EniSlot, cidrs: Iterable<CidrSlot>): Holder[] {
  return [...cidrs].flatMap((cidr) => [...cidr.records.values()]
    .filter((record) => record.key !== undefined)
    .sort((a, b) => a.address - b.address)
    .map((record) => ({ eni, cidr, record })));
}
