import assert from 'node:assert/strict';
import { test } from 'node:test';
import { architectureOf } from './identity-document.ts';
import { instanceMetadata, privateHostname, publicHostname } from './metadata-tree.ts';
import { MetadataView } from './metadata-view.ts';
import { SG_2_ID, SUBNET_2_ID, addInstance, attachEni, fixtureModel, standardNode } from './test-fixtures.ts';

const MAC1 = '02:00:00:00:00:01';
const MACS = 'meta-data/network/interfaces/macs/';

function nodeWithTwoEnis(secondStatus: 'attaching' | 'attached' | 'detaching' = 'attached'): {
  view: MetadataView;
  leaves: Map<string, string>;
} {
  const model = fixtureModel();
  const instance = standardNode(model);
  attachEni(model, instance.instanceId, {
    eniId: 'eni-00000000000000002',
    mac: '02:00:00:00:00:02',
    ips: ['100.64.0.20', '100.64.0.21'],
    prefixes: ['100.64.1.0/28', '100.64.1.16/28'],
    deviceIndex: 1,
    status: secondStatus,
    subnetId: SUBNET_2_ID,
    groupIds: [SG_2_ID],
  });
  const leaves = instanceMetadata(model, instance.instanceId);
  return { view: new MetadataView(leaves), leaves };
}

test('instanceMetadata() serves the instance-level leaves of the primary ENI', () => {
  const { leaves } = nodeWithTwoEnis();
  assert.equal(leaves.get('meta-data/instance-id'), 'i-0123456789abcdef0');
  assert.equal(leaves.get('meta-data/instance-type'), 'm5.large');
  assert.equal(leaves.get('meta-data/ami-id'), 'ami-0123456789abcdef0');
  assert.equal(leaves.get('meta-data/local-ipv4'), '10.0.1.10');
  assert.equal(leaves.get('meta-data/local-hostname'), 'ip-10-0-1-10.us-west-2.compute.internal');
  assert.equal(leaves.get('meta-data/hostname'), 'ip-10-0-1-10.us-west-2.compute.internal');
  assert.equal(leaves.get('meta-data/mac'), MAC1);
  assert.equal(leaves.get('meta-data/public-ipv4'), '198.51.100.7');
  assert.equal(leaves.get('meta-data/placement/availability-zone'), 'us-west-2a');
  assert.equal(leaves.get('meta-data/placement/availability-zone-id'), 'usw2-az1');
  assert.equal(leaves.get('meta-data/placement/region'), 'us-west-2');
  assert.equal(leaves.get('meta-data/security-groups'), 'nodes\npods');
});

test('instanceMetadata() serves every per-MAC field of an attached ENI', () => {
  const { leaves } = nodeWithTwoEnis();
  const mac2 = `${MACS}02:00:00:00:00:02/`;
  assert.equal(leaves.get(`${mac2}device-number`), '1');
  assert.equal(leaves.get(`${mac2}network-card`), '0');
  assert.equal(leaves.get(`${mac2}interface-id`), 'eni-00000000000000002');
  assert.equal(leaves.get(`${mac2}mac`), '02:00:00:00:00:02');
  assert.equal(leaves.get(`${mac2}owner-id`), '111122223333');
  assert.equal(leaves.get(`${mac2}subnet-id`), SUBNET_2_ID);
  assert.equal(leaves.get(`${mac2}vpc-id`), 'vpc-0aaaaaaaaaaaaaaa1');
  assert.equal(leaves.get(`${mac2}security-group-ids`), SG_2_ID);
  assert.equal(leaves.get(`${mac2}security-groups`), 'pods');
  assert.equal(leaves.get(`${mac2}local-ipv4s`), '100.64.0.20\n100.64.0.21');
  assert.equal(leaves.get(`${mac2}ipv4-prefix`), '100.64.1.0/28\n100.64.1.16/28');
  assert.equal(leaves.get(`${mac2}subnet-ipv4-cidr-block`), '100.64.0.0/20');
  assert.equal(leaves.get(`${mac2}vpc-ipv4-cidr-block`), '10.0.0.0/16');
  assert.equal(leaves.get(`${mac2}vpc-ipv4-cidr-blocks`), '10.0.0.0/16\n100.64.0.0/16');
  assert.equal(leaves.get(`${mac2}local-hostname`), 'ip-100-64-0-20.us-west-2.compute.internal');
  assert.equal(leaves.get(`${mac2}public-ipv4s`), undefined, 'only the primary ENI carries the public IP');
  assert.equal(leaves.get(`${MACS}${MAC1}/public-ipv4s`), '198.51.100.7');
  assert.equal(leaves.get(`${MACS}${MAC1}/security-group-ids`), 'sg-0aaaaaaaaaaaaaaa1\nsg-0aaaaaaaaaaaaaaa2');
});

test('instanceMetadata() lists local-ipv4s primary first and omits ipv4-prefix when there is none', () => {
  const model = fixtureModel();
  const instance = standardNode(model);
  const eni = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId)!;
  eni.privateIps.reverse();
  const leaves = instanceMetadata(model, instance.instanceId);
  assert.equal(leaves.get(`${MACS}${MAC1}/local-ipv4s`), '10.0.1.10\n10.0.1.12\n10.0.1.11');
  assert.equal(new MetadataView(leaves).lookup(`${MACS}${MAC1}/ipv4-prefix`), undefined);
});

test('instanceMetadata() hides an ENI while attaching and shows it attached or detaching', () => {
  const macPath = `${MACS}02:00:00:00:00:02/mac`;
  assert.equal(nodeWithTwoEnis('attaching').leaves.get(macPath), undefined);
  assert.equal(nodeWithTwoEnis('attaching').view.lookup('meta-data/network/interfaces/macs'), `${MAC1}/`);
  assert.equal(nodeWithTwoEnis('attached').leaves.get(macPath), '02:00:00:00:00:02');
  assert.equal(nodeWithTwoEnis('detaching').leaves.get(macPath), '02:00:00:00:00:02');
});

test('instanceMetadata() serves network-card for ENIs on other cards', () => {
  const model = fixtureModel();
  const instance = standardNode(model);
  attachEni(model, instance.instanceId, {
    eniId: 'eni-0000000000000000c',
    mac: '02:00:00:00:00:0c',
    ips: ['10.0.1.50'],
    deviceIndex: 0,
    networkCardIndex: 1,
  });
  const leaves = instanceMetadata(model, instance.instanceId);
  assert.equal(leaves.get(`${MACS}02:00:00:00:00:0c/network-card`), '1');
  assert.equal(leaves.get(`${MACS}02:00:00:00:00:0c/device-number`), '0');
  assert.equal(leaves.get('meta-data/mac'), MAC1, 'the primary ENI stays the one of card 0');
});

test('instanceMetadata() is empty for terminated and unknown instances', () => {
  const model = fixtureModel();
  const instance = standardNode(model);
  assert.ok(instanceMetadata(model, instance.instanceId).size > 0);
  instance.state = 'terminated';
  assert.equal(instanceMetadata(model, instance.instanceId).size, 0);
  assert.equal(instanceMetadata(model, 'i-00000000000000000').size, 0);
});

test('instanceMetadata() does not show another instance\'s ENIs', () => {
  const model = fixtureModel();
  standardNode(model);
  addInstance(model, { instanceId: 'i-0000000000000000b', eniId: 'eni-0000000000000000b', mac: '02:00:00:00:00:0b', ips: ['10.0.1.99'] });
  const view = new MetadataView(instanceMetadata(model, 'i-0000000000000000b'));
  assert.equal(view.lookup('meta-data/network/interfaces/macs/'), '02:00:00:00:00:0b/');
  assert.equal(view.lookup('meta-data/public-ipv4'), undefined);
});

test('instanceMetadata() writes the identity document as EC2 does', () => {
  const { leaves } = nodeWithTwoEnis();
  const text = leaves.get('dynamic/instance-identity/document') ?? '';
  assert.match(text, /^\{\n {2}"accountId" : "111122223333",\n/);
  assert.deepEqual(JSON.parse(text), {
    accountId: '111122223333',
    architecture: 'x86_64',
    availabilityZone: 'us-west-2a',
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: 'ami-0123456789abcdef0',
    instanceId: 'i-0123456789abcdef0',
    instanceType: 'm5.large',
    kernelId: null,
    pendingTime: '2026-01-15T11:59:30Z',
    privateIp: '10.0.1.10',
    ramdiskId: null,
    region: 'us-west-2',
    version: '2017-09-30',
  });
});

test('MetadataView.lookup() lists directories with and without a trailing slash', () => {
  const { view } = nodeWithTwoEnis();
  assert.equal(view.lookup(''), 'dynamic\nmeta-data');
  const macs = '02:00:00:00:00:01/\n02:00:00:00:00:02/';
  assert.equal(view.lookup('meta-data/network/interfaces/macs'), macs);
  assert.equal(view.lookup('meta-data/network/interfaces/macs/'), macs);
  assert.equal(view.lookup('meta-data/network/'), 'interfaces/');
  assert.equal(view.lookup('dynamic/'), 'instance-identity/');
  assert.equal(view.lookup('meta-data/placement'), 'availability-zone\navailability-zone-id\nregion');
  const fields = view.lookup(`${MACS}02:00:00:00:00:02/`)?.split('\n') ?? [];
  assert.ok(fields.includes('ipv4-prefix') && fields.includes('local-ipv4s') && fields.includes('network-card'));
  const topLevel = view.lookup('meta-data/')?.split('\n') ?? [];
  assert.ok(topLevel.includes('network/') && topLevel.includes('placement/') && topLevel.includes('mac'));
  assert.deepEqual([...topLevel].sort(), topLevel, 'listings are sorted');
  assert.equal(view.lookup('meta-data/nope'), undefined);
  assert.equal(view.lookup('meta-data/mac/'), MAC1, 'a leaf with a trailing slash is still the leaf');
});

test('privateHostname() and publicHostname() follow the us-east-1 exception', () => {
  assert.equal(privateHostname('us-east-1', '10.0.0.5'), 'ip-10-0-0-5.ec2.internal');
  assert.equal(privateHostname('eu-west-1', '10.0.0.5'), 'ip-10-0-0-5.eu-west-1.compute.internal');
  assert.equal(publicHostname('us-east-1', '3.4.5.6'), 'ec2-3-4-5-6.compute-1.amazonaws.com');
  assert.equal(publicHostname('us-west-2', '3.4.5.6'), 'ec2-3-4-5-6.us-west-2.compute.amazonaws.com');
});

test('architectureOf() tells Graviton families from x86 ones', () => {
  for (const type of ['a1.medium', 'm6g.large', 'c7gn.16xlarge', 'r6gd.xlarge', 't4g.nano', 'g5g.xlarge', 'im4gn.large']) {
    assert.equal(architectureOf(type), 'arm64', type);
  }
  for (const type of ['m5.large', 'g4dn.xlarge', 'p4d.24xlarge', 'u-12tb1.metal', 'inf2.48xlarge', 'c6in.large']) {
    assert.equal(architectureOf(type), 'x86_64', type);
  }
});
