/** Test support: small builders for datastores, keys and pods. */
import type { PoolMode } from '../limits/max-pods.ts';
import type { IpamKey } from '../protocol/protocol.ts';
import { Datastore } from './datastore.ts';
import type { EniInit, PodMetadata } from './types.ts';

/** A fixed instant to start test clocks from (2025-01-15T10:00:00Z). */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

/** The IPAM key the plugin sends for container `id` (network `aws-cni`, as upstream's conflist names it). */
export function key(id: string | number, ifName = 'eth0'): IpamKey {
  return { networkName: 'aws-cni', containerId: `container-${id}`, ifName };
}

/** Metadata of pod `name` in `namespace`, one interface. */
export function pod(name: string, namespace = 'default'): PodMetadata {
  return { namespace, name, interfacesCount: 1 };
}

/** An ENI at `deviceNumber` (0 is the primary), in subnet 10.0.0.0/16, attached at T0 - 1 h. */
export function eniAt(deviceNumber: number, extra: Partial<EniInit> = {}): EniInit {
  return {
    eniId: `eni-${String(deviceNumber).padStart(2, '0')}`,
    deviceNumber,
    isPrimary: deviceNumber === 0,
    subnetId: 'subnet-0a1b2c3d',
    subnetCidr: '10.0.0.0/16',
    attachedAtMs: T0 - 3_600_000,
    ...extra,
  };
}

/** A datastore with ENIs (device number → blocks), e.g. `{ 0: ['10.0.0.10/32'], 1: ['10.0.1.0/28'] }`. */
export function datastoreWith(poolMode: PoolMode, blocks: Readonly<Record<number, readonly string[]>>, ipCooldownMs?: number): Datastore {
  const datastore = new Datastore(ipCooldownMs === undefined ? { poolMode } : { poolMode, ipCooldownMs });
  for (const [device, cidrs] of Object.entries(blocks)) {
    const init = eniAt(Number(device));
    datastore.addEni(init);
    for (const cidr of cidrs) datastore.addCidr(init.eniId, cidr);
  }
  return datastore;
}

/** `count` consecutive /32 blocks from `first` (`10.0.0.10`, 3 → 10.0.0.10/32, .11/32, .12/32). */
export function slash32s(first: string, count: number): string[] {
  const parts = first.split('.').map(Number);
  const last = parts[3] ?? 0;
  return Array.from({ length: count }, (_, index) => `${parts.slice(0, 3).join('.')}.${last + index}/32`);
}
