import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  estimateVcpusFromSize,
  instanceLimits,
  instanceSpecs,
  instanceVcpus,
  knownInstanceTypes,
  parseInstanceLimitsTable,
  parseInstanceSpecsTable,
} from './instance-limits.ts';

test('knownInstanceTypes() lists all 1391 types of the VPC CNI table, sorted', () => {
  const types = knownInstanceTypes();
  assert.equal(types.length, 1391);
  assert.deepEqual([...types], [...types].sort());
  assert.ok(types.includes('m5.large'));
  assert.ok(types.includes('u-12tb1.metal'));
});

test('instanceLimits() maps the JSON record to a typed one', () => {
  assert.deepEqual(instanceLimits('t3.small'), {
    instanceType: 't3.small',
    eniLimit: 3,
    ipv4Limit: 4,
    defaultNetworkCardIndex: 0,
    networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: 3 }],
    hypervisorType: 'nitro',
    isBareMetal: false,
  });
});

test('instanceLimits() keeps every network card of multi-card types', () => {
  const p4d = instanceLimits('p4d.24xlarge');
  assert.equal(p4d?.networkCards.length, 4);
  assert.equal(p4d?.networkCards.reduce((sum, card) => sum + card.maximumNetworkInterfaces, 0), 60);
  assert.equal(instanceLimits('p5.48xlarge')?.networkCards.length, 32);
});

test('instanceLimits() reports hypervisor and bare metal as the table does', () => {
  assert.equal(instanceLimits('m4.large')?.hypervisorType, 'xen');
  assert.equal(instanceLimits('m6i.metal')?.hypervisorType, 'unknown');
  assert.equal(instanceLimits('m6i.metal')?.isBareMetal, true);
  assert.equal(instanceLimits('c7g.metal')?.hypervisorType, 'nitro');
  assert.equal(instanceLimits('cr1.8xlarge')?.isBareMetal, false);
  const counts = new Map<string, number>();
  for (const type of knownInstanceTypes()) {
    const hv = instanceLimits(type)?.hypervisorType ?? 'missing';
    counts.set(hv, (counts.get(hv) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), { nitro: 1150, unknown: 161, xen: 80 });
});

test('instanceLimits() returns undefined for an unknown type', () => {
  assert.equal(instanceLimits('m5.huge'), undefined);
  assert.equal(instanceLimits(''), undefined);
  assert.equal(instanceLimits('constructor'), undefined);
});

test('instanceSpecs() returns vCPUs and memory, or undefined', () => {
  assert.deepEqual(instanceSpecs('c5.18xlarge'), { instanceType: 'c5.18xlarge', vcpus: 72, memoryGiB: 144 });
  assert.equal(instanceSpecs('m5.huge'), undefined);
});

test('parseInstanceLimitsTable() rejects a malformed table naming the field', () => {
  assert.throws(() => parseInstanceLimitsTable([]), TypeError);
  const good = { ENILimit: 3, IPv4Limit: 10, DefaultNetworkCardIndex: 0, NetworkCards: [{ MaximumNetworkInterfaces: 3, NetworkCardIndex: 0 }], HypervisorType: 'nitro', IsBareMetal: false };
  assert.equal(parseInstanceLimitsTable({ 'x.large': good }).get('x.large')?.eniLimit, 3);
  assert.throws(() => parseInstanceLimitsTable({ 'x.large': { ...good, ENILimit: '3' } }), /"x\.large\.ENILimit"/);
  assert.throws(() => parseInstanceLimitsTable({ 'x.large': { ...good, HypervisorType: 'kvm' } }), /HypervisorType/);
  assert.throws(() => parseInstanceLimitsTable({ 'x.large': { ...good, NetworkCards: [{ NetworkCardIndex: 0 }] } }), /NetworkCards\[0\]\.MaximumNetworkInterfaces/);
});

test('parseInstanceSpecsTable() rejects a malformed table naming the field', () => {
  assert.equal(parseInstanceSpecsTable({ 'x.large': { vcpu: 2, memoryGiB: 8 } }).get('x.large')?.vcpus, 2);
  assert.throws(() => parseInstanceSpecsTable({ 'x.large': { vcpu: 0, memoryGiB: 8 } }), /"x\.large\.vcpu"/);
  assert.throws(() => parseInstanceSpecsTable('nope'), TypeError);
});

test('estimateVcpusFromSize() follows the size name', () => {
  const cases: Array<[string, number | undefined]> = [
    ['m5.large', 2], ['m5.xlarge', 4], ['m5.2xlarge', 8], ['m5.4xlarge', 16], ['m5.24xlarge', 96],
    ['u7i-12tb.224xlarge', 896], ['m7i.metal-24xl', 96], ['m7i.metal-48xl', 192], ['m6i.metal', 96],
    ['t3.medium', 2], ['t3.small', 1], ['t3.micro', 1], ['t3.nano', 1], ['m5.huge', undefined], ['m5', undefined],
  ];
  for (const [type, vcpus] of cases) assert.equal(estimateVcpusFromSize(type), vcpus, type);
});

test('estimateVcpusFromSize() matches the specs file on the recommendation side of 30 vCPUs for most types', () => {
  let agree = 0;
  let total = 0;
  for (const type of knownInstanceTypes()) {
    const specs = instanceSpecs(type);
    const estimate = estimateVcpusFromSize(type);
    if (specs === undefined || estimate === undefined) continue;
    total += 1;
    if ((specs.vcpus > 30) === (estimate > 30)) agree += 1;
  }
  assert.ok(total > 500);
  assert.ok(agree / total > 0.97, `${agree} of ${total}`);
});

test('instanceVcpus() prefers the specs file and labels estimates', () => {
  assert.deepEqual(instanceVcpus('c4.8xlarge'), { vcpus: 36, source: 'specs' });
  const missing = knownInstanceTypes().find((type) => instanceSpecs(type) === undefined && type.endsWith('.48xlarge'));
  assert.ok(missing !== undefined);
  assert.deepEqual(instanceVcpus(missing), { vcpus: 192, source: 'size-estimate' });
  assert.equal(instanceVcpus('m5.huge'), undefined);
});

test('instanceVcpus() knows every type in the limits table', () => {
  const unknown = knownInstanceTypes().filter((type) => instanceVcpus(type) === undefined);
  assert.deepEqual(unknown, []);
});
