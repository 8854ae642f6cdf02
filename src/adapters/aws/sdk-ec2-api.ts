/**
 * The daemon's `Ec2Api` on `@aws-sdk/client-ec2`, with the actions, parameters and descriptions the
 * Amazon VPC CNI's ipamd sends (tags come from the caller: this adapter invents none).
 *
 * Every call waits for the client-side `RateBudget` first, and retries throttling (`RequestLimitExceeded`),
 * server faults and network failures with backoff and jitter, up to `maxAttempts`; limit, not-found and
 * permission errors are never retried. Give it an `EC2Client` built with `maxAttempts: 1`: the SDK's own
 * retries would multiply the adapter's and bypass the budget. CreateNetworkInterface sends one
 * `ClientToken` for all its attempts, so a retry after a lost reply cannot create a second ENI.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import type { _InstanceType, EC2Client } from '@aws-sdk/client-ec2';
import type { BackoffPolicy } from '../../core/aws/backoff.ts';
import { Ec2Error } from '../../core/aws/ec2-error.ts';
import { RateBudget } from '../../core/aws/rate-budget.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AssignedAddresses, CreateEniRequest, Ec2Api, Ec2Instance, Ec2InstanceTypeLimits, Ec2NetworkInterface, Ec2Subnet } from '../../ports/ec2-api.ts';
import { Ec2CallRunner } from './ec2-call-runner.ts';
import type { Ec2CallObserver, Ec2Send } from './ec2-call-runner.ts';
import { instanceFromSdk, instanceTypeLimitsFromSdk, networkInterfaceFromSdk, required, sdkFilters, sdkTags, subnetFromSdk } from './ec2-shapes.ts';
import { paginate, withoutMissingEnis } from './sdk-ec2-paging.ts';

/** Retry delays: 200 ms growing to at most 20 s, decorrelated jitter. */
export const DEFAULT_EC2_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 20_000, jitter: 'decorrelated' };
/** Attempts per call, the first included. */
export const DEFAULT_EC2_MAX_ATTEMPTS = 8;
/** Per-attempt timeout, as ipamd's 10 s HTTP timeout. */
export const DEFAULT_EC2_ATTEMPT_TIMEOUT_MS = 10_000;
/** DescribeNetworkInterfaces page size of the filtered (leaked-ENI) scan, as ipamd. */
export const ENI_PAGE_SIZE = 1000;

/** The client and, for tests and tuning, time, randomness, budget and retry settings. */
export interface SdkEc2ApiOptions {
  /** Built by the caller with the region and endpoint, and `maxAttempts: 1`. */
  readonly client: EC2Client;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1), for the backoff jitter. */
  readonly random?: () => number;
  /** Defaults to `new RateBudget()` (half of EC2's default buckets). */
  readonly budget?: RateBudget;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly attemptTimeoutMs?: number;
  /** MaxResults of `findNetworkInterfaces` pages (5..1000). */
  readonly pageSize?: number;
  /** Called after every attempt with `ok` or AWS's error code and the attempt's duration. */
  readonly onCall?: Ec2CallObserver;
  /** The idempotency token of each CreateNetworkInterface; defaults to random UUIDs. */
  readonly clientToken?: () => string;
}

/** `Ec2Api` over the AWS SDK; every failure is an `Ec2Error`. */
export class SdkEc2Api implements Ec2Api {
  readonly #client: EC2Client;
  readonly #runner: Ec2CallRunner;
  readonly #pageSize: number;
  readonly #clientToken: () => string;

  constructor(options: SdkEc2ApiOptions) {
    this.#client = options.client;
    this.#pageSize = options.pageSize ?? ENI_PAGE_SIZE;
    this.#clientToken = options.clientToken ?? randomUUID;
    this.#runner = new Ec2CallRunner({
      clock: options.clock ?? { now: Date.now },
      sleep: options.sleep ?? ((ms) => delay(ms)),
      random: options.random ?? Math.random,
      budget: options.budget ?? new RateBudget(),
      maxAttempts: options.maxAttempts ?? DEFAULT_EC2_MAX_ATTEMPTS,
      backoff: options.backoff ?? DEFAULT_EC2_BACKOFF,
      attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_EC2_ATTEMPT_TIMEOUT_MS,
      ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    });
  }

  /** DescribeInstances `InstanceIds=[instanceId]`; `not-found` when EC2 lists nothing. */
  async describeInstance(instanceId: string): Promise<Ec2Instance> {
    const instance = await this.#call(
      'DescribeInstances',
      (signal) => this.#client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal: signal }),
      (output) => output.Reservations?.flatMap((reservation) => reservation.Instances ?? []).find((found) => found.InstanceId === instanceId),
    );
    if (instance === undefined) {
      const message = `DescribeInstances: InvalidInstanceID.NotFound: The instance ID '${instanceId}' does not exist`;
      throw new Ec2Error({ kind: 'not-found', action: 'DescribeInstances', code: 'InvalidInstanceID.NotFound', message });
    }
    return instanceFromSdk(instance);
  }

  /** DescribeNetworkInterfaces `NetworkInterfaceIds`; unknown ids are dropped and returned in `missing`. */
  async describeNetworkInterfaces(ids: readonly string[]): Promise<{ found: Ec2NetworkInterface[]; missing: string[] }> {
    return withoutMissingEnis(ids, (remaining) =>
      this.#call(
        'DescribeNetworkInterfaces',
        (signal) => this.#client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [...remaining] }), { abortSignal: signal }),
        (output) => (output.NetworkInterfaces ?? []).map(networkInterfaceFromSdk),
      ),
    );
  }

  /** DescribeNetworkInterfaces with `Filters`, `MaxResults` pages and `NextToken`, every page. */
  async findNetworkInterfaces(filters: Readonly<Record<string, readonly string[]>>): Promise<Ec2NetworkInterface[]> {
    return paginate((nextToken) =>
      this.#call(
        'DescribeNetworkInterfaces',
        (signal) =>
          this.#client.send(new DescribeNetworkInterfacesCommand({ Filters: sdkFilters(filters), MaxResults: this.#pageSize, NextToken: nextToken }), {
            abortSignal: signal,
          }),
        (output) => ({ items: (output.NetworkInterfaces ?? []).map(networkInterfaceFromSdk), nextToken: output.NextToken }),
      ),
    );
  }

  /** CreateNetworkInterface with `TagSpecifications` (network-interface) and an idempotency `ClientToken`. */
  async createNetworkInterface(request: CreateEniRequest): Promise<Ec2NetworkInterface> {
    const input = {
      SubnetId: request.subnetId,
      Description: request.description,
      Groups: request.groupIds.length === 0 ? undefined : [...request.groupIds],
      SecondaryPrivateIpAddressCount: positiveOrUndefined(request.secondaryIpCount),
      Ipv4PrefixCount: positiveOrUndefined(request.prefixCount),
      TagSpecifications: Object.keys(request.tags).length === 0 ? undefined : [{ ResourceType: 'network-interface' as const, Tags: sdkTags(request.tags) }],
      ClientToken: this.#clientToken(),
    };
    return this.#call(
      'CreateNetworkInterface',
      (signal) => this.#client.send(new CreateNetworkInterfaceCommand(input), { abortSignal: signal }),
      (output) => networkInterfaceFromSdk(required(output.NetworkInterface, 'NetworkInterface')),
    );
  }

  /** AttachNetworkInterface `DeviceIndex`, `InstanceId`, `NetworkInterfaceId`, `NetworkCardIndex`. */
  async attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number; networkCardIndex: number }): Promise<string> {
    const input = { NetworkInterfaceId: request.networkInterfaceId, InstanceId: request.instanceId, DeviceIndex: request.deviceIndex, NetworkCardIndex: request.networkCardIndex };
    return this.#call(
      'AttachNetworkInterface',
      (signal) => this.#client.send(new AttachNetworkInterfaceCommand(input), { abortSignal: signal }),
      (output) => required(output.AttachmentId, 'AttachmentId'),
    );
  }

  /** ModifyNetworkInterfaceAttribute `Attachment={AttachmentId, DeleteOnTermination=true}`. */
  async setDeleteOnTermination(networkInterfaceId: string, attachmentId: string): Promise<void> {
    const input = { NetworkInterfaceId: networkInterfaceId, Attachment: { AttachmentId: attachmentId, DeleteOnTermination: true } };
    await this.#send('ModifyNetworkInterfaceAttribute', (signal) => this.#client.send(new ModifyNetworkInterfaceAttributeCommand(input), { abortSignal: signal }));
  }

  /** ModifyNetworkInterfaceAttribute `Groups`. */
  async setSecurityGroups(networkInterfaceId: string, groupIds: readonly string[]): Promise<void> {
    const input = { NetworkInterfaceId: networkInterfaceId, Groups: [...groupIds] };
    await this.#send('ModifyNetworkInterfaceAttribute', (signal) => this.#client.send(new ModifyNetworkInterfaceAttributeCommand(input), { abortSignal: signal }));
  }

  /** DetachNetworkInterface `AttachmentId`. */
  async detachNetworkInterface(attachmentId: string): Promise<void> {
    await this.#send('DetachNetworkInterface', (signal) => this.#client.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }), { abortSignal: signal }));
  }

  /** DeleteNetworkInterface; `InvalidNetworkInterfaceID.NotFound` counts as deleted, as in ipamd. */
  async deleteNetworkInterface(networkInterfaceId: string): Promise<void> {
    try {
      const input = { NetworkInterfaceId: networkInterfaceId };
      await this.#send('DeleteNetworkInterface', (signal) => this.#client.send(new DeleteNetworkInterfaceCommand(input), { abortSignal: signal }));
    } catch (error) {
      if (error instanceof Ec2Error && error.code === 'InvalidNetworkInterfaceID.NotFound') return;
      throw error;
    }
  }

  /** AssignPrivateIpAddresses `SecondaryPrivateIpAddressCount` or `Ipv4PrefixCount`. */
  async assignPrivateIps(networkInterfaceId: string, request: { count: number } | { prefixCount: number }): Promise<AssignedAddresses> {
    const amount = 'count' in request ? { SecondaryPrivateIpAddressCount: request.count } : { Ipv4PrefixCount: request.prefixCount };
    return this.#call(
      'AssignPrivateIpAddresses',
      (signal) => this.#client.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: networkInterfaceId, ...amount }), { abortSignal: signal }),
      (output) => ({
        addresses: (output.AssignedPrivateIpAddresses ?? []).flatMap((ip) => (ip.PrivateIpAddress === undefined ? [] : [ip.PrivateIpAddress])),
        prefixes: (output.AssignedIpv4Prefixes ?? []).flatMap((prefix) => (prefix.Ipv4Prefix === undefined ? [] : [prefix.Ipv4Prefix])),
      }),
    );
  }

  /** UnassignPrivateIpAddresses `PrivateIpAddresses` or `Ipv4Prefixes`. */
  async unassignPrivateIps(networkInterfaceId: string, request: { addresses: readonly string[] } | { prefixes: readonly string[] }): Promise<void> {
    const which = 'addresses' in request ? { PrivateIpAddresses: [...request.addresses] } : { Ipv4Prefixes: [...request.prefixes] };
    const input = { NetworkInterfaceId: networkInterfaceId, ...which };
    await this.#send('UnassignPrivateIpAddresses', (signal) => this.#client.send(new UnassignPrivateIpAddressesCommand(input), { abortSignal: signal }));
  }

  /** CreateTags `Resources`, `Tags`. */
  async createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    const input = { Resources: [...resourceIds], Tags: sdkTags(tags) };
    await this.#send('CreateTags', (signal) => this.#client.send(new CreateTagsCommand(input), { abortSignal: signal }));
  }

  /** DescribeSubnets with `Filters` (e.g. `vpc-id`, `availability-zone`), every page. */
  async describeSubnets(filters: Readonly<Record<string, readonly string[]>>): Promise<Ec2Subnet[]> {
    return paginate((nextToken) =>
      this.#call(
        'DescribeSubnets',
        (signal) => this.#client.send(new DescribeSubnetsCommand({ Filters: sdkFilters(filters), NextToken: nextToken }), { abortSignal: signal }),
        (output) => ({ items: (output.Subnets ?? []).map(subnetFromSdk), nextToken: output.NextToken }),
      ),
    );
  }

  /** DescribeInstanceTypes `InstanceTypes=[instanceType]`; undefined for `InvalidInstanceType`. */
  async describeInstanceType(instanceType: string): Promise<Ec2InstanceTypeLimits | undefined> {
    try {
      const input = { InstanceTypes: [instanceType as _InstanceType] };
      return await this.#call(
        'DescribeInstanceTypes',
        (signal) => this.#client.send(new DescribeInstanceTypesCommand(input), { abortSignal: signal }),
        (output) => {
          const info = output.InstanceTypes?.find((found) => found.InstanceType === instanceType);
          return info === undefined ? undefined : instanceTypeLimitsFromSdk(info);
        },
      );
    } catch (error) {
      if (error instanceof Ec2Error && error.code === 'InvalidInstanceType') return undefined;
      throw error;
    }
  }

  #call<O, R>(action: string, send: Ec2Send<O>, map: (output: O) => R): Promise<R> {
    return this.#runner.call(action, send, map);
  }

  async #send<O>(action: string, send: Ec2Send<O>): Promise<void> {
    await this.#runner.call(action, send, () => undefined);
  }
}

function positiveOrUndefined(count: number | undefined): number | undefined {
  return count === undefined || count <= 0 ? undefined : count;
}
