import { cidrContains, isIpv4, parseCidr, parseIpv4 } from '../../core/ip/index.ts';
import type { Ec2Model } from '../ec2/model/model.ts';

/**
 * The instance an address belongs to, as the VPC sees it when IMDS is called: the instance that an
 * attached ENI holding the address (as a private IP, or inside one of its /28 prefixes) is attached to.
 * Undefined for an address no attached ENI holds. (An IPv4-mapped IPv6 address is read as IPv4.)
 */
export function instanceByEniAddress(model: Ec2Model, remoteAddress: string): string | undefined {
  const address = remoteAddress.replace(/^::ffff:/i, '');
  if (!isIpv4(address)) return undefined;
  const value = parseIpv4(address);
  for (const eni of model.state.networkInterfaces.values()) {
    const attachment = eni.attachment;
    if (attachment === undefined || attachment.status !== 'attached') continue;
    if (eni.privateIps.some((ip) => ip.address === address)) return attachment.instanceId;
    if (eni.ipv4Prefixes.some((prefix) => cidrContains(parseCidr(prefix), value))) return attachment.instanceId;
  }
  return undefined;
}
