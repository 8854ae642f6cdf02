import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createInternetGateway } from './internet-gateways.ts';
import { Ec2Model } from './model.ts';
import type { ModelEvent } from './model.ts';
import { createSubnet } from './subnets.ts';
import {
  applyTagSpecifications,
  assertTagSpecificationTypes,
  createTags,
  deleteTags,
  describeTags,
  MAX_TAGS_PER_RESOURCE,
  resourceNotFound,
  tagSpecificationsFor,
  taggedResource,
} from './tags.ts';
import type { Tags } from './state.ts';
import { createVpc } from './vpcs.ts';

function network(): { model: Ec2Model; vpcId: string; subnetId: string; events: ModelEvent[] } {
  const model = new Ec2Model({ seed: 17 });
  const vpcId = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  const subnetId = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24' }).subnetId;
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  return { model, vpcId, subnetId, events };
}

test('createTags() tags several resources at once and announces each change', () => {
  const { model, vpcId, subnetId, events } = network();
  createTags(model, { resourceIds: [vpcId, subnetId], tags: [{ key: 'Name', value: 'lab' }, { key: 'env', value: '' }] });
  assert.deepEqual([...taggedResource(model, vpcId).tags], [['Name', 'lab'], ['env', '']]);
  assert.equal(taggedResource(model, subnetId).resourceType, 'subnet');
  assert.deepEqual(events, [{ type: 'vpc-changed', vpcId }, { type: 'subnet-changed', subnetId }]);
  createTags(model, { resourceIds: [vpcId], tags: [{ key: 'Name', value: 'renamed' }] });
  assert.equal(model.state.vpcs.get(vpcId)?.tags.get('Name'), 'renamed');
});

test('createTags() answers an unknown id with the resource type NotFound code and changes nothing', () => {
  const { model, vpcId } = network();
  const attempt = (id: string): void => createTags(model, { resourceIds: [vpcId, id], tags: [{ key: 'k', value: 'v' }] });
  assert.throws(() => attempt('eni-0404'), { code: 'InvalidNetworkInterfaceID.NotFound', message: "The networkInterface ID 'eni-0404' does not exist" });
  assert.throws(() => attempt('i-0404'), { code: 'InvalidInstanceID.NotFound' });
  assert.throws(() => attempt('sg-0404'), { code: 'InvalidGroup.NotFound' });
  assert.throws(() => attempt('rtb-0404'), { code: 'InvalidRouteTableID.NotFound' });
  assert.throws(() => attempt('igw-0404'), { code: 'InvalidInternetGatewayID.NotFound' });
  assert.throws(() => attempt('subnet-0404'), { code: 'InvalidSubnetID.NotFound' });
  assert.throws(() => attempt('ami-0404'), { code: 'InvalidID' });
  assert.equal(model.state.vpcs.get(vpcId)?.tags.size, 0);
});

test('createTags() enforces 50 tags per resource with TagLimitExceeded and reserves aws: keys', () => {
  const { model, vpcId } = network();
  const many = Array.from({ length: MAX_TAGS_PER_RESOURCE }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  createTags(model, { resourceIds: [vpcId], tags: many });
  createTags(model, { resourceIds: [vpcId], tags: [{ key: 'k0', value: 'overwritten' }] });
  assert.throws(() => createTags(model, { resourceIds: [vpcId], tags: [{ key: 'one-more', value: 'v' }] }), { code: 'TagLimitExceeded' });
  assert.throws(() => createTags(model, { resourceIds: [vpcId], tags: [{ key: 'aws:cloudformation', value: 'v' }] }), {
    code: 'InvalidParameterValue',
    message: /reserved/,
  });
  assert.throws(() => createTags(model, { resourceIds: [vpcId], tags: [{ key: 'x'.repeat(129), value: 'v' }] }), { code: 'InvalidParameterValue' });
  assert.equal(model.state.vpcs.get(vpcId)?.tags.size, MAX_TAGS_PER_RESOURCE);
});

test('deleteTags() removes keys, only matching values, or every tag', () => {
  const { model, vpcId } = network();
  createTags(model, { resourceIds: [vpcId], tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }] });
  deleteTags(model, { resourceIds: [vpcId], tags: [{ key: 'a' }, { key: 'b', value: 'not-2' }] });
  assert.deepEqual([...(model.state.vpcs.get(vpcId)?.tags.keys() ?? [])], ['b', 'c']);
  deleteTags(model, { resourceIds: [vpcId], tags: [{ key: 'b', value: '2' }] });
  deleteTags(model, { resourceIds: [vpcId], tags: [] });
  assert.equal(model.state.vpcs.get(vpcId)?.tags.size, 0);
  assert.throws(() => deleteTags(model, { resourceIds: ['vpc-0404'], tags: [] }), { code: 'InvalidVpcID.NotFound' });
});

test('describeTags() lists tags of every resource type and filters them', () => {
  const { model, vpcId, subnetId } = network();
  const igw = createInternetGateway(model).internetGatewayId;
  createTags(model, { resourceIds: [vpcId, subnetId, igw], tags: [{ key: 'Name', value: 'lab' }] });
  createTags(model, { resourceIds: [subnetId], tags: [{ key: 'tier', value: 'public' }] });
  const rows = describeTags(model, []);
  assert.equal(rows.length, 4);
  assert.deepEqual(
    describeTags(model, [{ name: 'resource-type', values: ['subnet'] }]).map((r) => [r.resourceId, r.key, r.value]),
    [[subnetId, 'Name', 'lab'], [subnetId, 'tier', 'public']],
  );
  assert.deepEqual(describeTags(model, [{ name: 'resource-id', values: [igw] }]).map((r) => r.resourceType), ['internet-gateway']);
  assert.deepEqual(describeTags(model, [{ name: 'key', values: ['tier'] }, { name: 'value', values: ['pub*'] }]).length, 1);
  assert.throws(() => describeTags(model, [{ name: 'colour', values: ['x'] }]), { code: 'InvalidParameterValue' });
});

test('applyTagSpecifications() takes the specs of its resource type and rejects other types', () => {
  const model = new Ec2Model();
  const tags: Tags = new Map();
  applyTagSpecifications(model, 'vpc', tags, [{ resourceType: 'vpc', tags: [{ key: 'Name', value: 'x' }] }]);
  assert.deepEqual([...tags], [['Name', 'x']]);
  assert.throws(() => applyTagSpecifications(model, 'vpc', new Map(), [{ resourceType: 'subnet', tags: [] }]), {
    code: 'InvalidParameterValue',
    message: "'subnet' is not a valid taggable resource type for this operation.",
  });
  assert.throws(() => applyTagSpecifications(model, 'vpc', new Map(), [{ resourceType: 'vpc', tags: [{ key: 'aws:x', value: '' }] }]), {
    code: 'InvalidParameterValue',
  });
});

test('tagSpecificationsFor() and assertTagSpecificationTypes() serve actions that tag several types', () => {
  const specs = [
    { resourceType: 'instance', tags: [{ key: 'a', value: '1' }] },
    { resourceType: 'network-interface', tags: [{ key: 'b', value: '2' }] },
  ];
  assertTagSpecificationTypes(specs, ['instance', 'network-interface']);
  assert.throws(() => assertTagSpecificationTypes(specs, ['instance']), { code: 'InvalidParameterValue' });
  assert.deepEqual(tagSpecificationsFor(specs, 'network-interface'), [specs[1]]);
  assert.equal(resourceNotFound('network-interface', 'eni-1').code, 'InvalidNetworkInterfaceID.NotFound');
});
