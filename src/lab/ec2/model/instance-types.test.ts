import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2ApiError } from '../errors.ts';
import {
  allInstanceTypes,
  instanceTypeSpec,
  MAX_ADDRESSES_PER_ENI,
  networkCardLimit,
  requireInstanceType,
  supportsPrefixes,
  totalNetworkInterfaces,
} from './instance-types.ts';

test('instanceTypeSpec() reads limits and specs of t3.medium', () => {
  const spec = instanceTypeSpec('t3.medium');
  assert.ok(spec);
  assert.equal(spec.eniLimit, 3);
  assert.equal(spec.ipv4Limit, 6);
  assert.equal(spec.hypervisor, 'nitro');
  assert.equal(spec.architecture, 'x86_64');
  assert.equal(spec.vcpus, 2);
  assert.equal(spec.memoryMiB, 4096);
  assert.deepEqual(spec.networkCards, [{ networkCardIndex: 0, maximumNetworkInterfaces: 3 }]);
});

test('instanceTypeSpec() knows multi-card types and bare metal', () => {
  const p4d = instanceTypeSpec('p4d.24xlarge');
  assert.ok(p4d);
  assert.equal(p4d.networkCards.length, 4);
  assert.equal(networkCardLimit(p4d, 3), 15);
  assert.equal(networkCardLimit(p4d, 4), undefined);
  assert.equal(totalNetworkInterfaces(p4d), 60);
  const metal = instanceTypeSpec('a1.metal');
  assert.ok(metal);
  assert.equal(metal.bareMetal, true);
  assert.equal(metal.hypervisor, 'unknown');
  assert.equal(supportsPrefixes(metal), true);
});

test('instanceTypeSpec() marks Graviton families arm64 and Xen types without prefixes', () => {
  for (const type of ['m6g.large', 'c7gn.large', 't4g.micro', 'a1.large', 'is4gen.large']) {
    assert.equal(instanceTypeSpec(type)?.architecture, 'arm64', type);
  }
  for (const type of ['m5.large', 'g4dn.xlarge', 'c6in.large', 'm7i-flex.large']) {
    assert.equal(instanceTypeSpec(type)?.architecture, 'x86_64', type);
  }
  const m4 = instanceTypeSpec('m4.large');
  assert.ok(m4);
  assert.equal(supportsPrefixes(m4), false);
  assert.equal(instanceTypeSpec('m1.small')?.currentGeneration, false);
  assert.equal(instanceTypeSpec('m5.large')?.currentGeneration, true);
});

test('allInstanceTypes() lists every type of the limits table, sorted', () => {
  const types = allInstanceTypes().map((spec) => spec.instanceType);
  assert.equal(types.length, 1391);
  assert.deepEqual(types, [...types].sort());
  assert.equal(MAX_ADDRESSES_PER_ENI, Math.max(...allInstanceTypes().map((spec) => spec.ipv4Limit)));
});

test('requireInstanceType() rejects an unknown type with InvalidParameterValue', () => {
  assert.throws(
    () => requireInstanceType('t3.gigantic'),
    (error: unknown) =>
      error instanceof Ec2ApiError && error.code === 'InvalidParameterValue' && error.message === "Invalid value 't3.gigantic' for InstanceType.",
  );
});
