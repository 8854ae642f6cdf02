/**
 * An `Ec2Api` that tells the observer about every call the daemon makes (action, outcome kind and
 * duration), whatever adapter is underneath.
 */
import { Ec2Error } from '../core/aws/ec2-error.ts';
import type { Ec2ErrorKind } from '../core/aws/ec2-error.ts';
import type { Clock } from '../ports/clock.ts';
import type { AssignedAddresses, CreateEniRequest, Ec2Api, Ec2Instance, Ec2InstanceTypeLimits, Ec2NetworkInterface, Ec2Subnet } from '../ports/ec2-api.ts';

/** Receives one finished call. */
export type Ec2CallListener = (action: string, outcome: 'ok' | Ec2ErrorKind, ms: number) => void;

type Filters = Readonly<Record<string, readonly string[]>>;

/** Wraps `inner`; calls `listener` after each call settles. */
export class ObservedEc2Api implements Ec2Api {
  readonly #inner: Ec2Api;
  readonly #clock: Clock;
  readonly #listener: Ec2CallListener;

  constructor(inner: Ec2Api, clock: Clock, listener: Ec2CallListener) {
    this.#inner = inner;
    this.#clock = clock;
    this.#listener = listener;
  }

  describeInstance(instanceId: string): Promise<Ec2Instance> {
    return this.#observe('DescribeInstances', () => this.#inner.describeInstance(instanceId));
  }

  describeNetworkInterfaces(ids: readonly string[]): Promise<{ found: Ec2NetworkInterface[]; missing: string[] }> {
    return this.#observe('DescribeNetworkInterfaces', () => this.#inner.describeNetworkInterfaces(ids));
  }

  findNetworkInterfaces(filters: Filters): Promise<Ec2NetworkInterface[]> {
    return this.#observe('DescribeNetworkInterfaces', () => this.#inner.findNetworkInterfaces(filters));
  }

  createNetworkInterface(request: CreateEniRequest): Promise<Ec2NetworkInterface> {
    return this.#observe('CreateNetworkInterface', () => this.#inner.createNetworkInterface(request));
  }

  attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number; networkCardIndex: number }): Promise<string> {
    return this.#observe('AttachNetworkInterface', () => this.#inner.attachNetworkInterface(request));
  }

  setDeleteOnTermination(networkInterfaceId: string, attachmentId: string): Promise<void> {
    return this.#observe('ModifyNetworkInterfaceAttribute', () => this.#inner.setDeleteOnTermination(networkInterfaceId, attachmentId));
  }

  setSecurityGroups(networkInterfaceId: string, groupIds: readonly string[]): Promise<void> {
    return this.#observe('ModifyNetworkInterfaceAttribute', () => this.#inner.setSecurityGroups(networkInterfaceId, groupIds));
  }

  detachNetworkInterface(attachmentId: string): Promise<void> {
    return this.#observe('DetachNetworkInterface', () => this.#inner.detachNetworkInterface(attachmentId));
  }

  deleteNetworkInterface(networkInterfaceId: string): Promise<void> {
    return this.#observe('DeleteNetworkInterface', () => this.#inner.deleteNetworkInterface(networkInterfaceId));
  }

  assignPrivateIps(networkInterfaceId: string, request: { count: number } | { prefixCount: number }): Promise<AssignedAddresses> {
    return this.#observe('AssignPrivateIpAddresses', () => this.#inner.assignPrivateIps(networkInterfaceId, request));
  }

  unassignPrivateIps(networkInterfaceId: string, request: { addresses: readonly string[] } | { prefixes: readonly string[] }): Promise<void> {
    return this.#observe('UnassignPrivateIpAddresses', () => this.#inner.unassignPrivateIps(networkInterfaceId, request));
  }

  createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    return this.#observe('CreateTags', () => this.#inner.createTags(resourceIds, tags));
  }

  describeSubnets(filters: Filters): Promise<Ec2Subnet[]> {
    return this.#observe('DescribeSubnets', () => this.#inner.describeSubnets(filters));
  }

  describeInstanceType(instanceType: string): Promise<Ec2InstanceTypeLimits | undefined> {
    return this.#observe('DescribeInstanceTypes', () => this.#inner.describeInstanceType(instanceType));
  }

  async #observe<T>(action: string, call: () => Promise<T>): Promise<T> {
    const started = this.#clock.now();
    try {
      const result = await call();
      this.#report(action, 'ok', started);
      return result;
    } catch (error) {
      this.#report(action, error instanceof Ec2Error ? error.kind : 'other', started);
      throw error;
    }
  }

  #report(action: string, outcome: 'ok' | Ec2ErrorKind, started: number): void {
    try {
      this.#listener(action, outcome, Math.max(0, this.#clock.now() - started));
    } catch {
      // An observer's failure must not change the call's outcome.
    }
  }
}
