import { blockSize, cidrContains, formatCidr, formatIpv4, lastAddress, parseCidr, parseIpv4 } from '../../../core/ip/index.ts';
import { isAssignableInSubnet, RESERVED_PER_SUBNET, subnetAvailableCount } from './addresses.ts';
import { instanceTypeSpec, MAX_ADDRESSES_PER_ENI, networkCardLimit, supportsPrefixes } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { NetworkInterface, Subnet } from './state.ts';

/**
 * Checks the compute half of the model against AWS's rules and returns every violation found (empty
 * when consistent). Used by property tests after every operation, and handy when debugging the lab.
 */
export function checkInvariants(model: Ec2Model): string[] {
  const violations: string[] = [];
  checkAddressOwnership(model, violations);
  for (const eni of model.state.networkInterfaces.values()) checkEni(model, eni, violations);
  checkSubnetCounts(model, violations);
  checkAttachments(model, violations);
  checkInstances(model, violations);
  return violations;
}

/** No address (prefix addresses included) is held twice within a VPC. */
function checkAddressOwnership(model: Ec2Model, violations: string[]): void {
  const holders = new Map<string, string>();
  const claim = (eni: NetworkInterface, address: number, what: string): void => {
    const key = `${eni.vpcId}/${address}`;
    const holder = holders.get(key);
    if (holder !== undefined) violations.push(`${what} of ${eni.networkInterfaceId} is also held by ${holder}`);
    holders.set(key, eni.networkInterfaceId);
  };
  for (const eni of model.state.networkInterfaces.values()) {
    for (const ip of eni.privateIps) claim(eni, parseIpv4(ip.address), `address ${ip.address}`);
    for (const prefix of eni.ipv4Prefixes) {
      const block = parseCidr(prefix, false);
      for (let a = block.network; a <= lastAddress(block); a++) claim(eni, a, `prefix ${prefix}`);
    }
  }
}

function checkEni(model: Ec2Model, eni: NetworkInterface, violations: string[]): void {
  const id = eni.networkInterfaceId;
  const subnet = model.state.subnets.get(eni.subnetId);
  if (subnet === undefined) {
    violations.push(`${id} is in unknown subnet ${eni.subnetId}`);
    return;
  }
  if (subnet.vpcId !== eni.vpcId || subnet.availabilityZone !== eni.availabilityZone) violations.push(`${id} disagrees with its subnet's VPC or zone`);
  if (eni.privateIps[0]?.primary !== true || eni.privateIps.filter((ip) => ip.primary).length !== 1) {
    violations.push(`${id} must have exactly one primary address, listed first`);
  }
  for (const ip of eni.privateIps) {
    if (!isAssignableInSubnet(subnet, ip.address)) violations.push(`${id} address ${ip.address} is outside ${subnet.cidrBlock} or reserved`);
  }
  for (const prefix of eni.ipv4Prefixes) {
    const block = parseCidr(prefix, false);
    const aligned = block.prefixLength === 28 && formatCidr(block) === prefix;
    if (!aligned) violations.push(`${id} prefix ${prefix} is not an aligned /28`);
    const inside = [block.network, lastAddress(block)].every((a) => isAssignableInSubnet(subnet, formatIpv4(a)));
    if (!inside) violations.push(`${id} prefix ${prefix} is outside ${subnet.cidrBlock} or reserved`);
  }
  const spec = eni.attachment === undefined ? undefined : instanceTypeSpec(model.state.instances.get(eni.attachment.instanceId)?.instanceType ?? '');
  const limit = spec?.ipv4Limit ?? MAX_ADDRESSES_PER_ENI;
  const count = eni.privateIps.length + eni.ipv4Prefixes.length;
  if (count > limit) violations.push(`${id} holds ${count} addresses, over its limit of ${limit}`);
  if (spec !== undefined && eni.ipv4Prefixes.length > 0 && !supportsPrefixes(spec)) violations.push(`${id} has prefixes on Xen type ${spec.instanceType}`);
}

/** AvailableIpAddressCount equals size − 5 − (addresses + 16 × prefixes) of the subnet's ENIs. */
function checkSubnetCounts(model: Ec2Model, violations: string[]): void {
  for (const subnet of model.state.subnets.values()) {
    let used = 0;
    for (const eni of model.state.networkInterfaces.values()) {
      if (eni.subnetId === subnet.subnetId) used += eni.privateIps.length + 16 * eni.ipv4Prefixes.length;
    }
    const expected = blockSize(parseCidr(subnet.cidrBlock).prefixLength) - RESERVED_PER_SUBNET - used;
    const actual = availableCount(model, subnet);
    if (actual !== expected || actual < 0) violations.push(`${subnet.subnetId} reports ${actual} free addresses, expected ${expected}`);
  }
}

/** subnetAvailableCount(), or NaN when the model holds something it cannot parse (a misaligned prefix). */
function availableCount(model: Ec2Model, subnet: Subnet): number {
  try {
    return subnetAvailableCount(model, subnet);
  } catch {
    return Number.NaN;
  }
}

/** Attachments point at live instances in the same zone, within card limits, one ENI per device index per card. */
function checkAttachments(model: Ec2Model, violations: string[]): void {
  const perCard = new Map<string, number>();
  const devices = new Set<string>();
  for (const eni of model.state.networkInterfaces.values()) {
    const attachment = eni.attachment;
    if (attachment === undefined) continue;
    const instance = model.state.instances.get(attachment.instanceId);
    if (instance === undefined || instance.state === 'terminated') {
      violations.push(`${eni.networkInterfaceId} is attached to missing or terminated ${attachment.instanceId}`);
      continue;
    }
    if (instance.availabilityZone !== eni.availabilityZone) violations.push(`${eni.networkInterfaceId} is attached across zones`);
    const cardKey = `${instance.instanceId}/${attachment.networkCardIndex}`;
    const deviceKey = `${cardKey}/${attachment.deviceIndex}`;
    if (devices.has(deviceKey)) violations.push(`device index ${deviceKey} is used twice`);
    devices.add(deviceKey);
    perCard.set(cardKey, (perCard.get(cardKey) ?? 0) + 1);
  }
  for (const [cardKey, count] of perCard) {
    const [instanceId = '', card = ''] = cardKey.split('/');
    const spec = instanceTypeSpec(model.state.instances.get(instanceId)?.instanceType ?? '');
    const limit = spec === undefined ? undefined : networkCardLimit(spec, Number(card));
    if (limit === undefined || count > limit) violations.push(`card ${cardKey} has ${count} ENIs, limit ${limit ?? 'none'}`);
  }
}

/** Live instances keep their primary ENI at device 0; public IPs are unique and from the pool. */
function checkInstances(model: Ec2Model, violations: string[]): void {
  const publicIps = new Set<string>();
  const pool = parseCidr(model.publicIpCidr, false);
  for (const instance of model.state.instances.values()) {
    if (instance.state === 'terminated') continue;
    const primary = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
    const attachment = primary?.attachment;
    if (attachment?.instanceId !== instance.instanceId || attachment.deviceIndex !== 0) {
      violations.push(`${instance.instanceId} lost its primary ENI ${instance.primaryNetworkInterfaceId}`);
    }
    if (instance.publicIp === undefined) continue;
    if (publicIps.has(instance.publicIp)) violations.push(`public IP ${instance.publicIp} is used twice`);
    if (!cidrContains(pool, parseIpv4(instance.publicIp))) violations.push(`public IP ${instance.publicIp} is outside ${model.publicIpCidr}`);
    publicIps.add(instance.publicIp);
  }
}
