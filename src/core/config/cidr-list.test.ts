import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCidrList } from './cidr-list.ts';

test('parseCidrList() trims items, skips empty ones and clears host bits like net.ParseCIDR', () => {
  assert.deepEqual(parseCidrList(' 10.0.0.0/8 ,192.168.1.7/24,,'), { cidrs: ['10.0.0.0/8', '192.168.1.0/24'], invalid: [] });
});

test('parseCidrList() reports items that are not IPv4 CIDR blocks, IPv6 included', () => {
  assert.deepEqual(parseCidrList('10.0.0.0/8,fd00::/8,10.0.0.1,10.0.0.0/33,010.0.0.0/8'), {
    cidrs: ['10.0.0.0/8'],
    invalid: ['fd00::/8', '10.0.0.1', '10.0.0.0/33', '010.0.0.0/8'],
  });
});
