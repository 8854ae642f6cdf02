import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SnatPlanInput } from './index.ts';
import { planNftConnmark } from './index.ts';

const node: SnatPlanInput = {
  vpcCidrs: ['10.0.0.0/8', '172.16.0.0/12'],
  primaryIp: '10.0.1.10',
  primaryInterface: 'eth0',
  snat: { mode: 'node', randomize: 'prng', excludeCidrs: [] },
  connmark: 0x80,
  vethPrefix: 'eni',
  nodePortSupport: true,
  connmarkBackend: 'nftables',
};

describe('planNftConnmark()', () => {
  // Section d (and upstream's doc comment) writes the restore rule as `counter ct mark & 0x80 meta mark set
  // ct mark & 0x80`, which nft does not accept; upstream's expressions (counter, ct load, bitwise and, meta
  // set) are what nft lists as `counter meta mark set ct mark & 0x00000080`.
  test('planNftConnmark() gives upstream\'s table for exempt 10.0.0.0/8 and 172.16.0.0/12, as nft lists it', () => {
    assert.equal(planNftConnmark(node)?.text, [
      'table ip aws-cni {',
      '\tchain nat-prerouting {',
      '\t\ttype nat hook prerouting priority -90; policy accept;',
      '\t\tfib daddr type local return',
      '\t\tiifname "eni*" counter jump snat-mark',
      '\t\tcounter meta mark set ct mark & 0x00000080',
      '\t}',
      '',
      '\tchain snat-mark {',
      '\t\tcounter ip daddr 172.16.0.0/12 return',
      '\t\tcounter ip daddr 10.0.0.0/8 return',
      '\t\tcounter ct mark set ct mark | 0x00000080',
      '\t}',
      '}',
      '',
    ].join('\n'));
  });

  test('planNftConnmark() exempts exclude CIDRs too, once each, with a /32 as a bare address', () => {
    const text = planNftConnmark({ ...node, snat: { ...node.snat, excludeCidrs: ['10.0.0.0/8', '203.0.113.7/32'] } })?.text ?? '';
    assert.deepEqual(text.split('\n').filter((line) => line.includes('ip daddr')).map((line) => line.trim()), [
      'counter ip daddr 203.0.113.7 return',
      'counter ip daddr 172.16.0.0/12 return',
      'counter ip daddr 10.0.0.0/8 return',
    ]);
  });

  test('planNftConnmark() uses the configured veth prefix and mark', () => {
    const text = planNftConnmark({ ...node, vethPrefix: 'cali', connmark: 0x4000 })?.text ?? '';
    assert.match(text, /\t\tiifname "cali\*" counter jump snat-mark\n/);
    assert.match(text, /\t\tcounter meta mark set ct mark & 0x00004000\n/);
    assert.match(text, /\t\tcounter ct mark set ct mark \| 0x00004000\n/);
  });

  test('planNftConnmark() plans no table with external SNAT or on the iptables backend', () => {
    assert.equal(planNftConnmark({ ...node, snat: { ...node.snat, mode: 'external' } }), undefined);
    assert.equal(planNftConnmark({ ...node, connmarkBackend: 'iptables' }), undefined);
  });

  test('planNftConnmark() refuses a veth prefix that would break the nft string', () => {
    assert.throws(() => planNftConnmark({ ...node, vethPrefix: 'a"b' }), RangeError);
  });
});
