import { Ec2ApiError, missingParameter } from '../errors.ts';
import { pickFreeAddresses, pickFreePrefixes } from './addresses.ts';
import type { Reassignment } from './eni-address-checks.ts';
import { checkRequestedAddresses, checkRequestedPrefixes } from './eni-address-checks.ts';
import { addressCount, attachedInstanceType, eniAddressLimit, findNetworkInterface, subnetOfEni } from './eni-lookup.ts';
import { supportsPrefixes } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { NetworkInterface, Subnet } from './state.ts';

/**
 * Secondary addresses for an ENI, in one of the four forms EC2 accepts (at most one per request):
 * specific addresses, a count of addresses, specific /28 prefixes or a count of prefixes.
 */
export interface AddressRequest {
  readonly privateIpAddresses?: readonly string[];
  readonly secondaryPrivateIpAddressCount?: number;
  readonly ipv4Prefixes?: readonly string[];
  readonly ipv4PrefixCount?: number;
}

/** The four forms of an address request. */
export type AddressRequestKind = 'addresses' | 'address-count' | 'prefixes' | 'prefix-count';

/** What an allocation added to the ENI. */
export interface Allocation {
  readonly addresses: string[];
  readonly prefixes: string[];
}

/** The form of an address request, or undefined when it asks for nothing; `InvalidParameterCombination` for two forms. */
export function addressRequestKind(request: AddressRequest): AddressRequestKind | undefined {
  const kinds: (AddressRequestKind | undefined)[] = [
    (request.privateIpAddresses?.length ?? 0) > 0 ? 'addresses' : undefined,
    request.secondaryPrivateIpAddressCount !== undefined ? 'address-count' : undefined,
    (request.ipv4Prefixes?.length ?? 0) > 0 ? 'prefixes' : undefined,
    request.ipv4PrefixCount !== undefined ? 'prefix-count' : undefined,
  ].filter((kind): kind is AddressRequestKind => kind !== undefined);
  if (kinds.length > 1) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'Only one of PrivateIpAddresses, SecondaryPrivateIpAddressCount, Ipv4Prefixes and Ipv4PrefixCount may be specified.',
    );
  }
  return kinds[0];
}

/** How many limit units (addresses plus prefixes) the request adds; `InvalidParameterValue` for a bad count. */
export function requestedUnits(request: AddressRequest): number {
  for (const [name, count] of [
    ['SecondaryPrivateIpAddressCount', request.secondaryPrivateIpAddressCount],
    ['Ipv4PrefixCount', request.ipv4PrefixCount],
  ] as const) {
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
      throw new Ec2ApiError('InvalidParameterValue', `Value (${count}) for parameter ${name} is invalid. It must be a positive integer.`);
    }
  }
  return (
    (request.privateIpAddresses?.length ?? 0) +
    (request.secondaryPrivateIpAddressCount ?? 0) +
    (request.ipv4Prefixes?.length ?? 0) +
    (request.ipv4PrefixCount ?? 0)
  );
}

/** `PrivateIpAddressLimitExceeded` with AWS's message. */
export function addressLimitExceeded(): Ec2ApiError {
  return new Ec2ApiError('PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.');
}

/** `InsufficientFreeAddressesInSubnet` for a subnet that cannot supply `what` (e.g. "addresses"). */
export function insufficientAddresses(subnetId: string, what: string): Ec2ApiError {
  return new Ec2ApiError(
    'InsufficientFreeAddressesInSubnet',
    `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of ${what}.`,
  );
}

/** `InsufficientCidrBlocks`: no free, aligned /28 left in the subnet. */
export function insufficientCidrBlocks(): Ec2ApiError {
  return new Ec2ApiError('InsufficientCidrBlocks', 'There are not enough free cidr blocks in the specified subnet to satisfy the request.');
}

/**
 * Adds the requested addresses to `eni`, which must already be in the model (so random picks see what
 * it holds). Explicit addresses and prefixes must have been checked. All or nothing: on a shortfall the
 * ENI is restored and `InsufficientFreeAddressesInSubnet` / `InsufficientCidrBlocks` thrown.
 */
export function allocateAddresses(model: Ec2Model, eni: NetworkInterface, subnet: Subnet, request: AddressRequest): Allocation {
  const addresses = [...(request.privateIpAddresses ?? [])];
  const prefixes = [...(request.ipv4Prefixes ?? [])];
  const addressCountWanted = request.secondaryPrivateIpAddressCount ?? 0;
  if (addressCountWanted > 0) {
    addresses.push(...pickFreeAddresses(model, subnet, addressCountWanted));
    if (addresses.length < addressCountWanted) throw insufficientAddresses(subnet.subnetId, 'addresses');
  }
  const prefixCountWanted = request.ipv4PrefixCount ?? 0;
  if (prefixCountWanted > 0) {
    prefixes.push(...pickFreePrefixes(model, subnet, prefixCountWanted));
    if (prefixes.length < prefixCountWanted) throw insufficientCidrBlocks();
  }
  for (const address of addresses) eni.privateIps.push({ address, primary: false });
  eni.ipv4Prefixes.push(...prefixes);
  return { addresses, prefixes };
}

/** AssignPrivateIpAddresses parameters. */
export interface AssignRequest extends AddressRequest {
  readonly networkInterfaceId: string;
  readonly allowReassignment?: boolean;
}

/**
 * AssignPrivateIpAddresses: adds secondary addresses or /28 prefixes to an ENI, within its instance
 * type's IPv4Limit (or the largest limit of any type when unattached). Prefixes need a Nitro type.
 */
export function assignPrivateIpAddresses(model: Ec2Model, request: AssignRequest): Allocation {
  const eni = findNetworkInterface(model, request.networkInterfaceId);
  const kind = addressRequestKind(request);
  if (kind === undefined) throw missingParameter('SecondaryPrivateIpAddressCount, PrivateIpAddress, Ipv4Prefix or Ipv4PrefixCount');
  const units = requestedUnits(request);
  const spec = attachedInstanceType(model, eni);
  if ((kind === 'prefixes' || kind === 'prefix-count') && spec !== undefined && !supportsPrefixes(spec)) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Assigning IPv4 prefixes to ${eni.networkInterfaceId} is not supported: instance type ${spec.instanceType} is not built on the Nitro System.`,
    );
  }
  if (addressCount(eni) + units > eniAddressLimit(model, eni)) throw addressLimitExceeded();
  const subnet = subnetOfEni(model, eni);
  const reassignments = checkRequestedAddresses(model, subnet, {
    eniId: eni.networkInterfaceId,
    addresses: request.privateIpAddresses ?? [],
    allowReassignment: request.allowReassignment ?? false,
  });
  checkRequestedPrefixes(model, subnet, request.ipv4Prefixes ?? []);
  const allocation = allocateAddresses(model, eni, subnet, request);
  const donors = takeReassigned(reassignments);
  model.emit({ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId });
  for (const donor of donors) model.emit({ type: 'eni-changed', networkInterfaceId: donor });
  return allocation;
}

/** Removes reassigned addresses from the ENIs that held them; returns those ENIs' ids. */
function takeReassigned(reassignments: readonly Reassignment[]): string[] {
  const donors = new Set<string>();
  for (const { from, address } of reassignments) {
    const index = from.privateIps.findIndex((ip) => ip.address === address && !ip.primary);
    if (index >= 0) from.privateIps.splice(index, 1);
    donors.add(from.networkInterfaceId);
  }
  return [...donors];
}

/** UnassignPrivateIpAddresses parameters. */
export interface UnassignRequest {
  readonly networkInterfaceId: string;
  readonly privateIpAddresses?: readonly string[];
  readonly ipv4Prefixes?: readonly string[];
}

/** UnassignPrivateIpAddresses: removes secondary addresses and/or prefixes; never the primary address. */
export function unassignPrivateIpAddresses(model: Ec2Model, request: UnassignRequest): void {
  const eni = findNetworkInterface(model, request.networkInterfaceId);
  const addresses = request.privateIpAddresses ?? [];
  const prefixes = request.ipv4Prefixes ?? [];
  if (addresses.length === 0 && prefixes.length === 0) throw missingParameter('PrivateIpAddress or Ipv4Prefix');
  const primary = eni.privateIps.find((ip) => ip.primary)?.address;
  if (primary !== undefined && addresses.includes(primary)) {
    throw new Ec2ApiError('InvalidParameterValue', `The primary private IP address ${primary} of interface ${eni.networkInterfaceId} cannot be unassigned.`);
  }
  const secondaries = new Set(eni.privateIps.filter((ip) => !ip.primary).map((ip) => ip.address));
  const held = new Set(eni.ipv4Prefixes);
  if (!addresses.every((a) => secondaries.has(a)) || !prefixes.every((p) => held.has(p))) {
    throw new Ec2ApiError('InvalidParameterValue', `Some of the specified addresses are not assigned to interface ${eni.networkInterfaceId}`);
  }
  removeWhere(eni.privateIps, (ip) => addresses.includes(ip.address));
  removeWhere(eni.ipv4Prefixes, (prefix) => prefixes.includes(prefix));
  model.emit({ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId });
}

function removeWhere<T>(items: T[], predicate: (item: T) => boolean): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item !== undefined && predicate(item)) items.splice(i, 1);
  }
}
