import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachNetworkInterface } from '../ec2/model/eni-attachments.ts';
import { runInstances, terminateInstances } from '../ec2/model/instances.ts';
import { attachInternetGateway, createInternetGateway } from '../ec2/model/internet-gateways.ts';
import { Ec2Model } from '../ec2/model/model.ts';
import { createNetworkInterface } from '../ec2/model/network-interfaces.ts';
import { createRoute, routeTableForSubnet } from '../ec2/model/route-tables.ts';
import { createSubnet } from '../ec2/model/subnets.ts';
import { createVpc } from '../ec2/model/vpcs.ts';
import { desiredFabric, subnetGateway } from './desired.ts';

function lab() {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  const subnet = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.16.0/20', availabilityZone: 'us-west-2a' });
  const launch = (publicIp: boolean) =>
    runInstances(model, { imageId: 'ami-1', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: subnet.subnetId, associatePublicIpAddress: publicIp })
      .instances[0];
  return { model, vpc, subnet, launch };
}

test('subnetGateway() is the network address plus one', () => {
  const { subnet } = lab();
  assert.equal(subnetGateway(subnet), '10.0.16.1');
});

test('desiredFabric() lists running instances and their attached ENIs with what cloud-init needs', () => {
  const { model, launch } = lab();
  const instance = launch(false);
  assert.ok(instance !== undefined);
  const want = desiredFabric(model);
  assert.deepEqual([...want.instanceIds], [instance.instanceId]);
  const eni = want.enis.get(instance.primaryNetworkInterfaceId);
  assert.ok(eni !== undefined);
  assert.equal(eni.primary, true);
  assert.equal(eni.deviceIndex, 0);
  assert.equal(eni.gateway, '10.0.16.1');
  assert.equal(eni.subnetPrefixLength, 20);
  assert.deepEqual(want.vpcCidrs, ['10.0.0.0/16']);
});

test('desiredFabric() leaves out an ENI while it is still attaching, and instances once terminated', () => {
  const { model, subnet, launch } = lab();
  const instance = launch(false);
  assert.ok(instance !== undefined);
  const eni = createNetworkInterface(model, { subnetId: subnet.subnetId });
  attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex: 1 });
  const attachment = eni.attachment;
  assert.ok(attachment !== undefined);
  attachment.status = 'attaching';
  assert.ok(!desiredFabric(model).enis.has(eni.networkInterfaceId));
  attachment.status = 'attached';
  assert.equal(desiredFabric(model).enis.get(eni.networkInterfaceId)?.primary, false);
  terminateInstances(model, [instance.instanceId]);
  assert.equal(desiredFabric(model).instanceIds.size, 0);
  assert.equal(desiredFabric(model).enis.size, 0);
});

test('desiredFabric() NATs public IPs only in subnets routed to an attached internet gateway', () => {
  const { model, vpc, subnet, launch } = lab();
  const instance = launch(true);
  assert.ok(instance?.publicIp !== undefined);
  assert.deepEqual(desiredFabric(model).nat, []);
  const igw = createInternetGateway(model);
  attachInternetGateway(model, { internetGatewayId: igw.internetGatewayId, vpcId: vpc.vpcId });
  const table = routeTableForSubnet(model, subnet.subnetId);
  assert.ok(table !== undefined);
  createRoute(model, { routeTableId: table.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.internetGatewayId });
  const primary = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId)?.privateIps[0]?.address;
  assert.deepEqual(desiredFabric(model).nat, [{ publicIp: instance.publicIp, privateIp: primary }]);
});

test('desiredFabric() gathers every member address of each security group', () => {
  const { model, launch } = lab();
  const one = launch(false);
  const two = launch(false);
  assert.ok(one !== undefined && two !== undefined);
  const want = desiredFabric(model);
  const groupId = want.enis.get(one.primaryNetworkInterfaceId)?.groupIds[0] ?? '';
  const addresses = [one, two].map((i) => model.state.networkInterfaces.get(i.primaryNetworkInterfaceId)?.privateIps[0]?.address);
  assert.deepEqual(want.groupMembers.get(groupId), addresses);
});
