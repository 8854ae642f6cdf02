import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetadataTimeline } from './timeline.ts';
import { FakeClock, VPC_ID, attachEni, detachEni, fixtureModel, standardNode } from './test-fixtures.ts';

const LAG_MS = 1000;
const MACS = 'meta-data/network/interfaces/macs/';
const MAC2 = '02:00:00:00:00:02';

function setup(lagMs = LAG_MS): {
  clock: FakeClock;
  model: ReturnType<typeof fixtureModel>;
  timeline: MetadataTimeline;
  instanceId: string;
} {
  const clock = new FakeClock();
  const model = fixtureModel(clock, lagMs);
  const { instanceId } = standardNode(model);
  const timeline = new MetadataTimeline(model);
  return { clock, model, timeline, instanceId };
}

function attachSecond(setupResult: ReturnType<typeof setup>): void {
  attachEni(setupResult.model, setupResult.instanceId, { eniId: 'eni-00000000000000002', mac: MAC2, ips: ['10.0.1.20'] });
  setupResult.model.emit({ type: 'eni-changed', networkInterfaceId: 'eni-00000000000000002' });
}

test('MetadataTimeline.read() shows a newly attached ENI only after lagMs', () => {
  const s = setup();
  s.clock.advance(5000);
  attachSecond(s);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), undefined);
  s.clock.advance(LAG_MS - 1);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), undefined);
  s.clock.advance(1);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), MAC2);
  s.timeline.close();
});

test('MetadataTimeline.read() keeps a detached ENI visible for lagMs', () => {
  const s = setup();
  attachSecond(s);
  s.clock.advance(5000);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/device-number`), '1');
  detachEni(s.model, 'eni-00000000000000002');
  s.model.emit({ type: 'eni-changed', networkInterfaceId: 'eni-00000000000000002' });
  s.clock.advance(LAG_MS - 1);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/device-number`), '1');
  s.clock.advance(1);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/device-number`), undefined);
  s.timeline.close();
});

test('MetadataTimeline.read() refreshes the old instance when its ENI is deleted', () => {
  const s = setup();
  attachSecond(s);
  s.clock.advance(5000);
  s.model.state.networkInterfaces.delete('eni-00000000000000002');
  s.model.emit({ type: 'eni-deleted', networkInterfaceId: 'eni-00000000000000002' });
  s.clock.advance(LAG_MS);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), undefined);
  s.timeline.close();
});

test('MetadataTimeline.read() shows new secondary IPs and prefixes only after lagMs', () => {
  const s = setup();
  s.clock.advance(5000);
  const eni = s.model.state.networkInterfaces.get('eni-00000000000000001')!;
  eni.privateIps.push({ address: '10.0.1.13', primary: false });
  eni.ipv4Prefixes.push('10.0.1.64/28');
  s.model.emit({ type: 'eni-changed', networkInterfaceId: 'eni-00000000000000001' });
  const path = `${MACS}02:00:00:00:00:01/`;
  assert.equal(s.timeline.read(s.instanceId).lookup(`${path}local-ipv4s`), '10.0.1.10\n10.0.1.11\n10.0.1.12');
  assert.equal(s.timeline.read(s.instanceId).lookup(`${path}ipv4-prefix`), undefined);
  s.clock.advance(LAG_MS);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${path}local-ipv4s`), '10.0.1.10\n10.0.1.11\n10.0.1.12\n10.0.1.13');
  assert.equal(s.timeline.read(s.instanceId).lookup(`${path}ipv4-prefix`), '10.0.1.64/28');
  s.timeline.close();
});

test('MetadataTimeline.read() gives a booting instance its launch-time metadata at once', () => {
  const clock = new FakeClock();
  const model = fixtureModel(clock, LAG_MS);
  const timeline = new MetadataTimeline(model);
  const { instanceId } = standardNode(model);
  model.emit({ type: 'instance-changed', instanceId });
  assert.equal(timeline.read(instanceId).lookup('meta-data/instance-id'), instanceId);
  timeline.close();
});

test('MetadataTimeline.read() serves a terminated instance until lagMs has passed', () => {
  const s = setup();
  s.clock.advance(5000);
  s.model.state.instances.get(s.instanceId)!.state = 'terminated';
  s.model.emit({ type: 'instance-changed', instanceId: s.instanceId });
  assert.equal(s.timeline.read(s.instanceId).isEmpty, false);
  s.clock.advance(LAG_MS);
  assert.equal(s.timeline.read(s.instanceId).isEmpty, true);
  s.timeline.close();
});

test('MetadataTimeline.read() follows VPC CIDR associations with the lag', () => {
  const s = setup();
  s.clock.advance(5000);
  s.model.state.vpcs.get(VPC_ID)!.cidrBlocks.push({ associationId: 'a3', cidrBlock: '100.65.0.0/16', state: 'associated' });
  s.model.emit({ type: 'vpc-changed', vpcId: VPC_ID });
  const path = `${MACS}02:00:00:00:00:01/vpc-ipv4-cidr-blocks`;
  assert.equal(s.timeline.read(s.instanceId).lookup(path), '10.0.0.0/16\n100.64.0.0/16');
  s.clock.advance(LAG_MS);
  assert.equal(s.timeline.read(s.instanceId).lookup(path), '10.0.0.0/16\n100.64.0.0/16\n100.65.0.0/16');
  s.timeline.close();
});

test('MetadataTimeline keeps its history bounded', () => {
  const s = setup();
  const eni = s.model.state.networkInterfaces.get('eni-00000000000000001')!;
  for (let i = 0; i < 100; i++) {
    s.clock.advance(300);
    eni.privateIps.push({ address: `10.0.2.${i}`, primary: false });
    s.model.emit({ type: 'eni-changed', networkInterfaceId: 'eni-00000000000000001' });
  }
  // Snapshots newer than the lag window (3 of them) plus the one current at the window's start.
  assert.ok(s.timeline.snapshotCount(s.instanceId) <= 5, `kept ${s.timeline.snapshotCount(s.instanceId)}`);
  const ips = s.timeline.read(s.instanceId).lookup(`${MACS}02:00:00:00:00:01/local-ipv4s`)?.split('\n') ?? [];
  assert.equal(ips.at(-1), '10.0.2.95', 'the newest snapshot at least 1 s old (taken 1.2 s ago)');
  s.timeline.close();
});

test('MetadataTimeline with lagMs 0 is a live view', () => {
  const s = setup(0);
  attachEni(s.model, s.instanceId, { eniId: 'eni-00000000000000002', mac: MAC2, ips: ['10.0.1.20'] });
  assert.equal(s.timeline.lagMs, 0);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), MAC2);
  s.timeline.close();
});

test('MetadataTimeline.close() stops following the model', () => {
  const s = setup();
  s.timeline.close();
  s.clock.advance(5000);
  attachSecond(s);
  s.clock.advance(LAG_MS);
  assert.equal(s.timeline.read(s.instanceId).lookup(`${MACS}${MAC2}/mac`), undefined);
});
