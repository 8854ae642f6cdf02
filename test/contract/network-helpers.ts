/**
 * Shared bits of the network contract tests: error assertions for the SDK and the CLI, and an ENI
 * record put straight into the model (ENIs belong to the compute actions, not to the network ones).
 */
import assert from 'node:assert/strict';
import type { Ec2Model } from '../../src/lab/ec2/model/model.ts';
import type { NetworkInterface } from '../../src/lab/ec2/model/state.ts';
import type { AwsCliResult } from './harness.ts';

/** Asserts that the SDK call fails with this EC2 error code (the SDK's `error.name`) and HTTP 400. */
export async function rejectsWithCode(call: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof Error, 'the SDK rejects with an Error');
    assert.equal(error.name, code);
    if (message !== undefined) assert.match(error.message, message);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    assert.equal(status, 400);
    return true;
  });
}

/** Asserts that the CLI run failed (non-zero exit) and printed this EC2 error code. */
export function assertCliError(result: AwsCliResult, code: string): void {
  assert.notEqual(result.code, 0, `expected ${code}, the CLI succeeded: ${result.stdout}`);
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code.replaceAll('.', '\\.')}\\)`));
}

/** The parsed JSON output of a successful CLI run. */
export function cliOutput<T>(result: AwsCliResult): T {
  assert.equal(result.code, 0, `the CLI failed: ${result.stderr}`);
  assert.notEqual(result.json, undefined, `the CLI printed no JSON: ${result.stdout}`);
  return result.json as T;
}

/** Puts an ENI holding `addresses` into the subnet, as the compute actions would. */
export function putEni(model: Ec2Model, subnetId: string, addresses: readonly string[]): NetworkInterface {
  const subnet = model.state.subnets.get(subnetId);
  assert.ok(subnet !== undefined, `subnet ${subnetId} exists`);
  const eni: NetworkInterface = {
    networkInterfaceId: model.newId('eni'),
    subnetId,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    macAddress: model.newMacAddress(),
    description: '',
    privateIps: addresses.map((address, index) => ({ address, primary: index === 0 })),
    ipv4Prefixes: [],
    groupIds: [],
    sourceDestCheck: true,
    interfaceType: 'interface',
    tags: new Map(),
  };
  model.state.networkInterfaces.set(eni.networkInterfaceId, eni);
  return eni;
}
