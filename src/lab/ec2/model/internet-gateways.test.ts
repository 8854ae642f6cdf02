import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  attachInternetGateway,
  createInternetGateway,
  deleteInternetGateway,
  describeInternetGateways,
  detachInternetGateway,
} from './internet-gateways.ts';
import { Ec2Model } from './model.ts';
import type { ModelEvent } from './model.ts';
import { createVpc } from './vpcs.ts';

test('createInternetGateway() makes a detached gateway and announces it', () => {
  const model = new Ec2Model();
  const events: ModelEvent[] = [];
  model.subscribe((event) => events.push(event));
  const igw = createInternetGateway(model, { tags: new Map([['Name', 'gw']]) });
  assert.match(igw.internetGatewayId, /^igw-0[0-9a-f]{16}$/);
  assert.equal(igw.vpcId, undefined);
  assert.deepEqual(events, [{ type: 'internet-gateway-changed', internetGatewayId: igw.internetGatewayId }]);
});

test('attachInternetGateway() allows one VPC per gateway and one gateway per VPC', () => {
  const model = new Ec2Model();
  const vpcA = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  const vpcB = createVpc(model, { cidrBlock: '10.1.0.0/16' }).vpcId;
  const first = createInternetGateway(model).internetGatewayId;
  const second = createInternetGateway(model).internetGatewayId;
  attachInternetGateway(model, { internetGatewayId: first, vpcId: vpcA });
  assert.throws(() => attachInternetGateway(model, { internetGatewayId: first, vpcId: vpcB }), { code: 'Resource.AlreadyAssociated' });
  assert.throws(() => attachInternetGateway(model, { internetGatewayId: second, vpcId: vpcA }), { code: 'Resource.AlreadyAssociated' });
  assert.throws(() => attachInternetGateway(model, { internetGatewayId: second, vpcId: 'vpc-0404' }), { code: 'InvalidVpcID.NotFound' });
  assert.throws(() => attachInternetGateway(model, { internetGatewayId: 'igw-0404', vpcId: vpcB }), {
    code: 'InvalidInternetGatewayID.NotFound',
    message: "The internetGateway ID 'igw-0404' does not exist",
  });
  attachInternetGateway(model, { internetGatewayId: second, vpcId: vpcB });
  assert.equal(model.state.internetGateways.get(second)?.vpcId, vpcB);
});

test('detachInternetGateway() and deleteInternetGateway() follow the attachment', () => {
  const model = new Ec2Model();
  const vpcId = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  const igw = createInternetGateway(model).internetGatewayId;
  assert.throws(() => detachInternetGateway(model, { internetGatewayId: igw, vpcId }), { code: 'Gateway.NotAttached' });
  attachInternetGateway(model, { internetGatewayId: igw, vpcId });
  assert.throws(() => deleteInternetGateway(model, igw), { code: 'DependencyViolation' });
  detachInternetGateway(model, { internetGatewayId: igw, vpcId });
  deleteInternetGateway(model, igw);
  assert.equal(model.state.internetGateways.size, 0);
});

test('describeInternetGateways() filters by attachment and tags', () => {
  const model = new Ec2Model();
  const vpcId = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  const attached = createInternetGateway(model, { tags: new Map([['Name', 'main']]) }).internetGatewayId;
  const loose = createInternetGateway(model).internetGatewayId;
  attachInternetGateway(model, { internetGatewayId: attached, vpcId });
  const ids = (name: string, values: string[]): string[] =>
    describeInternetGateways(model, { internetGatewayIds: [], filters: [{ name, values }] }).map((g) => g.internetGatewayId);
  assert.deepEqual(ids('attachment.vpc-id', [vpcId]), [attached]);
  assert.deepEqual(ids('attachment.state', ['available']), [attached]);
  assert.deepEqual(ids('internet-gateway-id', [loose]), [loose]);
  assert.deepEqual(ids('tag:Name', ['main']), [attached]);
  assert.throws(() => ids('bogus', ['x']), { code: 'InvalidParameterValue' });
  assert.throws(() => describeInternetGateways(model, { internetGatewayIds: ['igw-0404'], filters: [] }), { code: 'InvalidInternetGatewayID.NotFound' });
});
