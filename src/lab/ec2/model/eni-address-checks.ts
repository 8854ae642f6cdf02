import { formatIpv4, isIpv4, lastAddress, parseCidr, parseIpv4 } from '../../../core/ip/index.ts';
import { Ec2ApiError, invalidParameterValue } from '../errors.ts';
import { isAssignableInSubnet } from './addresses.ts';
import type { Ec2Model } from './model.ts';
import type { NetworkInterface, Subnet } from './state.ts';

/** Who holds one address of a subnet, and how. */
export interface AddressOwner {
  readonly eni: NetworkInterface;
  readonly kind: 'primary' | 'secondary' | 'prefix';
}

/** A secondary address to take from another ENI (AssignPrivateIpAddresses with AllowReassignment). */
export interface Reassignment {
  readonly from: NetworkInterface;
  readonly address: string;
}

/** Every used address of the subnet (as an integer) and its holder; prefix addresses included. */
export function addressOwners(model: Ec2Model, subnetId: string): Map<number, AddressOwner> {
  const owners = new Map<number, AddressOwner>();
  for (const eni of model.state.networkInterfaces.values()) {
    if (eni.subnetId !== subnetId) continue;
    for (const ip of eni.privateIps) owners.set(parseIpv4(ip.address), { eni, kind: ip.primary ? 'primary' : 'secondary' });
    for (const prefix of eni.ipv4Prefixes) {
      const block = parseCidr(prefix);
      for (let a = block.network; a <= lastAddress(block); a++) owners.set(a, { eni, kind: 'prefix' });
    }
  }
  return owners;
}

/** `InvalidParameterValue` unless `address` is a dotted quad inside the subnet and not reserved. */
export function checkAddressInSubnet(subnet: Subnet, address: string): void {
  if (!isIpv4(address)) throw invalidParameterValue('PrivateIpAddress', address, 'It must be an IPv4 address.');
  const block = parseCidr(subnet.cidrBlock);
  const value = parseIpv4(address);
  if (value < block.network || value > lastAddress(block)) {
    throw new Ec2ApiError('InvalidParameterValue', `Address ${address} does not fall within the subnet's address range`);
  }
  if (!isAssignableInSubnet(subnet, address)) {
    throw new Ec2ApiError('InvalidParameterValue', `Address ${address} is in subnet's reserved address range`);
  }
}

/**
 * Checks explicitly requested addresses for an ENI (`eniId`, or undefined for a new one): each in the
 * subnet, none repeated, none in use. An address held as a secondary by another ENI may be taken when
 * `allowReassignment` is set (returned as reassignments); a primary or prefix address never can.
 */
export function checkRequestedAddresses(
  model: Ec2Model,
  subnet: Subnet,
  request: { eniId?: string; addresses: readonly string[]; allowReassignment?: boolean },
): Reassignment[] {
  const owners = addressOwners(model, subnet.subnetId);
  const seen = new Set<string>();
  const reassignments: Reassignment[] = [];
  for (const address of request.addresses) {
    checkAddressInSubnet(subnet, address);
    if (seen.has(address)) throw new Ec2ApiError('InvalidParameterValue', `Address ${address} is specified more than once.`);
    seen.add(address);
    const owner = owners.get(parseIpv4(address));
    if (owner === undefined) continue;
    const movable = request.allowReassignment === true && owner.kind === 'secondary' && owner.eni.networkInterfaceId !== request.eniId;
    if (!movable) throw new Ec2ApiError('InvalidIPAddress.InUse', `Address ${address} is in use.`);
    reassignments.push({ from: owner.eni, address });
  }
  return reassignments;
}

/** Checks explicitly requested /28 prefixes: well formed, aligned, inside the subnet's assignable range, free. */
export function checkRequestedPrefixes(model: Ec2Model, subnet: Subnet, prefixes: readonly string[]): void {
  const owners = addressOwners(model, subnet.subnetId);
  const claimed = new Set<number>();
  for (const prefix of prefixes) {
    const block = parsePrefix(prefix);
    const first = block.network;
    const last = lastAddress(block);
    const inside = (value: number): boolean => isAssignableInSubnet(subnet, formatIpv4(value));
    if (!inside(first) || !inside(last)) {
      throw new Ec2ApiError('InvalidParameterValue', `Prefix ${prefix} does not fall within the subnet's assignable address range`);
    }
    for (let a = first; a <= last; a++) {
      if (owners.has(a) || claimed.has(a)) throw new Ec2ApiError('InvalidIPAddress.InUse', `Prefix ${prefix} is in use.`);
      claimed.add(a);
    }
  }
}

function parsePrefix(prefix: string): { network: number; prefixLength: number } {
  let block: { network: number; prefixLength: number };
  try {
    block = parseCidr(prefix);
  } catch {
    throw invalidParameterValue('Ipv4Prefix', prefix, 'It must be an aligned IPv4 CIDR block such as 10.0.0.16/28.');
  }
  if (block.prefixLength !== 28) throw invalidParameterValue('Ipv4Prefix', prefix, 'Only /28 IPv4 prefixes are supported.');
  return block;
}
