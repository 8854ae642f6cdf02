/** IPv4 address and CIDR parsing, formatting and arithmetic (pure). */
export { formatIpv4, isIpv4, parseIpv4 } from './ipv4.ts';
export type { Cidr } from './cidr.ts';
export { blockSize, cidrContains, cidrContainsCidr, cidrsOverlap, formatCidr, lastAddress, parseCidr } from './cidr.ts';
