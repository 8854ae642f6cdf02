import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { blockSize, cidrContains, cidrContainsCidr, cidrsOverlap, formatCidr, formatIpv4, isIpv4, lastAddress, parseCidr, parseIpv4 } from './index.ts';

test('parseIpv4() reads dotted quads and formatIpv4() writes them back', () => {
  assert.equal(parseIpv4('192.168.1.10'), 0xc0a8010a);
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(formatIpv4(0xc0a8010a), '192.168.1.10');
});

test('parseIpv4() rejects malformed text with SyntaxError', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', '1.2.3.4 ', ' 1.2.3.4']) {
    assert.throws(() => parseIpv4(bad), SyntaxError, bad);
    assert.equal(isIpv4(bad), false);
  }
});

test('formatIpv4() rejects values outside 32 bits', () => {
  assert.throws(() => formatIpv4(-1), RangeError);
  assert.throws(() => formatIpv4(2 ** 32), RangeError);
  assert.throws(() => formatIpv4(1.5), RangeError);
});

test('parseIpv4() and formatIpv4() round-trip every 32-bit value', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
});

test('parseCidr() parses blocks and rejects host bits when strict', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { network: 0x0a000000, prefixLength: 8 });
  assert.deepEqual(parseCidr('192.168.1.77/24', false), { network: 0xc0a80100, prefixLength: 24 });
  assert.throws(() => parseCidr('192.168.1.77/24'), RangeError);
  assert.throws(() => parseCidr('192.168.1.0/33'), RangeError);
  assert.throws(() => parseCidr('192.168.1.0'), SyntaxError);
  assert.throws(() => parseCidr('192.168.1.0/'), SyntaxError);
  assert.throws(() => parseCidr('192.168.1.0/08'), SyntaxError);
  assert.equal(formatCidr(parseCidr('0.0.0.0/0')), '0.0.0.0/0');
});

test('cidr arithmetic: size, last address, containment and overlap', () => {
  const vpc = parseCidr('192.168.0.0/16');
  const subnet = parseCidr('192.168.32.0/19');
  const prefix = parseCidr('192.168.32.48/28');
  assert.equal(blockSize(28), 16);
  assert.equal(formatIpv4(lastAddress(subnet)), '192.168.63.255');
  assert.ok(cidrContains(vpc, parseIpv4('192.168.255.255')));
  assert.ok(!cidrContains(vpc, parseIpv4('192.169.0.0')));
  assert.ok(cidrContainsCidr(vpc, subnet) && cidrContainsCidr(subnet, prefix));
  assert.ok(!cidrContainsCidr(prefix, subnet));
  assert.ok(cidrsOverlap(subnet, prefix) && cidrsOverlap(vpc, subnet));
  assert.ok(!cidrsOverlap(subnet, parseCidr('192.168.64.0/19')));
});
