import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  instanceFromSdk,
  instanceTypeLimitsFromSdk,
  networkInterfaceFromSdk,
  required,
  sdkFilters,
  sdkTags,
  subnetFromSdk,
  tagsFromSdk,
} from './ec2-shapes.ts';

test('networkInterfaceFromSdk() puts the primary address first and reads tags, prefixes and attachment', () => {
  const eni = networkInterfaceFromSdk({
    NetworkInterfaceId: 'eni-1',
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    AvailabilityZone: 'us-west-2a',
    MacAddress: '02:00:00:00:00:01',
    Description: 'aws-K8S-i-1',
    Status: 'in-use',
    InterfaceType: 'interface',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: false }, { PrivateIpAddress: '10.0.0.4', Primary: true }],
    Ipv4Prefixes: [{ Ipv4Prefix: '10.0.1.0/28' }],
    Groups: [{ GroupId: 'sg-1', GroupName: 'a' }, { GroupId: 'sg-2' }],
    TagSet: [{ Key: 'node.k8s.amazonaws.com/instance_id', Value: 'i-1' }, { Value: 'keyless' }],
    Attachment: { AttachmentId: 'eni-attach-1', InstanceId: 'i-1', DeviceIndex: 1, NetworkCardIndex: 0, Status: 'attached', DeleteOnTermination: true },
  });
  assert.deepEqual(eni, {
    networkInterfaceId: 'eni-1',
    subnetId: 'subnet-1',
    vpcId: 'vpc-1',
    availabilityZone: 'us-west-2a',
    macAddress: '02:00:00:00:00:01',
    description: 'aws-K8S-i-1',
    status: 'in-use',
    interfaceType: 'interface',
    privateIps: [{ address: '10.0.0.4', primary: true }, { address: '10.0.0.5', primary: false }],
    ipv4Prefixes: ['10.0.1.0/28'],
    groupIds: ['sg-1', 'sg-2'],
    tags: { 'node.k8s.amazonaws.com/instance_id': 'i-1' },
    attachment: { attachmentId: 'eni-attach-1', instanceId: 'i-1', deviceIndex: 1, networkCardIndex: 0, status: 'attached', deleteOnTermination: true },
  });
});

test('networkInterfaceFromSdk() leaves out the attachment of an available ENI and needs an id', () => {
  assert.equal('attachment' in networkInterfaceFromSdk({ NetworkInterfaceId: 'eni-2', Status: 'available' }), false);
  assert.throws(() => networkInterfaceFromSdk({ Status: 'available' }), /NetworkInterfaceId/);
});

test('instanceFromSdk() orders ENIs by card and device and gives them the instance id and zone', () => {
  const instance = instanceFromSdk({
    InstanceId: 'i-1',
    InstanceType: 't3.medium',
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    PrivateIpAddress: '10.0.0.4',
    Placement: { AvailabilityZone: 'us-west-2b' },
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-2', Attachment: { AttachmentId: 'a-2', DeviceIndex: 2, NetworkCardIndex: 0, Status: 'attached' } },
      { NetworkInterfaceId: 'eni-0', Attachment: { AttachmentId: 'a-0', DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached', DeleteOnTermination: true } },
      { NetworkInterfaceId: 'eni-1', Attachment: { AttachmentId: 'a-1', DeviceIndex: 1, NetworkCardIndex: 0, Status: 'attaching' } },
    ],
  });
  assert.deepEqual(instance.networkInterfaces.map((eni) => eni.networkInterfaceId), ['eni-0', 'eni-1', 'eni-2']);
  assert.deepEqual(instance.networkInterfaces[0]?.attachment, { attachmentId: 'a-0', instanceId: 'i-1', deviceIndex: 0, networkCardIndex: 0, status: 'attached', deleteOnTermination: true });
  assert.equal(instance.networkInterfaces[1]?.availabilityZone, 'us-west-2b');
  assert.deepEqual(
    { ...instance, networkInterfaces: [] },
    { instanceId: 'i-1', instanceType: 't3.medium', subnetId: 'subnet-1', vpcId: 'vpc-1', availabilityZone: 'us-west-2b', privateIpAddress: '10.0.0.4', networkInterfaces: [] },
  );
});

test('subnetFromSdk() and instanceTypeLimitsFromSdk() read the fields the daemon uses', () => {
  assert.deepEqual(subnetFromSdk({ SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'us-west-2a', CidrBlock: '10.0.0.0/24', AvailableIpAddressCount: 250, Tags: [{ Key: 'kubernetes.io/role/cni', Value: '1' }] }), {
    subnetId: 'subnet-1',
    vpcId: 'vpc-1',
    availabilityZone: 'us-west-2a',
    cidrBlock: '10.0.0.0/24',
    availableIpAddressCount: 250,
    tags: { 'kubernetes.io/role/cni': '1' },
  });
  assert.deepEqual(
    instanceTypeLimitsFromSdk({ InstanceType: 't3.medium', Hypervisor: 'nitro', BareMetal: false, NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 6 } }),
    { instanceType: 't3.medium', eniLimit: 3, ipv4Limit: 6, hypervisor: 'nitro', bareMetal: false },
  );
  assert.throws(() => instanceTypeLimitsFromSdk({ InstanceType: 't3.medium' }), /NetworkInfo/);
});

test('sdkFilters(), sdkTags() and tagsFromSdk() convert records', () => {
  assert.deepEqual(sdkFilters({ 'tag-key': ['node.k8s.amazonaws.com/instance_id'], status: ['available'] }), [
    { Name: 'tag-key', Values: ['node.k8s.amazonaws.com/instance_id'] },
    { Name: 'status', Values: ['available'] },
  ]);
  assert.deepEqual(sdkTags({ a: '1', b: '' }), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }]);
  assert.deepEqual(tagsFromSdk([{ Key: 'a', Value: '1' }, { Key: 'b' }]), { a: '1', b: '' });
  assert.deepEqual(tagsFromSdk(undefined), {});
});

test('required() names the missing field', () => {
  assert.equal(required(0, 'x'), 0);
  assert.throws(() => required(undefined, 'AttachmentId'), /the reply has no AttachmentId/);
});
