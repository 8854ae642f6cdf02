import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { Datastore } from './datastore.ts';
import { datastoreWith, eniAt, key, pod, T0 } from './datastore.test-support.ts';
import { base64Bytes, enisView, enisViewJson, maskBase64 } from './enis-view.ts';

test('maskBase64() encodes IPv4 netmasks as Go marshals net.IPMask', () => {
  const cases: [number, string][] = [[32, '/////w=='], [28, '////8A=='], [24, '////AA=='], [19, '///gAA=='], [0, 'AAAAAA==']];
  for (const [length, expected] of cases) assert.equal(maskBase64(length), expected, `/${length}`);
});

test('base64Bytes() matches standard padded base64 for any short byte string', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 12 }), (bytes) => base64Bytes(bytes) === Buffer.from(bytes).toString('base64')));
});

test('enisViewJson() of an empty datastore', () => {
  assert.equal(enisViewJson(new Datastore({ poolMode: 'secondary-ip' })), '{"0":{"TotalIPs":0,"AssignedIPs":0,"ENIs":{}}}');
});

test('enisViewJson() writes upstream /v1/enis exactly: fields in Go order, maps sorted, keys blanked, RFC3339Nano times', () => {
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.9/32'] });
  datastore.addEni(eniAt(1, { eniId: 'eni-01', subnetId: 'subnet-2', isEfa: true, excludedForPodIps: true }));
  datastore.addCidr('eni-01', '10.0.1.16/28');
  datastore.assign(key(1), pod('web-1'), T0); // 10.0.0.9
  datastore.assign(key(2), { namespace: 'kube-system', name: 'coredns', interfacesCount: 1 }, T0 + 1_500); // 10.0.0.10
  datastore.unassign(key(1), T0 + 60_000);
  datastore.place({ key: key(3), pod: { namespace: 'old', name: 'pod', interfacesCount: 0 }, ipv4: '10.0.1.17', assignedAt: { ms: T0, subMsNanos: 42 } });
  const expected = '{"0":{"TotalIPs":19,"AssignedIPs":2,"ENIs":{' +
    '"eni-00":{"ID":"eni-00","IsPrimary":true,"IsTrunk":false,"IsEFA":false,"DeviceNumber":0,"AvailableIPv4Cidrs":{' +
      '"10.0.0.10/32":{"Cidr":{"IP":"10.0.0.10","Mask":"/////w=="},"IPAddresses":{"10.0.0.10":{"Address":"10.0.0.10","IPAMKey":{"networkName":"aws-cni","containerID":"","ifName":""},"IPAMMetadata":{"k8sPodNamespace":"kube-system","k8sPodName":"coredns","interfacesCount":1},"AssignedTime":"2025-01-15T10:00:01.5Z","UnassignedTime":"0001-01-01T00:00:00Z"}},"IsPrefix":false,"AddressFamily":""},' +
      '"10.0.0.11/32":{"Cidr":{"IP":"10.0.0.11","Mask":"/////w=="},"IPAddresses":{},"IsPrefix":false,"AddressFamily":""},' +
      '"10.0.0.9/32":{"Cidr":{"IP":"10.0.0.9","Mask":"/////w=="},"IPAddresses":{"10.0.0.9":{"Address":"10.0.0.9","IPAMKey":{"networkName":"","containerID":"","ifName":""},"IPAMMetadata":{},"AssignedTime":"2025-01-15T10:00:00Z","UnassignedTime":"2025-01-15T10:01:00Z"}},"IsPrefix":false,"AddressFamily":""}' +
    '},"IPv6Cidrs":{},"IsExcludedForPodIPs":false,"RouteTableID":254,"SubnetID":"subnet-0a1b2c3d"},' +
    '"eni-01":{"ID":"eni-01","IsPrimary":false,"IsTrunk":false,"IsEFA":true,"DeviceNumber":1,"AvailableIPv4Cidrs":{' +
      '"10.0.1.16/28":{"Cidr":{"IP":"10.0.1.16","Mask":"////8A=="},"IPAddresses":{"10.0.1.17":{"Address":"10.0.1.17","IPAMKey":{"networkName":"aws-cni","containerID":"","ifName":""},"IPAMMetadata":{"k8sPodNamespace":"old","k8sPodName":"pod"},"AssignedTime":"2025-01-15T10:00:00.000000042Z","UnassignedTime":"0001-01-01T00:00:00Z"}},"IsPrefix":true,"AddressFamily":""}' +
    '},"IPv6Cidrs":{},"IsExcludedForPodIPs":true,"RouteTableID":2,"SubnetID":"subnet-2"}' +
    '}}}';
  assert.equal(enisViewJson(datastore), expected);
});

test('enisViewJson() never shows containerID or ifName (they would let anyone forge a DelNetwork)', () => {
  const datastore = datastoreWith('prefix', { 0: ['10.0.0.16/28'] });
  for (const id of [1, 2, 3]) datastore.assign(key(`secret-${id}`, 'eth7'), pod(`p${id}`), T0);
  const text = enisViewJson(datastore);
  assert.ok(!text.includes('secret-'));
  assert.ok(!text.includes('eth7'));
});

test('enisViewJson() keys network cards as Go sorts map keys, and enisView() parses to the same data', () => {
  const cards = [2, 10, 0].map((networkCard) => new Datastore({ poolMode: 'secondary-ip', networkCard }));
  const text = enisViewJson(cards);
  assert.ok(text.startsWith('{"0":{'));
  assert.ok(text.indexOf('"10":') < text.indexOf('"2":'));
  assert.deepEqual(Object.keys(enisView(cards)).sort(), ['0', '10', '2']);
  const datastore = datastoreWith('secondary-ip', { 0: ['10.0.0.10/32'] });
  datastore.assign(key(1), pod('a'), T0);
  const view = enisView([datastore]);
  assert.equal(view['0']?.ENIs['eni-00']?.AvailableIPv4Cidrs['10.0.0.10/32']?.IPAddresses['10.0.0.10']?.IPAMMetadata.k8sPodName, 'a');
  assert.equal(view['0']?.TotalIPs, 1);
});
