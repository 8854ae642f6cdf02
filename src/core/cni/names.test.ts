import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { containerIfName, dummyInterfaceName, hostVethName, podNameHash } from './names.ts';
import { sha1Hex } from './sha1.ts';

test('sha1Hex() matches the FIPS 180 test vectors', () => {
  assert.equal(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.equal(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  assert.equal(sha1Hex('a'.repeat(1_000_000)), '34aa973cd4c4daa4f61eeb2bdbad27316534016f');
});

test('sha1Hex() agrees with node:crypto on any string, across block boundaries and in UTF-8', () => {
  for (const length of [55, 56, 63, 64, 65, 119, 120, 128]) assert.equal(sha1Hex('x'.repeat(length)), createHash('sha1').update('x'.repeat(length)).digest('hex'));
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => sha1Hex(text) === createHash('sha1').update(text, 'utf8').digest('hex')));
});

test('hostVethName() reproduces upstream names_test.go', () => {
  assert.equal(hostVethName('eni', { namespace: 'kube-system', name: 'coredns-57ff979f67-qqbdh' }), 'enib5faff8a083');
  assert.equal(hostVethName('eni', { namespace: 'default', name: 'sample-pod' }), 'enicc21c2d7785');
});

test('hostVethName() hashes "<name>.<index>" for extra interfaces and keeps the prefix', () => {
  const pod = { namespace: 'default', name: 'web-1' };
  assert.equal(hostVethName('eni', pod, 1), `eni${sha1Hex('default.web-1.1').slice(0, 11)}`);
  assert.equal(hostVethName('cali', pod), `cali${sha1Hex('default.web-1').slice(0, 11)}`);
  assert.equal(hostVethName('cali', pod).length, 15);
  // podman: no namespace, the hash input starts with "."
  assert.equal(podNameHash({ namespace: '', name: 'web' }), sha1Hex('.web').slice(0, 11));
});

test('dummyInterfaceName() is "dummy" plus the first host veth\'s hash', () => {
  const pod = { namespace: 'default', name: 'sample-pod' };
  assert.equal(dummyInterfaceName(pod), 'dummycc21c2d7785');
});

test('containerIfName() is CNI_IFNAME first, then mNicIf<index>', () => {
  assert.equal(containerIfName('eth0', 0), 'eth0');
  assert.equal(containerIfName('net1', 0), 'net1');
  assert.equal(containerIfName('eth0', 1), 'mNicIf1');
  assert.equal(containerIfName('eth0', 2), 'mNicIf2');
});
