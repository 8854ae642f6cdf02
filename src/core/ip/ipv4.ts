/**
 * IPv4 addresses as unsigned 32-bit integers, and their dotted-quad text form.
 */

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `a.b.c.d` into an unsigned 32-bit integer; `SyntaxError` on anything else. */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new SyntaxError(`Cannot parse IPv4 address: "${text}"`);
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) throw new SyntaxError(`Cannot parse IPv4 address: "${text}"`);
    const octet = Number(part);
    if (octet > 255) throw new SyntaxError(`Cannot parse IPv4 address: "${text}": octet ${octet} exceeds 255`);
    value = value * 256 + octet;
  }
  return value;
}

/** True when `text` is a dotted-quad IPv4 address. */
export function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

/** Formats an unsigned 32-bit integer as `a.b.c.d`; `RangeError` outside 0..2^32-1. */
export function formatIpv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`Cannot format IPv4 address: ${value} is not an unsigned 32-bit integer`);
  }
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
