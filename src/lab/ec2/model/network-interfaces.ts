import { cidrContains, parseCidr, parseIpv4 } from '../../../core/ip/index.ts';
import { Ec2ApiError } from '../errors.ts';
import { pickFreeAddresses } from './addresses.ts';
import { checkRequestedAddresses, checkRequestedPrefixes } from './eni-address-checks.ts';
import type { AddressRequest } from './eni-addresses.ts';
import { addressLimitExceeded, addressRequestKind, allocateAddresses, insufficientAddresses, requestedUnits } from './eni-addresses.ts';
import { findNetworkInterface, findSubnet } from './eni-lookup.ts';
import { resolveSecurityGroups } from './eni-security-groups.ts';
import { MAX_ADDRESSES_PER_ENI } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { InterfaceType, NetworkInterface, Subnet } from './state.ts';

/** CreateNetworkInterface parameters (tags already validated by the caller). */
export interface CreateNetworkInterfaceRequest extends AddressRequest {
  readonly subnetId: string;
  readonly description?: string;
  /** Defaults to the VPC's `default` group. */
  readonly groupIds?: readonly string[];
  /** The primary address; picked at random when absent. */
  readonly primaryPrivateIpAddress?: string;
  readonly interfaceType?: InterfaceType;
  readonly tags?: ReadonlyMap<string, string>;
  /** Same token, same ENI (EC2 idempotency). */
  readonly clientToken?: string;
}

/** Client tokens already used, per model: token → the ENI created and the subnet asked for. */
const CLIENT_TOKENS = new WeakMap<Ec2Model, Map<string, { networkInterfaceId: string; subnetId: string }>>();

/**
 * CreateNetworkInterface: a new `available` ENI in the subnet with a primary address and the requested
 * secondary addresses or prefixes. Checks everything before changing anything.
 */
export function createNetworkInterface(model: Ec2Model, request: CreateNetworkInterfaceRequest): NetworkInterface {
  const earlier = earlierByToken(model, request);
  if (earlier !== undefined) return earlier;
  const subnet = findSubnet(model, request.subnetId);
  const groupIds = resolveSecurityGroups(model, subnet, request.groupIds);
  addressRequestKind(request);
  if (1 + requestedUnits(request) > MAX_ADDRESSES_PER_ENI) throw addressLimitExceeded();
  const explicit = [...(request.primaryPrivateIpAddress === undefined ? [] : [request.primaryPrivateIpAddress]), ...(request.privateIpAddresses ?? [])];
  checkRequestedAddresses(model, subnet, { addresses: explicit });
  checkRequestedPrefixes(model, subnet, request.ipv4Prefixes ?? []);
  const clash = explicit.find((address) => (request.ipv4Prefixes ?? []).some((prefix) => inPrefix(address, prefix)));
  if (clash !== undefined) throw new Ec2ApiError('InvalidIPAddress.InUse', `Address ${clash} is in use.`);
  const primary = request.primaryPrivateIpAddress ?? pickPrimary(model, subnet, explicit, request.ipv4Prefixes ?? []);
  const eni: NetworkInterface = {
    networkInterfaceId: model.newId('eni'),
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    macAddress: model.newMacAddress(),
    description: request.description ?? '',
    privateIps: [{ address: primary, primary: true }],
    ipv4Prefixes: [],
    groupIds,
    sourceDestCheck: true,
    interfaceType: request.interfaceType ?? 'interface',
    tags: new Map(request.tags ?? []),
  };
  model.state.networkInterfaces.set(eni.networkInterfaceId, eni);
  try {
    allocateAddresses(model, eni, subnet, request);
  } catch (error) {
    model.state.networkInterfaces.delete(eni.networkInterfaceId);
    throw error;
  }
  rememberToken(model, request, eni);
  model.emit({ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId });
  return eni;
}

/** A random free address that none of the explicitly requested addresses or prefixes will take. */
function pickPrimary(model: Ec2Model, subnet: Subnet, explicit: readonly string[], prefixes: readonly string[]): string {
  const taken = new Set(explicit);
  const candidates = pickFreeAddresses(model, subnet, explicit.length + prefixes.length * 16 + 1);
  const primary = candidates.find((address) => !taken.has(address) && !prefixes.some((prefix) => inPrefix(address, prefix)));
  if (primary === undefined) throw insufficientAddresses(subnet.subnetId, 'addresses');
  return primary;
}

function inPrefix(address: string, prefix: string): boolean {
  return cidrContains(parseCidr(prefix), parseIpv4(address));
}

function earlierByToken(model: Ec2Model, request: CreateNetworkInterfaceRequest): NetworkInterface | undefined {
  if (request.clientToken === undefined) return undefined;
  const used = CLIENT_TOKENS.get(model)?.get(request.clientToken);
  if (used === undefined) return undefined;
  if (used.subnetId !== request.subnetId) {
    throw new Ec2ApiError('IdempotentParameterMismatch', `Client token '${request.clientToken}' was already used with different parameters.`);
  }
  return model.state.networkInterfaces.get(used.networkInterfaceId);
}

function rememberToken(model: Ec2Model, request: CreateNetworkInterfaceRequest, eni: NetworkInterface): void {
  if (request.clientToken === undefined) return;
  let tokens = CLIENT_TOKENS.get(model);
  if (tokens === undefined) {
    tokens = new Map();
    CLIENT_TOKENS.set(model, tokens);
  }
  tokens.set(request.clientToken, { networkInterfaceId: eni.networkInterfaceId, subnetId: eni.subnetId });
}

/** DeleteNetworkInterface: only an ENI that is not attached. */
export function deleteNetworkInterface(model: Ec2Model, networkInterfaceId: string): void {
  const eni = findNetworkInterface(model, networkInterfaceId);
  if (eni.attachment !== undefined) {
    throw new Ec2ApiError('InvalidParameterValue', `Network interface '${networkInterfaceId}' is currently in use.`);
  }
  model.state.networkInterfaces.delete(networkInterfaceId);
  model.emit({ type: 'eni-deleted', networkInterfaceId });
}
