import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIptablesVersion } from './iptables-version.ts';

describe('parseIptablesVersion()', () => {
  test('parseIptablesVersion() tells nf_tables from legacy as upstream does', () => {
    assert.deepEqual(parseIptablesVersion('iptables v1.8.9 (nf_tables)\n'), { version: [1, 8, 9], connmarkBackend: 'nftables', randomFullySupported: true });
    assert.deepEqual(parseIptablesVersion('iptables v1.8.7 (legacy)\n'), { version: [1, 8, 7], connmarkBackend: 'iptables', randomFullySupported: true });
  });

  test('parseIptablesVersion() follows upstream in calling anything without "legacy" nf_tables', () => {
    assert.equal(parseIptablesVersion('iptables v1.4.21\n').connmarkBackend, 'nftables');
  });

  test('parseIptablesVersion() knows --random-fully from 1.6.2 on', () => {
    assert.deepEqual(['v1.6.1', 'v1.6.2', 'v1.10.0', ''].map((text) => parseIptablesVersion(`iptables ${text}`).randomFullySupported), [false, true, true, false]);
  });
});
