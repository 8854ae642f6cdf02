import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecurityGroup, SecurityGroupRule } from '../ec2/model/state.ts';
import type { DesiredEni, DesiredFabric } from './desired.ts';
import { renderRuleset } from './ruleset.ts';
import { groupSetName, ruleMatch } from './security-group-nft.ts';

const rule = (fields: Omit<SecurityGroupRule, 'ruleId'>): SecurityGroupRule => ({ ruleId: 'sgr-1', ...fields });

test('ruleMatch() renders CIDR, group, port and ICMP rules for each direction', () => {
  assert.equal(ruleMatch(rule({ ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '10.0.0.0/16' }), 'ingress'), 'ip saddr 10.0.0.0/16 tcp dport 80');
  assert.equal(ruleMatch(rule({ ipProtocol: 'udp', fromPort: 1000, toPort: 2000, referencedGroupId: 'sg-0ab' }), 'egress'), 'ip daddr @sg_0ab udp dport 1000-2000');
  assert.equal(ruleMatch(rule({ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIpv4: '0.0.0.0/0' }), 'ingress'), 'meta l4proto tcp');
  assert.equal(ruleMatch(rule({ ipProtocol: 'icmp', fromPort: 8, toPort: -1, cidrIpv4: '0.0.0.0/0' }), 'ingress'), 'icmp type 8');
  assert.equal(ruleMatch(rule({ ipProtocol: 'icmp', fromPort: -1, toPort: -1, cidrIpv4: '1.2.3.4/32' }), 'ingress'), 'ip saddr 1.2.3.4/32 meta l4proto icmp');
  assert.equal(ruleMatch(rule({ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }), 'egress'), '');
  assert.equal(ruleMatch(rule({ ipProtocol: '50', cidrIpv4: '0.0.0.0/0' }), 'egress'), 'meta l4proto 50');
  assert.equal(ruleMatch(rule({ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }), 'ingress'), undefined);
  assert.equal(groupSetName('sg-0123'), 'sg_0123');
});

const GROUP: SecurityGroup = {
  groupId: 'sg-01', groupName: 'web', description: 'web', vpcId: 'vpc-1', tags: new Map(),
  ingress: [rule({ ipProtocol: 'tcp', fromPort: 80, toPort: 80, referencedGroupId: 'sg-01' })],
  egress: [rule({ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' })],
};

function fabricWith(eni: Partial<DesiredEni>): DesiredFabric {
  const full: DesiredEni = {
    networkInterfaceId: 'eni-1', instanceId: 'i-1', vpcId: 'vpc-1', deviceIndex: 0, macAddress: '02:00:00:00:00:01', primary: true,
    primaryAddress: '10.0.1.10', subnetPrefixLength: 24, gateway: '10.0.1.1', addresses: ['10.0.1.10', '10.0.1.11'], prefixes: ['10.0.1.48/28'],
    sourceDestCheck: true, groupIds: ['sg-01'], ...eni,
  };
  return {
    instanceIds: new Set(['i-1']), enis: new Map([['eni-1', full]]), gateways: ['10.0.1.1'], vpcCidrs: ['10.0.0.0/16'],
    nat: [{ publicIp: '198.51.100.7', privateIp: '10.0.1.10' }],
    securityGroups: new Map([['sg-01', GROUP]]), groupMembers: new Map([['sg-01', ['10.0.1.10', '10.0.1.11', '10.0.1.48/28']]]),
  };
}

const CONTEXT = { table: 'vpclt1', eniLinks: new Map([['eni-1', 'enia']]), internetLink: 'igw0' };

test('renderRuleset() replaces the whole table atomically', () => {
  const text = renderRuleset(fabricWith({}), CONTEXT);
  assert.ok(text.startsWith('add table inet vpclt1\ndelete table inet vpclt1\ntable inet vpclt1 {\n'));
});

test('renderRuleset() checks sources per ENI unless its sourceDestCheck is off', () => {
  const text = renderRuleset(fabricWith({}), CONTEXT);
  assert.match(text, /iifname vmap \{ "enia" : jump src_enia \}/);
  assert.match(text, /chain src_enia \{\n {4}ip saddr \{ 10\.0\.1\.10, 10\.0\.1\.11, 10\.0\.1\.48\/28 \} return\n {4}drop/);
  assert.doesNotMatch(renderRuleset(fabricWith({ sourceDestCheck: false }), CONTEXT), /src_enia/);
});

test('renderRuleset() enforces the ENI groups statefully in both directions, with member sets', () => {
  const text = renderRuleset(fabricWith({}), CONTEXT);
  assert.match(text, /set sg_01 \{ type ipv4_addr; flags interval; auto-merge; elements = \{ 10\.0\.1\.10, 10\.0\.1\.11, 10\.0\.1\.48\/28 \}; \}/);
  assert.match(text, /ct state established,related accept/);
  assert.match(text, /chain in_enia \{\n {4}ip saddr @sg_01 tcp dport 80 return\n {4}drop\n {2}\}/);
  assert.match(text, /chain out_enia \{\n {4}return\n {4}drop\n {2}\}/);
});

test('renderRuleset() maps public to private addresses 1:1 on the internet link only', () => {
  const text = renderRuleset(fabricWith({}), CONTEXT);
  assert.match(text, /iifname "igw0" dnat ip to ip daddr map \{ 198\.51\.100\.7 : 10\.0\.1\.10 \}/);
  assert.match(text, /oifname "igw0" snat ip to ip saddr map \{ 10\.0\.1\.10 : 198\.51\.100\.7 \}/);
  assert.match(text, /oifname "igw0" ip saddr != @natted drop/);
});

test('renderRuleset() gives no rules to an ENI without a link name', () => {
  const text = renderRuleset(fabricWith({}), { ...CONTEXT, eniLinks: new Map() });
  assert.doesNotMatch(text, /enia/);
});

test('renderRuleset() keeps the internet away from the router itself, and leaves ENI links alone', () => {
  const text = renderRuleset(fabricWith({}), CONTEXT);
  assert.match(text, /chain input \{\n {4}type filter hook input priority filter; policy accept;\n {4}iifname "igw0" drop\n {2}\}/);
  assert.doesNotMatch(text.slice(text.indexOf('chain input')).split('  }')[0] ?? '', /enia/);
});
