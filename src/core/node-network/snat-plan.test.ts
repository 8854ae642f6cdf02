import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IptablesRule, SnatPlanInput } from './index.ts';
import { planSnatRules } from './index.ts';

/** The node of the issue: VPC 192.168.0.0/16 + 100.64.0.0/16, primary 192.168.1.10 on eth0, defaults. */
const node: SnatPlanInput = {
  vpcCidrs: ['192.168.0.0/16', '100.64.0.0/16'],
  primaryIp: '192.168.1.10',
  primaryInterface: 'eth0',
  snat: { mode: 'node', randomize: 'prng', excludeCidrs: [] },
  connmark: 0x80,
  vethPrefix: 'eni',
  nodePortSupport: true,
  connmarkBackend: 'nftables',
};

/** A spec as section d writes it: arguments with spaces in double quotes. */
function specText(rule: IptablesRule): string {
  return rule.spec.map((token) => (token.includes(' ') ? `"${token}"` : token)).join(' ');
}

function where(rules: readonly IptablesRule[], table: string, chain: string): IptablesRule[] {
  return rules.filter((rule) => rule.table === table && rule.chain === chain);
}

describe('planSnatRules()', () => {
  test('planSnatRules() gives the rule specs of section d character by character', () => {
    const { rules } = planSnatRules({ ...node, snat: { ...node.snat, excludeCidrs: ['10.9.0.0/16'] } });
    assert.deepEqual(where(rules, 'nat', 'POSTROUTING').map(specText), ['-m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0']);
    assert.deepEqual(where(rules, 'nat', 'AWS-SNAT-CHAIN-0').map(specText), [
      '-d 10.9.0.0/16 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-d 100.64.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '-d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.1.10 --random-fully',
    ]);
    assert.deepEqual(where(rules, 'mangle', 'PREROUTING').map(specText), [
      '-m comment --comment "AWS, primary ENI" -i eth0 -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-mark 0x80/0x80',
      '-m comment --comment "AWS, primary ENI" -i eni+ -j CONNMARK --restore-mark --mask 0x80',
      '-m comment --comment "AWS, primary ENI" -i vlan+ -j CONNMARK --restore-mark --mask 0x80',
    ]);
  });

  test('planSnatRules() gives the lines iptables-save prints for them', () => {
    const { rules, natChains } = planSnatRules(node);
    assert.deepEqual(natChains, ['AWS-SNAT-CHAIN-0']);
    assert.deepEqual(rules.map((rule) => `${rule.table} ${rule.saveLine}`), [
      'nat -A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
      'nat -A AWS-SNAT-CHAIN-0 -d 100.64.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      'nat -A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      'nat -A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.1.10 --random-fully',
      'mangle -A PREROUTING -i eth0 -m comment --comment "AWS, primary ENI" -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark 0x80/0x80',
      'mangle -A PREROUTING -i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
      'mangle -A PREROUTING -i vlan+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
    ]);
  });

  test('planSnatRules() follows AWS_VPC_K8S_CNI_RANDOMIZESNAT, falling back to --random without --random-fully', () => {
    const snatLine = (input: SnatPlanInput): string => planSnatRules(input).rules.find((rule) => rule.spec.includes('SNAT'))?.saveLine ?? '';
    assert.match(snatLine({ ...node, snat: { ...node.snat, randomize: 'hashrandom' } }), /--to-source 192\.168\.1\.10 --random$/);
    assert.match(snatLine({ ...node, snat: { ...node.snat, randomize: 'none' } }), /--to-source 192\.168\.1\.10$/);
    assert.match(snatLine({ ...node, randomFullySupported: false }), /--to-source 192\.168\.1\.10 --random$/);
  });

  test('planSnatRules() writes an exclusion of 0.0.0.0/0 without -d, as the kernel would drop it', () => {
    const { rules } = planSnatRules({ ...node, snat: { ...node.snat, excludeCidrs: ['0.0.0.0/0'] } });
    assert.equal(where(rules, 'nat', 'AWS-SNAT-CHAIN-0')[0]?.saveLine, '-A AWS-SNAT-CHAIN-0 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN');
  });

  test('planSnatRules() normalises CIDRs and drops repeated ones', () => {
    const { rules } = planSnatRules({ ...node, vpcCidrs: ['192.168.7.1/16', '192.168.0.0/16'] });
    assert.deepEqual(where(rules, 'nat', 'AWS-SNAT-CHAIN-0').map((rule) => rule.spec.slice(0, 2).join(' ')), ['-d 192.168.0.0/16', '! -o']);
  });

  test('planSnatRules() with external SNAT keeps an empty AWS-SNAT-CHAIN-0 and only the NodePort connmark rules', () => {
    const external = planSnatRules({ ...node, snat: { ...node.snat, mode: 'external' } });
    assert.deepEqual(external.natChains, ['AWS-SNAT-CHAIN-0']);
    assert.deepEqual(external.rules.map((rule) => `${rule.table} ${rule.chain}`), ['mangle PREROUTING', 'mangle PREROUTING', 'mangle PREROUTING']);
    const noNodePort = planSnatRules({ ...node, snat: { ...node.snat, mode: 'external' }, nodePortSupport: false });
    assert.deepEqual(noNodePort.rules, []);
  });

  test('planSnatRules() without NodePort support keeps only the pod restore-mark rule in mangle', () => {
    const { rules } = planSnatRules({ ...node, nodePortSupport: false });
    assert.deepEqual(where(rules, 'mangle', 'PREROUTING').map((rule) => rule.saveLine), [
      '-A PREROUTING -i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
    ]);
  });

  test('planSnatRules() uses the configured veth prefix and mark', () => {
    const { rules } = planSnatRules({ ...node, vethPrefix: 'cali', connmark: 0x4000, connmarkBackend: 'iptables' });
    const lines = rules.map((rule) => rule.saveLine);
    assert.ok(lines.includes('-A PREROUTING -i cali+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x4000 --ctmask 0x4000'));
    assert.ok(lines.includes('-A PREROUTING -i eth0 -m comment --comment "AWS, primary ENI" -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark 0x4000/0x4000'));
    assert.ok(lines.includes('-A PREROUTING -i cali+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0'));
    assert.ok(lines.includes('-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x4000/0x4000'));
  });

  test('planSnatRules() on the iptables connmark backend adds section d\'s AWS-CONNMARK-CHAIN-0 rules', () => {
    const { rules, natChains } = planSnatRules({ ...node, connmarkBackend: 'iptables', snat: { ...node.snat, excludeCidrs: ['10.9.0.0/16'] } });
    assert.deepEqual(natChains, ['AWS-SNAT-CHAIN-0', 'AWS-CONNMARK-CHAIN-0']);
    assert.deepEqual(where(rules, 'nat', 'PREROUTING').map(specText), [
      '-i eni+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0',
      '-m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --mask 0x80',
    ]);
    assert.deepEqual(where(rules, 'nat', 'AWS-CONNMARK-CHAIN-0').map(specText), [
      '-d 10.9.0.0/16 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-d 100.64.0.0/16 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-d 192.168.0.0/16 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
    ]);
    assert.equal(where(rules, 'nat', 'PREROUTING')[1]?.saveLine, '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80');
  });

  test('planSnatRules() has no iptables connmark rules with external SNAT or on the nftables backend', () => {
    const natPrerouting = (input: SnatPlanInput): IptablesRule[] => where(planSnatRules(input).rules, 'nat', 'PREROUTING');
    const connmarkChain = (input: SnatPlanInput): IptablesRule[] => where(planSnatRules(input).rules, 'nat', 'AWS-CONNMARK-CHAIN-0');
    const externalOnIptables: SnatPlanInput = { ...node, connmarkBackend: 'iptables', snat: { ...node.snat, mode: 'external' } };
    assert.deepEqual([natPrerouting(externalOnIptables), connmarkChain(externalOnIptables)], [[], []]);
    assert.deepEqual([natPrerouting(node), connmarkChain(node)], [[], []]);
    assert.deepEqual(planSnatRules(externalOnIptables).natChains, ['AWS-SNAT-CHAIN-0']);
  });

  test('planSnatRules() rejects a node without VPC CIDRs or with a bad primary address', () => {
    assert.throws(() => planSnatRules({ ...node, vpcCidrs: [] }), RangeError);
    assert.throws(() => planSnatRules({ ...node, primaryIp: '192.168.1' }), SyntaxError);
  });
});
