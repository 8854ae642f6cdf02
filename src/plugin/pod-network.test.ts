import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { randomMac, usesEniTable } from './pod-network.ts';

test('randomMac() is always unicast and locally administered', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
    const mac = randomMac(bytes);
    assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = Number.parseInt(mac.slice(0, 2), 16);
    assert.equal(first & 0x01, 0, 'multicast bit clear');
    assert.equal(first & 0x02, 0x02, 'locally administered bit set');
    assert.equal(mac.slice(3), [...bytes.subarray(1)].map((byte) => byte.toString(16).padStart(2, '0')).join(':'));
  }));
});

test('randomMac() refuses fewer than 6 bytes', () => {
  assert.throws(() => randomMac(new Uint8Array(5)), RangeError);
});

test('usesEniTable() is true only for secondary ENI tables', () => {
  assert.equal(usesEniTable({ ipv4: '10.0.0.5', deviceNumber: 0, routeTableId: 254 }), false);
  assert.equal(usesEniTable({ ipv4: '10.0.0.5', deviceNumber: 1, routeTableId: 2 }), true);
  assert.equal(usesEniTable({ ipv4: '10.0.0.5', deviceNumber: 0, routeTableId: 1 }), false);
});
