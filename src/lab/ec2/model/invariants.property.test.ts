import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatIpv4, parseCidr } from '../../../core/ip/index.ts';
import { Ec2ApiError } from '../errors.ts';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from './eni-addresses.ts';
import { attachNetworkInterface, detachNetworkInterface } from './eni-attachments.ts';
import { runInstances, terminateInstances } from './instances.ts';
import { checkInvariants } from './invariants.ts';
import type { Ec2Model } from './model.ts';
import { modifyNetworkInterfaceAttribute } from './network-interface-attributes.ts';
import { createNetworkInterface, deleteNetworkInterface } from './network-interfaces.ts';
import type { NetworkInterface, Subnet } from './state.ts';
import { addSecurityGroup, addSubnet, manualScheduler, modelWithSubnet, SLOW_LATENCY } from './test-fixtures.ts';

/** The world an operation runs in: the model, its subnets, and a way to run scheduled completions. */
interface World {
  readonly model: Ec2Model;
  readonly subnets: Subnet[];
  readonly runOne: () => boolean;
}

type Operation = (world: World) => void;

const TYPES = ['t3.medium', 't2.micro', 'm4.large', 'c5.large', 'p4d.24xlarge', 'a1.metal'];

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function enis(world: World): NetworkInterface[] {
  return [...world.model.state.networkInterfaces.values()];
}

/** An address near the start of a subnet: often valid, sometimes reserved or outside it. */
function addressIn(subnet: Subnet | undefined, offset: number): string {
  return formatIpv4(parseCidr(subnet?.cidrBlock ?? '10.0.0.0/24').network + offset);
}

const ref = fc.nat(50);
const address = fc.record({ subnet: ref, offset: fc.integer({ min: 0, max: 140 }) });
const prefixText = fc.record({ subnet: ref, block: fc.nat(8), misaligned: fc.boolean() });

interface Step {
  readonly name: string;
  readonly run: Operation;
}

const runOp: fc.Arbitrary<Step> = fc.record({
    subnet: ref,
    type: fc.oneof({ arbitrary: fc.constantFrom(...TYPES), weight: 9 }, { arbitrary: fc.constant('x1.bogus'), weight: 1 }),
    min: fc.integer({ min: 0, max: 3 }),
    extra: fc.nat(3),
    ip: fc.option(address, { freq: 2, nil: null }),
    badGroup: fc.nat(9).map((n) => n === 0),
  }).map((o) => ({
    name: `run ${JSON.stringify(o)}`,
    run: (w: World) => {
      const subnet = pick(w.subnets, o.subnet);
      runInstances(w.model, {
        imageId: 'ami-1',
        instanceType: o.type,
        minCount: o.min,
        maxCount: o.min + o.extra,
        subnetId: subnet?.subnetId ?? 'subnet-none',
        ...(o.ip === null || o.ip.offset % 3 !== 0 ? {} : { privateIpAddress: addressIn(pick(w.subnets, o.ip.subnet), o.ip.offset) }),
        ...(o.badGroup ? { groupIds: ['sg-bogus'] } : {}),
      });
    },
  }));

const terminateOp: fc.Arbitrary<Step> = fc.record({ instance: ref }).map((o) => ({
    name: `terminate ${o.instance}`,
    run: (w: World) => void terminateInstances(w.model, [pick([...w.model.state.instances.keys()], o.instance) ?? 'i-bogus']),
  }));

const createOp: fc.Arbitrary<Step> = fc.record({ subnet: ref, kind: fc.nat(5), n: fc.nat(8), primary: fc.option(address, { freq: 4, nil: null }), prefix: prefixText }).map((o) => ({
    name: `create ${JSON.stringify(o)}`,
    run: (w: World) => {
      const subnet = pick(w.subnets, o.subnet);
      const addresses = [
        {},
        { secondaryPrivateIpAddressCount: o.n },
        { ipv4PrefixCount: o.n % 4 },
        { ipv4Prefixes: [prefixOf(subnet, o.prefix)] },
        { privateIpAddresses: [addressIn(subnet, o.n * 7)] },
        { secondaryPrivateIpAddressCount: o.n, ipv4PrefixCount: 1 },
      ];
      createNetworkInterface(w.model, {
        subnetId: subnet?.subnetId ?? 'subnet-none',
        ...addresses[o.kind],
        ...(o.primary === null ? {} : { primaryPrivateIpAddress: addressIn(subnet, o.primary.offset) }),
      });
    },
  }));

const deleteOp: fc.Arbitrary<Step> = fc.record({ eni: ref }).map((o) => ({
    name: `delete ${o.eni}`,
    run: (w: World) => deleteNetworkInterface(w.model, pick(enis(w), o.eni)?.networkInterfaceId ?? 'eni-bogus'),
  }));

const attachOp: fc.Arbitrary<Step> = fc.record({ eni: ref, instance: ref, device: fc.nat(4), card: fc.option(fc.nat(4)), anyTarget: fc.nat(4) }).map((o) => ({
  name: `attach ${JSON.stringify(o)}`,
  run: (w: World) => {
    // Mostly aim at available ENIs and running instances, so that attachments do happen.
    const free = o.anyTarget === 0 ? enis(w) : enis(w).filter((eni) => eni.attachment === undefined);
    const instances = [...w.model.state.instances.values()].filter((i) => o.anyTarget === 0 || i.state === 'running');
    void attachNetworkInterface(w.model, {
      networkInterfaceId: pick(free, o.eni)?.networkInterfaceId ?? 'eni-bogus',
      instanceId: pick(instances, o.instance)?.instanceId ?? 'i-bogus',
      deviceIndex: o.device,
      ...(o.card === null ? {} : { networkCardIndex: o.card }),
    });
  },
}));

const detachOp: fc.Arbitrary<Step> = fc.record({ eni: ref, anyTarget: fc.nat(4) }).map((o) => ({
  name: `detach ${JSON.stringify(o)}`,
  run: (w: World) => {
    const secondary = enis(w).filter((eni) => o.anyTarget === 0 || (eni.attachment !== undefined && eni.attachment.deviceIndex > 0));
    detachNetworkInterface(w.model, { attachmentId: pick(secondary, o.eni)?.attachment?.attachmentId ?? 'eni-attach-bogus' });
  },
}));

const assignOp: fc.Arbitrary<Step> = fc.record({ eni: ref, kind: fc.nat(5), n: fc.integer({ min: 0, max: 20 }), ip: address, prefix: prefixText, reassign: fc.boolean() }).map((o) => ({
    name: `assign ${JSON.stringify(o)}`,
    run: (w: World) => {
      const eni = pick(enis(w), o.eni);
      const subnet = w.model.state.subnets.get(eni?.subnetId ?? '');
      const id = eni?.networkInterfaceId ?? 'eni-bogus';
      const requests = [
        { secondaryPrivateIpAddressCount: o.n },
        { ipv4PrefixCount: o.n % 5 },
        { privateIpAddresses: [addressIn(subnet, o.ip.offset)], allowReassignment: o.reassign },
        { ipv4Prefixes: [prefixOf(subnet, o.prefix)] },
        { secondaryPrivateIpAddressCount: 1, ipv4PrefixCount: 1 },
        {},
      ];
      void assignPrivateIpAddresses(w.model, { networkInterfaceId: id, ...requests[o.kind] });
    },
  }));

const unassignOp: fc.Arbitrary<Step> = fc.record({ eni: ref, which: fc.nat(10), primary: fc.boolean() }).map((o) => ({
    name: `unassign ${JSON.stringify(o)}`,
    run: (w: World) => {
      const eni = pick(enis(w), o.eni);
      const ips = (eni?.privateIps ?? []).filter((ip) => o.primary || !ip.primary).map((ip) => ip.address);
      const prefixes = eni?.ipv4Prefixes ?? [];
      unassignPrivateIpAddresses(w.model, {
        networkInterfaceId: eni?.networkInterfaceId ?? 'eni-bogus',
        privateIpAddresses: ips.slice(0, 1 + (o.which % 2)),
        ipv4Prefixes: prefixes.slice(0, o.which % 2),
      });
    },
  }));

const modifyOp: fc.Arbitrary<Step> = fc.record({ eni: ref, kind: fc.nat(3), flag: fc.boolean() }).map((o) => ({
    name: `modify ${JSON.stringify(o)}`,
    run: (w: World) => {
      const eni = pick(enis(w), o.eni);
      const id = eni?.networkInterfaceId ?? 'eni-bogus';
      const changes = [
        { kind: 'attachment', attachmentId: eni?.attachment?.attachmentId ?? 'eni-attach-bogus', deleteOnTermination: o.flag },
        { kind: 'groups', groupIds: o.flag ? ['sg-bogus'] : [...w.model.state.securityGroups.keys()].slice(0, 1) },
        { kind: 'description', description: 'x' },
        { kind: 'source-dest-check', sourceDestCheck: o.flag },
      ] as const;
      modifyNetworkInterfaceAttribute(w.model, id, changes[o.kind] ?? changes[0]);
    },
  }));

const tickOp: fc.Arbitrary<Step> = fc.constant({ name: 'tick', run: (w: World) => void w.runOne() });

const operations: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: runOp, weight: 3 },
  { arbitrary: terminateOp, weight: 1 },
  { arbitrary: createOp, weight: 4 },
  { arbitrary: deleteOp, weight: 1 },
  { arbitrary: attachOp, weight: 4 },
  { arbitrary: detachOp, weight: 2 },
  { arbitrary: assignOp, weight: 4 },
  { arbitrary: unassignOp, weight: 2 },
  { arbitrary: modifyOp, weight: 1 },
  { arbitrary: tickOp, weight: 2 },
);

function prefixOf(subnet: Subnet | undefined, p: { block: number; misaligned: boolean }): string {
  const start = parseCidr(subnet?.cidrBlock ?? '10.0.0.0/24').network + p.block * 16 + (p.misaligned ? 4 : 0);
  return `${formatIpv4(start)}/28`;
}

/** The model's state as comparable text (maps as entry lists). */
function snapshot(model: Ec2Model): string {
  return JSON.stringify(model.state, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value));
}

function newWorld(slow: boolean): World {
  const clock = manualScheduler();
  const { model, vpc, subnet } = modelWithSubnet('10.0.1.0/26', slow ? { scheduler: clock.scheduler, latency: SLOW_LATENCY } : {});
  addSecurityGroup(model, vpc.vpcId, 'pods');
  const zoneB = addSubnet(model, vpc.vpcId, { cidrBlock: '10.0.2.0/27', availabilityZone: 'us-west-2b', mapPublicIpOnLaunch: true });
  const wide = addSubnet(model, vpc.vpcId, { cidrBlock: '10.0.4.0/25' });
  return { model, subnets: [subnet, zoneB, wide], runOne: clock.runOne };
}

function runSequence(slow: boolean, sequence: readonly Step[]): void {
  const world = newWorld(slow);
  for (const [step, operation] of sequence.entries()) {
    const before = snapshot(world.model);
    try {
      operation.run(world);
    } catch (error) {
      assert.ok(error instanceof Ec2ApiError, `step ${step} ${operation.name} threw ${String(error)}`);
      assert.equal(snapshot(world.model), before, `step ${step} ${operation.name} failed with ${error.code} but changed the model`);
    }
    assert.deepEqual(checkInvariants(world.model), [], `after step ${step} ${operation.name}`);
  }
}

test('model operations keep every invariant and fail without side effects (no latency)', () => {
  fc.assert(fc.property(fc.array(operations, { minLength: 1, maxLength: 80, size: 'max' }), (sequence) => runSequence(false, sequence)), { numRuns: 300 });
});

test('model operations keep every invariant while attachments and launches are in flight', () => {
  fc.assert(fc.property(fc.array(operations, { minLength: 1, maxLength: 80, size: 'max' }), (sequence) => runSequence(true, sequence)), { numRuns: 300 });
});
