import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDaemonConfig } from '../core/config/index.ts';
import type { Ec2Instance, Ec2NetworkInterface } from '../ports/ec2-api.ts';
import type { ImdsInterface } from '../ports/imds.ts';
import { discoverEnis, ec2BlocksOf, imdsBlocksOf } from './node-discovery.ts';

function eni(id: string, device: number, extra: Partial<Ec2NetworkInterface> = {}, card = 0): Ec2NetworkInterface {
  return {
    networkInterfaceId: id, subnetId: 'subnet-1', vpcId: 'vpc-1', availabilityZone: 'us-west-2a', macAddress: `02:00:00:00:00:0${device}`,
    description: '', status: 'in-use', interfaceType: 'interface',
    privateIps: [{ address: `10.0.0.${10 + device}`, primary: true }, { address: `10.0.1.${device}`, primary: false }],
    ipv4Prefixes: [], groupIds: ['sg-1'], tags: {},
    attachment: { attachmentId: `attach-${id}`, instanceId: 'i-1', deviceIndex: device, networkCardIndex: card, status: 'attached', deleteOnTermination: true },
    ...extra,
  };
}

function entry(id: string, device: number): ImdsInterface {
  return {
    mac: `02:00:00:00:00:0${device}`, interfaceId: id, deviceNumber: device, networkCard: 0, subnetId: 'subnet-1', subnetCidr: '10.0.0.0/16',
    vpcId: 'vpc-1', vpcCidrs: ['10.0.0.0/16'], securityGroupIds: ['sg-1'], localIpv4s: [`10.0.0.${10 + device}`, `10.0.1.${device}`], ipv4Prefixes: ['10.0.2.0/28'],
  };
}

test('discoverEnis() splits managed ENIs, unmanaged ones and those IMDS does not show yet', () => {
  const instance: Ec2Instance = {
    instanceId: 'i-1', instanceType: 't3.medium', subnetId: 'subnet-1', vpcId: 'vpc-1', availabilityZone: 'us-west-2a', privateIpAddress: '10.0.0.10',
    networkInterfaces: [
      eni('eni-0', 0),
      eni('eni-1', 1),
      eni('eni-2', 2, { tags: { 'node.k8s.amazonaws.com/no_manage': 'true' } }),
      eni('eni-3', 3),
      eni('eni-4', 0, {}, 1),
      eni('eni-5', 5, { attachment: { attachmentId: 'a', instanceId: 'i-1', deviceIndex: 5, networkCardIndex: 0, status: 'detaching', deleteOnTermination: true } }),
    ],
  };
  const found = discoverEnis(instance, [entry('eni-0', 0), entry('eni-1', 1), entry('eni-2', 2)], parseDaemonConfig({}), 'eni-0');
  assert.deepEqual(found.managed.map((e) => [e.eniId, e.deviceNumber, e.primaryIp, e.subnetCidr]), [['eni-0', 0, '10.0.0.10', '10.0.0.0/16'], ['eni-1', 1, '10.0.0.11', '10.0.0.0/16']]);
  assert.deepEqual(found.unmanagedIds, ['eni-2', 'eni-4']);
  assert.deepEqual(found.pendingIds, ['eni-3']);
  const untagged = discoverEnis(instance, [entry('eni-0', 0), entry('eni-1', 1)], parseDaemonConfig({ MANAGE_UNTAGGED_ENI: 'false' }), 'eni-0');
  assert.deepEqual(untagged.managed.map((e) => e.eniId), ['eni-0'], 'the primary ENI is always managed');
});

test('ec2BlocksOf() and imdsBlocksOf() list secondary /32s and prefixes, never the primary address', () => {
  assert.deepEqual(ec2BlocksOf(eni('eni-1', 1, { ipv4Prefixes: ['10.0.2.0/28'] })), ['10.0.1.1/32', '10.0.2.0/28']);
  assert.deepEqual(imdsBlocksOf(entry('eni-1', 1)), ['10.0.1.1/32', '10.0.2.0/28']);
});
