import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import rawTable from './instance-limits.json' with { type: 'json' };
import { instanceLimits, knownInstanceTypes } from './instance-limits.ts';
import type { InstanceLimits } from './instance-limits.ts';
import {
  calculatorPoolMode,
  cniVersionSupportsPrefixDelegation,
  defaultCardEnis,
  ipamdMaxPods,
  ipamdPoolMode,
  ipamdSupportsPrefixDelegation,
  maxPods,
  parseCniVersion,
  podEnis,
  rawMaxPods,
  recommendedMaxPods,
} from './max-pods.ts';
import type { MaxPodsOptions } from './max-pods.ts';

const V1_9 = parseCniVersion('1.9.0');
const V1_8 = parseCniVersion('1.8.0');

function limitsOf(type: string): InstanceLimits {
  const limits = instanceLimits(type);
  assert.ok(limits !== undefined, `${type} is in the table`);
  return limits;
}

function calc(type: string, options: Partial<Omit<MaxPodsOptions, 'limits'>> = {}): number {
  return maxPods({ limits: limitsOf(type), cniVersion: V1_9, ...options });
}

// vpc-cni.md section j, 20-row sample: type, ENILimit, IPv4Limit, pods (eni-max-pods.txt).
const SAMPLE: ReadonlyArray<readonly [string, number, number, number]> = [
  ['a1.medium', 2, 4, 8], ['t2.micro', 2, 2, 4], ['t3.nano', 2, 2, 4], ['t3.small', 3, 4, 11], ['m4.large', 2, 10, 20],
  ['m5.large', 3, 10, 29], ['m5.4xlarge', 8, 30, 234], ['c5.18xlarge', 15, 50, 737], ['c5n.18xlarge', 15, 50, 737],
  ['m6i.metal', 15, 50, 737], ['p4d.24xlarge', 15, 50, 737], ['p5.48xlarge', 2, 50, 100], ['trn1.32xlarge', 5, 50, 247],
  ['inf2.48xlarge', 15, 50, 737], ['x1e.32xlarge', 8, 30, 234], ['r7g.16xlarge', 15, 50, 737], ['c7gn.16xlarge', 15, 50, 737],
  ['hpc7a.96xlarge', 2, 50, 100], ['g5.48xlarge', 7, 50, 345], ['u-12tb1.metal', 5, 30, 147],
];

test('maxPods() gives the eni-max-pods.txt value for all 20 sample rows with showMaxAllowed', () => {
  for (const [type, enis, ipv4, pods] of SAMPLE) {
    const limits = limitsOf(type);
    assert.equal(defaultCardEnis(limits), enis, `${type} ENIs`);
    assert.equal(limits.ipv4Limit, ipv4, `${type} IPv4Limit`);
    assert.equal(maxPods({ limits, cniVersion: V1_9, showMaxAllowed: true }), pods, type);
  }
});

test('maxPods() equals ENILimit*(IPv4Limit-1)+2 for every one of the 1391 types (raw)', () => {
  const table: Readonly<Record<string, { readonly ENILimit: number; readonly IPv4Limit: number }>> = rawTable;
  const types = Object.keys(table);
  assert.equal(types.length, 1391);
  for (const type of types) {
    const row = table[type]!;
    assert.equal(maxPods({ limits: limitsOf(type), cniVersion: V1_9, showMaxAllowed: true }), row.ENILimit * (row.IPv4Limit - 1) + 2, type);
  }
});

test('maxPods() counts only the default network card of multi-card types', () => {
  assert.equal(calc('p4d.24xlarge', { showMaxAllowed: true }), 15 * 49 + 2);
  assert.equal(calc('p5.48xlarge', { showMaxAllowed: true }), 2 * 49 + 2);
});

test('maxPods() applies the 110/250 recommendation by vCPUs', () => {
  assert.equal(calc('m5.large', { vcpus: 2 }), 29);
  assert.equal(calc('c5.18xlarge', { vcpus: 72 }), 250);
  assert.equal(calc('m5.4xlarge', { vcpus: 16 }), 110);
  assert.equal(calc('p5.48xlarge', { vcpus: 192 }), 100);
  assert.equal(calc('m5.8xlarge', { vcpus: 32 }), 234);
  assert.equal(calc('c5.18xlarge', { vcpus: 30 }), 110);
  assert.equal(calc('c5.18xlarge', { vcpus: 31 }), 250);
});

test('maxPods() requires vCPUs only for the recommendation', () => {
  assert.throws(() => calc('m5.large'), { name: 'RangeError', message: /"m5\.large": vCPU count is unknown/ });
  assert.throws(() => calc('m5.large', { vcpus: 0 }), RangeError);
  assert.equal(calc('m5.large', { showMaxAllowed: true }), 29);
});

test('maxPods() uses the prefix formula on Nitro with CNI >= 1.9.0', () => {
  assert.equal(calc('m5.large', { prefixDelegation: true, showMaxAllowed: true }), 3 * (9 * 16) + 2);
  assert.equal(calc('m5.large', { prefixDelegation: true, vcpus: 2 }), 110);
  assert.equal(calc('m5.2xlarge', { prefixDelegation: true, vcpus: 8 }), 110);
  assert.equal(calc('m5.2xlarge', { vcpus: 8 }), 58);
  assert.equal(calc('c5.18xlarge', { prefixDelegation: true, vcpus: 72 }), 250);
  assert.equal(calc('c7g.metal', { prefixDelegation: true, showMaxAllowed: true }), 15 * 49 * 16 + 2);
});

test('maxPods() falls back to the secondary-IP formula with PD on CNI 1.8.0', () => {
  assert.equal(calc('m5.large', { prefixDelegation: true, cniVersion: V1_8, showMaxAllowed: true }), 29);
  assert.equal(calc('m5.large', { prefixDelegation: true, cniVersion: parseCniVersion('1.10.0'), showMaxAllowed: true }), 434);
  assert.equal(calc('m5.large', { prefixDelegation: true, cniVersion: parseCniVersion('2.0.0'), showMaxAllowed: true }), 434);
});

test('maxPods() uses the secondary-IP formula for a Xen type even with the PD flag', () => {
  assert.equal(limitsOf('m4.large').hypervisorType, 'xen');
  assert.equal(calc('m4.large', { prefixDelegation: true, showMaxAllowed: true }), 20);
});

test('maxPods() uses the secondary-IP formula for bare metal with no hypervisor, like the script', () => {
  assert.equal(calc('m6i.metal', { prefixDelegation: true, showMaxAllowed: true }), 737);
});

test('maxPods() with custom networking drops the primary ENI', () => {
  assert.equal(calc('m5.large', { customNetworking: true, vcpus: 2 }), 2 * 9 + 2);
  assert.equal(calc('m5.large', { customNetworking: true, prefixDelegation: true, showMaxAllowed: true }), 2 * 144 + 2);
  assert.equal(calc('t2.micro', { customNetworking: true, showMaxAllowed: true }), 1 * 1 + 2);
});

test('maxPods() caps ENIs at maxEni', () => {
  assert.equal(calc('m5.large', { maxEni: 1, vcpus: 2 }), 11);
  assert.equal(calc('m5.large', { maxEni: 10, vcpus: 2 }), 29);
  assert.equal(calc('m5.large', { maxEni: 2, customNetworking: true, prefixDelegation: true, showMaxAllowed: true }), 146);
  assert.equal(calc('m5.large', { maxEni: 1, customNetworking: true, showMaxAllowed: true }), 2);
  assert.throws(() => calc('m5.large', { maxEni: 0, vcpus: 2 }), RangeError);
  assert.throws(() => calc('m5.large', { maxEni: 1.5, vcpus: 2 }), RangeError);
});

test('podEnis() never goes below zero and never above the default card', () => {
  fc.assert(fc.property(fc.constantFrom(...knownInstanceTypes()), fc.integer({ min: 1, max: 100 }), fc.boolean(), (type, maxEni, customNetworking) => {
    const limits = limitsOf(type);
    const enis = podEnis(limits, { maxEni, customNetworking });
    return enis >= 0 && enis <= defaultCardEnis(limits) && enis <= maxEni;
  }));
});

test('rawMaxPods() with prefixes is 16x the pod addresses of secondary IPs', () => {
  fc.assert(fc.property(fc.constantFrom(...knownInstanceTypes()), fc.boolean(), (type, customNetworking) => {
    const limits = limitsOf(type);
    const secondary = rawMaxPods({ limits, poolMode: 'secondary-ip', customNetworking }) - 2;
    const prefix = rawMaxPods({ limits, poolMode: 'prefix', customNetworking }) - 2;
    return prefix === secondary * 16;
  }));
});

test('recommendedMaxPods() never exceeds the raw value or the ceiling', () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 20_000 }), fc.integer({ min: 1, max: 1000 }), (raw, vcpus) => {
    const value = recommendedMaxPods(raw, vcpus);
    return value <= raw && value <= (vcpus > 30 ? 250 : 110);
  }));
});

test('parseCniVersion() reads x.y.z and rejects other text', () => {
  assert.deepEqual(parseCniVersion('1.7.5'), { major: 1, minor: 7, patch: 5 });
  assert.deepEqual(parseCniVersion('v1.19.0-eksbuild.1'), { major: 1, minor: 19, patch: 0 });
  assert.deepEqual(parseCniVersion('1.9'), { major: 1, minor: 9, patch: 0 });
  for (const bad of ['', '1', 'latest', '1.x.0', '1.9.0.0']) assert.throws(() => parseCniVersion(bad), SyntaxError, bad);
});

test('cniVersionSupportsPrefixDelegation() compares minor numerically from 1.9.0', () => {
  assert.equal(cniVersionSupportsPrefixDelegation(parseCniVersion('1.8.9')), false);
  assert.equal(cniVersionSupportsPrefixDelegation(parseCniVersion('1.9.0')), true);
  assert.equal(cniVersionSupportsPrefixDelegation(parseCniVersion('1.10.0')), true);
  assert.equal(cniVersionSupportsPrefixDelegation(parseCniVersion('0.10.0')), false);
});

test('calculatorPoolMode() and ipamdPoolMode() differ only on bare metal without a hypervisor', () => {
  for (const type of knownInstanceTypes()) {
    const limits = limitsOf(type);
    const calculator = calculatorPoolMode(limits, { prefixDelegation: true, cniVersion: V1_9 });
    const ipamd = ipamdPoolMode(limits, true);
    const bareMetalOnly = limits.hypervisorType !== 'nitro' && limits.isBareMetal;
    assert.equal(calculator !== ipamd, bareMetalOnly, type);
    assert.equal(ipamdSupportsPrefixDelegation(limits), ipamd === 'prefix', type);
  }
  assert.equal(ipamdPoolMode(limitsOf('m5.large'), false), 'secondary-ip');
});

test('ipamdMaxPods() delegates prefixes on bare metal and falls back on Xen', () => {
  assert.equal(ipamdMaxPods({ limits: limitsOf('m6i.metal'), prefixDelegation: true }), 15 * 49 * 16 + 2);
  assert.equal(ipamdMaxPods({ limits: limitsOf('m4.large'), prefixDelegation: true }), 20);
  assert.equal(ipamdMaxPods({ limits: limitsOf('m5.large') }), 29);
  assert.equal(ipamdMaxPods({ limits: limitsOf('m5.large'), prefixDelegation: true, customNetworking: true, maxEni: 2 }), 146);
});
