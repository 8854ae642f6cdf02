import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { RateBudget } from '../../core/aws/rate-budget.ts';
import { serviceError } from './aws-errors.test-support.ts';
import { SdkEc2Api } from './sdk-ec2-api.ts';

interface Sent {
  readonly action: string;
  readonly input: Record<string, unknown>;
  readonly signal: unknown;
}

/** An EC2Client stand-in: records each command, answers with `reply(action, input, n)` (n counts per action). */
function fakeApi(reply: (action: string, input: Record<string, unknown>, n: number) => unknown): { api: SdkEc2Api; sent: Sent[] } {
  const sent: Sent[] = [];
  const counts = new Map<string, number>();
  const client = {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }, options?: { abortSignal?: unknown }): Promise<unknown> {
      const action = command.constructor.name.replace(/Command$/, '');
      const n = counts.get(action) ?? 0;
      counts.set(action, n + 1);
      sent.push({ action, input: command.input, signal: options?.abortSignal });
      try {
        return Promise.resolve(reply(action, command.input, n));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  } as unknown as EC2Client;
  let tokens = 0;
  const api = new SdkEc2Api({
    client,
    sleep: () => Promise.resolve(),
    budget: new RateBudget({ share: 1 }),
    clientToken: () => `token-${++tokens}`,
  });
  return { api, sent };
}

test('createNetworkInterface() sends ipamd parameters and one ClientToken for all attempts', async () => {
  const { api, sent } = fakeApi((_action, _input, n) => {
    if (n === 0) throw serviceError('RequestLimitExceeded', 503);
    return { NetworkInterface: { NetworkInterfaceId: 'eni-new', Status: 'pending' } };
  });
  const eni = await api.createNetworkInterface({
    subnetId: 'subnet-1',
    description: 'aws-K8S-i-1',
    groupIds: ['sg-1', 'sg-2'],
    secondaryIpCount: 5,
    tags: { 'node.k8s.amazonaws.com/instance_id': 'i-1' },
  });
  assert.equal(eni.networkInterfaceId, 'eni-new');
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[0]?.input, {
    SubnetId: 'subnet-1',
    Description: 'aws-K8S-i-1',
    Groups: ['sg-1', 'sg-2'],
    SecondaryPrivateIpAddressCount: 5,
    Ipv4PrefixCount: undefined,
    TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'node.k8s.amazonaws.com/instance_id', Value: 'i-1' }] }],
    ClientToken: 'token-1',
  });
  assert.equal(sent[1]?.input.ClientToken, 'token-1');
  assert.ok(sent[0]?.signal instanceof AbortSignal);
});

test('createNetworkInterface() leaves out empty groups and zero counts', async () => {
  const { api, sent } = fakeApi(() => ({ NetworkInterface: { NetworkInterfaceId: 'eni-new' } }));
  await api.createNetworkInterface({ subnetId: 'subnet-1', description: 'd', groupIds: [], prefixCount: 0, tags: {} });
  assert.deepEqual(
    Object.entries(sent[0]?.input ?? {}).filter(([, value]) => value !== undefined).map(([key]) => key),
    ['SubnetId', 'Description', 'ClientToken'],
  );
});

test('describeNetworkInterfaces() sends nothing for no ids', async () => {
  const { api, sent } = fakeApi(() => ({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-x' }] }));
  assert.deepEqual(await api.describeNetworkInterfaces([]), { found: [], missing: [] });
  assert.equal(sent.length, 0);
});

test('findNetworkInterfaces() asks for pages of 1000 and follows NextToken', async () => {
  const { api, sent } = fakeApi((_action, input) =>
    input.NextToken === undefined ? { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }], NextToken: 'p2' } : { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2' }] },
  );
  const enis = await api.findNetworkInterfaces({ status: ['available'] });
  assert.deepEqual(enis.map((eni) => eni.networkInterfaceId), ['eni-1', 'eni-2']);
  assert.deepEqual(sent.map((call) => [call.input.MaxResults, call.input.NextToken]), [[1000, undefined], [1000, 'p2']]);
  assert.deepEqual(sent[0]?.input.Filters, [{ Name: 'status', Values: ['available'] }]);
});

test('deleteNetworkInterface() takes NotFound as deleted and throws anything else', async () => {
  const gone = fakeApi(() => {
    throw serviceError('InvalidNetworkInterfaceID.NotFound', 400, "The networkInterface ID 'eni-1' does not exist");
  });
  await gone.api.deleteNetworkInterface('eni-1');
  const inUse = fakeApi(() => {
    throw serviceError('InvalidNetworkInterface.InUse', 400);
  });
  await assert.rejects(inUse.api.deleteNetworkInterface('eni-1'), { name: 'Ec2Error', code: 'InvalidNetworkInterface.InUse', action: 'DeleteNetworkInterface' });
});

test('describeInstanceType() is undefined for InvalidInstanceType', async () => {
  const { api } = fakeApi(() => {
    throw serviceError('InvalidInstanceType', 400);
  });
  assert.equal(await api.describeInstanceType('x9.huge'), undefined);
});

test('describeInstance() is not-found when EC2 lists no instance', async () => {
  const { api } = fakeApi(() => ({ Reservations: [] }));
  await assert.rejects(api.describeInstance('i-1'), { name: 'Ec2Error', kind: 'not-found', code: 'InvalidInstanceID.NotFound' });
});

test('assignPrivateIps() and unassignPrivateIps() send counts, prefixes or addresses', async () => {
  const { api, sent } = fakeApi((action) =>
    action === 'AssignPrivateIpAddresses' ? { AssignedPrivateIpAddresses: [], AssignedIpv4Prefixes: [{ Ipv4Prefix: '10.0.1.16/28' }] } : {},
  );
  assert.deepEqual(await api.assignPrivateIps('eni-1', { prefixCount: 1 }), { addresses: [], prefixes: ['10.0.1.16/28'] });
  await api.unassignPrivateIps('eni-1', { prefixes: ['10.0.1.16/28'] });
  await api.unassignPrivateIps('eni-1', { addresses: ['10.0.0.9'] });
  assert.deepEqual(sent.map((call) => call.input), [
    { NetworkInterfaceId: 'eni-1', Ipv4PrefixCount: 1 },
    { NetworkInterfaceId: 'eni-1', Ipv4Prefixes: ['10.0.1.16/28'] },
    { NetworkInterfaceId: 'eni-1', PrivateIpAddresses: ['10.0.0.9'] },
  ]);
});

test('setDeleteOnTermination() and setSecurityGroups() send ModifyNetworkInterfaceAttribute', async () => {
  const { api, sent } = fakeApi(() => ({}));
  await api.setDeleteOnTermination('eni-1', 'eni-attach-1');
  await api.setSecurityGroups('eni-1', ['sg-2']);
  assert.deepEqual(sent.map((call) => [call.action, call.input]), [
    ['ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: 'eni-1', Attachment: { AttachmentId: 'eni-attach-1', DeleteOnTermination: true } }],
    ['ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: 'eni-1', Groups: ['sg-2'] }],
  ]);
});
