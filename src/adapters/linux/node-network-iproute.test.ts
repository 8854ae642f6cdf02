import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLinks, parseRoutes, parseRules } from './node-network-iproute.ts';

describe('parseLinks()', () => {
  test('parseLinks() reads name, MAC, MTU, up and the IPv4 addresses of `ip -json addr show`', () => {
    const json = JSON.stringify([
      { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK'], mtu: 65536, address: '00:00:00:00:00:00', addr_info: [] },
      {
        ifindex: 3, link: 'p1', ifname: 'eth1', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, address: '4A:79:50:05:4E:D8',
        addr_info: [
          { family: 'inet', local: '192.168.1.20', prefixlen: 19, scope: 'global', label: 'eth1' },
          { family: 'inet6', local: 'fe80::4879:50ff:fe05:4ed8', prefixlen: 64, scope: 'link' },
        ],
      },
    ]);
    assert.deepEqual(parseLinks(json), [
      { name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: false, addresses: [] },
      { name: 'eth1', mac: '4a:79:50:05:4e:d8', mtu: 1500, up: true, addresses: [{ cidr: '192.168.1.20/19', scope: 'global' }] },
    ]);
  });
});

describe('parseRoutes()', () => {
  test('parseRoutes() normalises destinations to default or a CIDR block', () => {
    const json = '[{"dst":"default","gateway":"192.168.0.1","dev":"eth1","flags":[]},{"dst":"192.168.0.1","dev":"eth1","scope":"link","flags":[]},'
      + '{"dst":"192.168.0.0/19","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"192.168.1.20","flags":[]}]';
    assert.deepEqual(parseRoutes(json).map((route) => [route.dst, route.gateway, route.scope, route.protocol, route.prefsrc]), [
      ['default', '192.168.0.1', 'global', undefined, undefined],
      ['192.168.0.1/32', undefined, 'link', undefined, undefined],
      ['192.168.0.0/19', undefined, 'link', 'kernel', '192.168.1.20'],
    ]);
    assert.deepEqual(parseRoutes(''), []);
  });
});

describe('parseRules()', () => {
  test('parseRules() reads from, to, fwmark and numeric tables of `ip -N -json rule`', () => {
    const json = '[{"priority":0,"src":"all","table":"255"},{"priority":512,"src":"all","dst":"192.168.1.50","table":"254"},'
      + '{"priority":1024,"src":"all","fwmark":"0x80","fwmask":"0x80","table":"254"},{"priority":1535,"src":"all","dst":"10.100.0.0","dstlen":16,"table":"254"},'
      + '{"priority":1536,"src":"192.168.1.50","dst":"10.0.0.0","dstlen":8,"table":"2"},{"priority":1600,"src":"10.1.0.0","srclen":16,"fwmark":"0x4","table":"7"}]';
    assert.deepEqual(parseRules(json).map((state) => state.rule), [
      { priority: 0, table: 255 },
      { priority: 512, to: '192.168.1.50/32', table: 254 },
      { priority: 1024, fwmark: { mark: 0x80, mask: 0x80 }, table: 254 },
      { priority: 1535, to: '10.100.0.0/16', table: 254 },
      { priority: 1536, from: '192.168.1.50/32', to: '10.0.0.0/8', table: 2 },
      { priority: 1600, from: '10.1.0.0/16', fwmark: { mark: 4, mask: 0xffffffff }, table: 7 },
    ]);
  });

  test('parseRules() leaves rules with other selectors unparsed, as other software\'s', () => {
    const json = '[{"priority":600,"not":null,"src":"1.1.1.1","iif":"lo","table":"3"},{"priority":601,"src":"1.1.1.1","ipproto":"tcp","table":"3"},{"priority":602,"src":"all","table":"custom"}]';
    assert.deepEqual(parseRules(json), [{ priority: 600, rule: undefined }, { priority: 601, rule: undefined }, { priority: 602, rule: undefined }]);
  });
});
