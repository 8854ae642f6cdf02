import { formatIpv4, lastAddress, parseCidr, parseIpv4 } from '../../../core/ip/index.ts';
import { Ec2ApiError } from '../errors.ts';
import type { Ec2Model } from './model.ts';

/** Public IPv4 addresses held by instances that are not terminated. */
export function publicIpsInUse(model: Ec2Model): Set<string> {
  const used = new Set<string>();
  for (const instance of model.state.instances.values()) {
    if (instance.state !== 'terminated' && instance.publicIp !== undefined) used.add(instance.publicIp);
  }
  return used;
}

/**
 * `count` free public addresses from `model.publicIpCidr` (its network and broadcast addresses
 * excluded), lowest first; `InsufficientAddressCapacity` when the pool cannot supply them all.
 */
export function pickPublicIps(model: Ec2Model, count: number): string[] {
  const pool = parseCidr(model.publicIpCidr, false);
  const used = new Set([...publicIpsInUse(model)].map(parseIpv4));
  const picked: string[] = [];
  for (let a = pool.network + 1; a < lastAddress(pool) && picked.length < count; a++) {
    if (!used.has(a)) picked.push(formatIpv4(a));
  }
  if (picked.length < count) {
    throw new Ec2ApiError('InsufficientAddressCapacity', `There are not enough public IPv4 addresses in ${model.publicIpCidr} for ${count} instances.`);
  }
  return picked;
}
