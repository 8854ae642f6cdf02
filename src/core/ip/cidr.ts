import { formatIpv4, parseIpv4 } from './ipv4.ts';

/** An IPv4 CIDR block: the network address (host bits zero) and the prefix length. */
export interface Cidr {
  readonly network: number;
  readonly prefixLength: number;
}

/** Number of addresses in a block of this prefix length. */
export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/**
 * Parses `a.b.c.d/n`. Host bits must be zero unless `strict` is false, in which case they are cleared
 * (as `ip route` does). `SyntaxError` for unparsable text, `RangeError` for a bad prefix length.
 */
export function parseCidr(text: string, strict = true): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new SyntaxError(`Cannot parse CIDR block: "${text}" has no prefix length`);
  const address = parseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]?)$/.test(lengthText)) throw new SyntaxError(`Cannot parse CIDR block: "${text}"`);
  const prefixLength = Number(lengthText);
  if (prefixLength > 32) throw new RangeError(`Cannot parse CIDR block: "${text}": prefix length exceeds 32`);
  const size = blockSize(prefixLength);
  const network = address - (address % size);
  if (strict && network !== address) {
    throw new RangeError(`Cannot parse CIDR block: "${text}" has host bits set (network is ${formatIpv4(network)}/${prefixLength})`);
  }
  return { network, prefixLength };
}

/** Formats a block as `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefixLength}`;
}

/** The last address of the block, as an integer. */
export function lastAddress(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefixLength) - 1;
}

/** True when the integer address lies in the block. */
export function cidrContains(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address <= lastAddress(cidr);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && cidrContains(outer, inner.network);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}
