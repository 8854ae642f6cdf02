/**
 * SdkEc2Api against the EC2 emulator (fast latency): every Ec2Api method, and the ENI flow of the Amazon
 * VPC CNI's ipamd with its exact description and tags. Errors and throttling: sdk-ec2-api-errors.contract.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { SdkEc2Api } from '../../src/adapters/aws/sdk-ec2-api.ts';
import type { Ec2Instance } from '../../src/ports/ec2-api.ts';
import { launch, newNetwork } from './compute-helpers.ts';
import { startTestEmulator } from './harness.ts';
import type { TestEmulator } from './harness.ts';

const CLUSTER = 'lab-cluster';
const INSTANCE_ID_TAG = 'node.k8s.amazonaws.com/instance_id';
const CREATED_AT_TAG = 'node.k8s.amazonaws.com/createdAt';
const CLUSTER_TAG = 'cluster.k8s.amazonaws.com/name';

let emu: TestEmulator;
let api: SdkEc2Api;
let vpcId: string;
let subnetId: string;
let smallSubnetId: string;
const calls: string[] = [];

before(async () => {
  emu = await startTestEmulator();
  ({ vpcId, subnetIds: [subnetId = '', smallSubnetId = ''] } = await newNetwork(emu, '10.40.0.0/16', [{ cidr: '10.40.0.0/20' }, { cidr: '10.40.16.0/28', zone: 'us-west-2b' }]));
  api = new SdkEc2Api({ client: emu.ec2, onCall: (action, outcome) => calls.push(`${action}:${outcome}`) });
});

after(async () => emu.close());

/** The tags ipamd puts on the ENIs it creates (with CLUSTER_NAME set). */
function ipamdTags(instanceId: string): Record<string, string> {
  return {
    [CREATED_AT_TAG]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [INSTANCE_ID_TAG]: instanceId,
    [CLUSTER_TAG]: CLUSTER,
    'eks:eni:owner': 'amazon-vpc-cni',
  };
}

/** ipamd's choice of device index: the lowest one (0..99) no ENI of the instance uses on the card. */
function lowestFreeDeviceIndex(instance: Ec2Instance, networkCardIndex = 0): number {
  const used = new Set(instance.networkInterfaces.filter((eni) => eni.attachment?.networkCardIndex === networkCardIndex).map((eni) => eni.attachment?.deviceIndex));
  for (let index = 0; index < 100; index++) if (!used.has(index)) return index;
  throw new Error('no free device index');
}

test('describeInstance() gives the node with its primary ENI', async () => {
  const instanceId = await launch(emu, subnetId, 't3.medium');
  const instance = await api.describeInstance(instanceId);
  const record = emu.model.state.instances.get(instanceId);
  assert.equal(instance.instanceType, 't3.medium');
  assert.deepEqual([instance.subnetId, instance.vpcId, instance.availabilityZone], [subnetId, vpcId, 'us-west-2a']);
  const [primary] = instance.networkInterfaces;
  assert.equal(instance.networkInterfaces.length, 1);
  assert.equal(primary?.networkInterfaceId, record?.primaryNetworkInterfaceId);
  assert.equal(primary?.attachment?.deviceIndex, 0);
  assert.equal(primary?.attachment?.instanceId, instanceId);
  assert.equal(primary?.privateIps[0]?.address, instance.privateIpAddress);
  assert.equal(primary?.privateIps[0]?.primary, true);
});

test('the ipamd ENI flow: create, attach at the lowest free index, delete-on-termination, fill, unassign, detach, delete', async () => {
  const instanceId = await launch(emu, subnetId, 't3.medium');
  const node = await api.describeInstance(instanceId);
  const groupIds = [...(node.networkInterfaces[0]?.groupIds ?? [])].sort();
  const tags = ipamdTags(instanceId);
  const created = await api.createNetworkInterface({ subnetId, description: `aws-K8S-${instanceId}`, groupIds, secondaryIpCount: 5, tags });
  assert.equal(created.description, `aws-K8S-${instanceId}`);
  assert.deepEqual(created.tags, tags);
  assert.deepEqual(created.groupIds, groupIds);
  assert.equal(created.privateIps.length, 6, 'primary + 5 = the t3.medium limit');
  assert.equal(created.status, 'available');
  const eniId = created.networkInterfaceId;

  const deviceIndex = lowestFreeDeviceIndex(node);
  assert.equal(deviceIndex, 1);
  const attachmentId = await api.attachNetworkInterface({ networkInterfaceId: eniId, instanceId, deviceIndex, networkCardIndex: 0 });
  await api.setDeleteOnTermination(eniId, attachmentId);
  const { found: [attached] } = await api.describeNetworkInterfaces([eniId]);
  assert.equal(attached?.status, 'in-use');
  assert.deepEqual(attached?.attachment, { attachmentId, instanceId, deviceIndex: 1, networkCardIndex: 0, status: 'attached', deleteOnTermination: true });
  assert.equal(lowestFreeDeviceIndex(await api.describeInstance(instanceId)), 2);

  const primaryId = node.networkInterfaces[0]?.networkInterfaceId ?? '';
  const assigned = await api.assignPrivateIps(primaryId, { count: 5 });
  assert.equal(assigned.addresses.length, 5);
  assert.deepEqual(assigned.prefixes, []);
  const release = assigned.addresses.slice(0, 2);
  await api.unassignPrivateIps(primaryId, { addresses: release });
  const { found: [primary] } = await api.describeNetworkInterfaces([primaryId]);
  assert.equal(primary?.privateIps.length, 4);
  assert.ok(release.every((address) => !primary.privateIps.some((ip) => ip.address === address)));

  await api.detachNetworkInterface(attachmentId);
  const { found: [detached] } = await api.describeNetworkInterfaces([eniId]);
  assert.equal(detached?.status, 'available');
  assert.equal(detached?.attachment, undefined);
  await api.deleteNetworkInterface(eniId);
  assert.deepEqual(await api.describeNetworkInterfaces([eniId]), { found: [], missing: [eniId] });
  await api.deleteNetworkInterface(eniId);
  assert.equal(emu.model.state.networkInterfaces.has(eniId), false);
});

test('assignPrivateIps() and unassignPrivateIps() handle /28 prefixes', async () => {
  const created = await api.createNetworkInterface({ subnetId, description: 'prefixes', groupIds: [], prefixCount: 1, tags: {} });
  assert.equal(created.ipv4Prefixes.length, 1);
  const { prefixes } = await api.assignPrivateIps(created.networkInterfaceId, { prefixCount: 2 });
  assert.equal(prefixes.length, 2);
  assert.ok(prefixes.every((prefix) => prefix.endsWith('/28')));
  await api.unassignPrivateIps(created.networkInterfaceId, { prefixes: [created.ipv4Prefixes[0] ?? ''] });
  const { found: [eni] } = await api.describeNetworkInterfaces([created.networkInterfaceId]);
  assert.deepEqual([...(eni?.ipv4Prefixes ?? [])].sort(), [...prefixes].sort());
  await api.deleteNetworkInterface(created.networkInterfaceId);
});

test('describeNetworkInterfaces() drops ids EC2 does not know and returns them in missing', async () => {
  const known = await api.createNetworkInterface({ subnetId, description: 'known', groupIds: [], tags: {} });
  const gone = ['eni-0000000000000dead', 'eni-0000000000000beef'];
  const before = calls.length;
  const result = await api.describeNetworkInterfaces([gone[0] ?? '', known.networkInterfaceId, gone[1] ?? '']);
  assert.deepEqual(result.found.map((eni) => eni.networkInterfaceId), [known.networkInterfaceId]);
  assert.deepEqual(result.missing, gone);
  assert.deepEqual(calls.slice(before), [
    'DescribeNetworkInterfaces:InvalidNetworkInterfaceID.NotFound',
    'DescribeNetworkInterfaces:InvalidNetworkInterfaceID.NotFound',
    'DescribeNetworkInterfaces:ok',
  ]);
  await api.deleteNetworkInterface(known.networkInterfaceId);
});

test("findNetworkInterfaces() pages through ipamd's leaked-ENI filters", async () => {
  const paged = new SdkEc2Api({ client: emu.ec2, pageSize: 5, onCall: (action) => calls.push(`paged:${action}`) });
  const leaked: string[] = [];
  for (let i = 0; i < 12; i++) {
    leaked.push((await api.createNetworkInterface({ subnetId, description: `aws-K8S-i-leak${i}`, groupIds: [], tags: ipamdTags(`i-leak${i}`) })).networkInterfaceId);
  }
  const otherCluster = await api.createNetworkInterface({ subnetId, description: 'aws-K8S-i-x', groupIds: [], tags: { ...ipamdTags('i-x'), [CLUSTER_TAG]: 'other' } });
  const untagged = await api.createNetworkInterface({ subnetId, description: 'aws-K8S-i-y', groupIds: [], tags: {} });
  const before = calls.length;
  const found = await paged.findNetworkInterfaces({
    'tag-key': [INSTANCE_ID_TAG],
    status: ['available'],
    'vpc-id': [vpcId],
    [`tag:${CLUSTER_TAG}`]: [CLUSTER],
  });
  assert.deepEqual(found.map((eni) => eni.networkInterfaceId).sort(), [...leaked].sort());
  assert.equal(calls.slice(before).filter((call) => call === 'paged:DescribeNetworkInterfaces').length, 3, '12 ENIs in pages of 5');
  for (const id of [...leaked, otherCluster.networkInterfaceId, untagged.networkInterfaceId]) await api.deleteNetworkInterface(id);
});

test('createTags() adds tags and setSecurityGroups() replaces the groups', async () => {
  const eni = await api.createNetworkInterface({ subnetId, description: 'tags', groupIds: [], tags: { a: '1' } });
  await api.createTags([eni.networkInterfaceId], { [INSTANCE_ID_TAG]: 'i-1', b: '' });
  const { GroupId: groupId = '' } = await emu.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'pods', Description: 'pods', VpcId: vpcId }));
  await api.setSecurityGroups(eni.networkInterfaceId, [groupId]);
  const { found: [tagged] } = await api.describeNetworkInterfaces([eni.networkInterfaceId]);
  assert.deepEqual(tagged?.tags, { a: '1', [INSTANCE_ID_TAG]: 'i-1', b: '' });
  assert.deepEqual(tagged?.groupIds, [groupId]);
  await api.deleteNetworkInterface(eni.networkInterfaceId);
});

test('describeSubnets() filters by VPC and zone', async () => {
  const all = await api.describeSubnets({ 'vpc-id': [vpcId] });
  assert.deepEqual(all.map((subnet) => subnet.subnetId).sort(), [subnetId, smallSubnetId].sort());
  const [small, ...rest] = await api.describeSubnets({ 'vpc-id': [vpcId], 'availability-zone': ['us-west-2b'] });
  assert.deepEqual(rest, []);
  assert.deepEqual(small, { subnetId: smallSubnetId, vpcId, availabilityZone: 'us-west-2b', cidrBlock: '10.40.16.0/28', availableIpAddressCount: 11, tags: {} });
});

test('describeInstanceType() gives the limits, and undefined for an unknown type', async () => {
  assert.deepEqual(await api.describeInstanceType('t3.medium'), { instanceType: 't3.medium', eniLimit: 3, ipv4Limit: 6, hypervisor: 'nitro', bareMetal: false });
  assert.equal(await api.describeInstanceType('x9.unknown'), undefined);
});
