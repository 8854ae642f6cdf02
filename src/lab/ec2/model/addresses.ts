import { blockSize, formatCidr, formatIpv4, lastAddress, parseCidr, parseIpv4 } from '../../../core/ip/index.ts';
import type { Ec2Model } from './model.ts';
import type { Subnet } from './state.ts';

/** AWS reserves the first four addresses and the last address of every subnet. */
export const RESERVED_PER_SUBNET = 5;

const PREFIX_LENGTH = 28;

/** Every address in use in the subnet: ENI private IPs and every address of their /28 prefixes. */
export function usedAddresses(model: Ec2Model, subnetId: string): Set<number> {
  const used = new Set<number>();
  for (const eni of model.state.networkInterfaces.values()) {
    if (eni.subnetId !== subnetId) continue;
    for (const ip of eni.privateIps) used.add(parseIpv4(ip.address));
    for (const prefix of eni.ipv4Prefixes) {
      const block = parseCidr(prefix);
      for (let a = block.network; a <= lastAddress(block); a++) used.add(a);
    }
  }
  return used;
}

/** `AvailableIpAddressCount` as DescribeSubnets reports it. */
export function subnetAvailableCount(model: Ec2Model, subnet: Subnet): number {
  const total = blockSize(parseCidr(subnet.cidrBlock).prefixLength);
  return total - RESERVED_PER_SUBNET - usedAddresses(model, subnet.subnetId).size;
}

/** Addresses of the subnet that may be given to an ENI (the reserved ones excluded). */
function assignableRange(subnet: Subnet): { first: number; last: number } {
  const block = parseCidr(subnet.cidrBlock);
  return { first: block.network + 4, last: lastAddress(block) - 1 };
}

/** True when `address` (text) is inside the subnet, not reserved. */
export function isAssignableInSubnet(subnet: Subnet, address: string): boolean {
  const value = parseIpv4(address);
  const { first, last } = assignableRange(subnet);
  return value >= first && value <= last;
}

/**
 * Picks `count` free addresses at random (as AWS does, which is what fragments subnets for /28
 * prefixes). Returns fewer than `count` when the subnet runs out; callers turn that into an error.
 */
export function pickFreeAddresses(model: Ec2Model, subnet: Subnet, count: number): string[] {
  const used = usedAddresses(model, subnet.subnetId);
  const { first, last } = assignableRange(subnet);
  const free: number[] = [];
  for (let a = first; a <= last; a++) if (!used.has(a)) free.push(a);
  const picked: string[] = [];
  while (picked.length < count && free.length > 0) {
    const index = model.randomInt(free.length);
    const [address] = free.splice(index, 1);
    if (address !== undefined) picked.push(formatIpv4(address));
  }
  return picked;
}

/**
 * Picks `count` free, 16-aligned /28 blocks whose every address is unused and unreserved, at random.
 * Returns fewer than `count` when no more such blocks exist (`InsufficientCidrBlocks` for the caller).
 */
export function pickFreePrefixes(model: Ec2Model, subnet: Subnet, count: number): string[] {
  const used = usedAddresses(model, subnet.subnetId);
  const { first, last } = assignableRange(subnet);
  const size = blockSize(PREFIX_LENGTH);
  const free: number[] = [];
  const block = parseCidr(subnet.cidrBlock);
  for (let start = block.network; start + size - 1 <= lastAddress(block); start += size) {
    if (start < first || start + size - 1 > last) continue;
    let clear = true;
    for (let a = start; a < start + size && clear; a++) clear = !used.has(a);
    if (clear) free.push(start);
  }
  const picked: string[] = [];
  while (picked.length < count && free.length > 0) {
    const [start] = free.splice(model.randomInt(free.length), 1);
    if (start !== undefined) picked.push(formatCidr({ network: start, prefixLength: PREFIX_LENGTH }));
  }
  return picked;
}
