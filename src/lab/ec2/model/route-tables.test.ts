import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { attachInternetGateway, createInternetGateway, detachInternetGateway } from './internet-gateways.ts';
import { Ec2Model } from './model.ts';
import {
  associateRouteTable,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  describeRouteTables,
  disassociateRouteTable,
  isPublicSubnet,
  routeState,
  routeTableForSubnet,
} from './route-tables.ts';
import type { RouteTable } from './state.ts';
import { createSubnet } from './subnets.ts';
import { associateVpcCidrBlock, createVpc } from './vpcs.ts';

function network(): { model: Ec2Model; vpcId: string; subnetId: string; mainTable: RouteTable; igwId: string } {
  const model = new Ec2Model({ seed: 5 });
  const vpcId = createVpc(model, { cidrBlock: '10.0.0.0/16' }).vpcId;
  associateVpcCidrBlock(model, { vpcId, cidrBlock: '100.64.0.0/16' });
  const subnetId = createSubnet(model, { vpcId, cidrBlock: '10.0.1.0/24' }).subnetId;
  const mainTable = [...model.state.routeTables.values()].find((t) => t.vpcId === vpcId)!;
  const igwId = createInternetGateway(model).internetGatewayId;
  attachInternetGateway(model, { internetGatewayId: igwId, vpcId });
  return { model, vpcId, subnetId, mainTable, igwId };
}

test('createRouteTable() gives a new table a local route for every VPC CIDR and no association', () => {
  const { model, vpcId } = network();
  const table = createRouteTable(model, { vpcId, tags: new Map([['Name', 'private']]) });
  assert.match(table.routeTableId, /^rtb-0[0-9a-f]{16}$/);
  assert.deepEqual(table.routes.map((r) => `${r.destinationCidrBlock}>${r.gatewayId}`), ['10.0.0.0/16>local', '100.64.0.0/16>local']);
  assert.deepEqual(table.associations, []);
  assert.throws(() => createRouteTable(model, { vpcId: 'vpc-0404' }), { code: 'InvalidVpcID.NotFound' });
});

test('associateRouteTable() allows one explicit association per subnet', () => {
  const { model, vpcId, subnetId, mainTable } = network();
  assert.equal(routeTableForSubnet(model, subnetId), mainTable);
  const table = createRouteTable(model, { vpcId });
  const association = associateRouteTable(model, { routeTableId: table.routeTableId, subnetId });
  assert.match(association.associationId, /^rtbassoc-/);
  assert.equal(routeTableForSubnet(model, subnetId), table);
  const other = createRouteTable(model, { vpcId });
  assert.throws(() => associateRouteTable(model, { routeTableId: other.routeTableId, subnetId }), { code: 'Resource.AlreadyAssociated' });
  assert.throws(() => associateRouteTable(model, { routeTableId: table.routeTableId, subnetId }), { code: 'Resource.AlreadyAssociated' });
  assert.throws(() => deleteRouteTable(model, table.routeTableId), { code: 'DependencyViolation' });
  disassociateRouteTable(model, association.associationId);
  assert.equal(routeTableForSubnet(model, subnetId), mainTable);
  deleteRouteTable(model, table.routeTableId);
  assert.equal(model.state.routeTables.has(table.routeTableId), false);
});

test('associateRouteTable() rejects a subnet of another VPC and unknown ids', () => {
  const { model, subnetId, mainTable } = network();
  const otherVpc = createVpc(model, { cidrBlock: '10.1.0.0/16' }).vpcId;
  const foreign = createRouteTable(model, { vpcId: otherVpc });
  assert.throws(() => associateRouteTable(model, { routeTableId: foreign.routeTableId, subnetId }), { code: 'InvalidParameterValue' });
  assert.throws(() => associateRouteTable(model, { routeTableId: 'rtb-0404', subnetId }), {
    code: 'InvalidRouteTableID.NotFound',
    message: "The routeTable ID 'rtb-0404' does not exist",
  });
  assert.throws(() => associateRouteTable(model, { routeTableId: mainTable.routeTableId, subnetId: 'subnet-0404' }), { code: 'InvalidSubnetID.NotFound' });
});

test('createRoute() sends a destination to an attached internet gateway and makes the subnet public', () => {
  const { model, subnetId, mainTable, igwId } = network();
  assert.equal(isPublicSubnet(model, subnetId), false);
  const route = createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId });
  assert.deepEqual(route, { destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId, origin: 'CreateRoute' });
  assert.equal(isPublicSubnet(model, subnetId), true);
  assert.throws(() => createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId }), {
    code: 'RouteAlreadyExists',
    message: 'The route identified by 0.0.0.0/0 already exists.',
  });
  assert.throws(() => createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '10.0.0.0/16', gatewayId: igwId }), {
    code: 'RouteAlreadyExists',
  });
  assert.throws(() => createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '10.0.5.0/24', gatewayId: igwId }), {
    code: 'InvalidParameterValue',
  });
});

test('createRoute() rejects unknown and unattached internet gateways', () => {
  const { model, mainTable } = network();
  assert.throws(() => createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-0404' }), {
    code: 'InvalidInternetGatewayID.NotFound',
  });
  const loose = createInternetGateway(model).internetGatewayId;
  assert.throws(() => createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: loose }), {
    code: 'InvalidParameterValue',
    message: /belong to different networks/,
  });
});

test('routeState() turns a route into a blackhole when its gateway is detached', () => {
  const { model, vpcId, subnetId, mainTable, igwId } = network();
  const route = createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId });
  assert.equal(routeState(model, mainTable, route), 'active');
  detachInternetGateway(model, { internetGatewayId: igwId, vpcId });
  assert.equal(routeState(model, mainTable, route), 'blackhole');
  assert.equal(isPublicSubnet(model, subnetId), false);
});

test('deleteRoute() removes a gateway route but never a local one', () => {
  const { model, mainTable, igwId } = network();
  createRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId });
  deleteRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0' });
  assert.equal(mainTable.routes.length, 2);
  assert.throws(() => deleteRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '0.0.0.0/0' }), { code: 'InvalidRoute.NotFound' });
  assert.throws(() => deleteRoute(model, { routeTableId: mainTable.routeTableId, destinationCidrBlock: '10.0.0.0/16' }), { code: 'InvalidParameterValue' });
  assert.throws(() => deleteRouteTable(model, mainTable.routeTableId), { code: 'DependencyViolation' });
});

test('describeRouteTables() filters by VPC, association and routes', () => {
  const { model, vpcId, subnetId, mainTable, igwId } = network();
  const table = createRouteTable(model, { vpcId, tags: new Map([['Name', 'public']]) });
  associateRouteTable(model, { routeTableId: table.routeTableId, subnetId });
  createRoute(model, { routeTableId: table.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId });
  const ids = (name: string, values: string[]): string[] =>
    describeRouteTables(model, { routeTableIds: [], filters: [{ name, values }] }).map((t) => t.routeTableId);
  assert.deepEqual(ids('vpc-id', [vpcId]), [mainTable.routeTableId, table.routeTableId]);
  assert.deepEqual(ids('association.main', ['true']), [mainTable.routeTableId]);
  assert.deepEqual(ids('association.subnet-id', [subnetId]), [table.routeTableId]);
  assert.deepEqual(ids('route.gateway-id', [igwId]), [table.routeTableId]);
  assert.deepEqual(ids('route.destination-cidr-block', ['0.0.0.0/0']), [table.routeTableId]);
  assert.deepEqual(ids('tag:Name', ['public']), [table.routeTableId]);
  assert.throws(() => ids('route.colour', ['x']), { code: 'InvalidParameterValue' });
  assert.throws(() => describeRouteTables(model, { routeTableIds: ['rtb-0404'], filters: [] }), { code: 'InvalidRouteTableID.NotFound' });
});
