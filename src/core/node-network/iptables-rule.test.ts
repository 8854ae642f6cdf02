import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMark, isAwsBuiltinChainRule, isAwsChain, xtablesSaveString } from './index.ts';

describe('xtablesSaveString()', () => {
  test('xtablesSaveString() leaves plain words bare and quotes the rest as iptables-save does', () => {
    assert.equal(xtablesSaveString('kube-proxy_1'), 'kube-proxy_1');
    assert.equal(xtablesSaveString('AWS, SNAT'), '"AWS, SNAT"');
    assert.equal(xtablesSaveString('a"b\\c\'d'), '"a\\"b\\\\c\\\'d"');
    assert.equal(xtablesSaveString(''), '""');
  });
});

describe('formatMark()', () => {
  test('formatMark() prints hex like Go %#x', () => {
    assert.deepEqual([formatMark(0x80), formatMark(128), formatMark(0xffff0000)], ['0x80', '0x80', '0xffff0000']);
  });
});

describe('isAwsBuiltinChainRule()', () => {
  test('isAwsBuiltinChainRule() knows upstream\'s rules by their comment in their chain only', () => {
    assert.equal(isAwsBuiltinChainRule('nat', 'POSTROUTING', '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0'), true);
    assert.equal(isAwsBuiltinChainRule('nat', 'POSTROUTING', '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN'), false);
    assert.equal(isAwsBuiltinChainRule('nat', 'PREROUTING', '-A PREROUTING -i eni+ -m comment --comment "AWS, outbound connections" -m state --state NEW -j AWS-CONNMARK-CHAIN-0'), true);
    assert.equal(isAwsBuiltinChainRule('mangle', 'PREROUTING', '-A PREROUTING -i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80'), true);
    assert.equal(isAwsBuiltinChainRule('mangle', 'POSTROUTING', '-A POSTROUTING -m comment --comment "AWS, primary ENI" -j ACCEPT'), false);
    assert.equal(isAwsBuiltinChainRule('nat', 'POSTROUTING', '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'), false);
  });
});

describe('isAwsChain()', () => {
  test('isAwsChain() covers both designs\' chains', () => {
    assert.deepEqual(['AWS-SNAT-CHAIN-0', 'AWS-SNAT-CHAIN-3', 'AWS-CONNMARK-CHAIN-1', 'KUBE-SERVICES', 'POSTROUTING'].map(isAwsChain), [true, true, true, false, false]);
  });
});
