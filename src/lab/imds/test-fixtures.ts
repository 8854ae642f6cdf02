/**
 * Test support for the IMDS tests: builds model state by inserting records directly, as the EC2
 * operations would leave it, without calling those operations. Not used by production code.
 */
import { Ec2Model } from '../ec2/model/model.ts';
import type { EniAttachment, Instance, NetworkInterface } from '../ec2/model/state.ts';

/** A clock the test moves by hand. */
export class FakeClock {
  now: number;

  constructor(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.now = start;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.now += ms;
  }

  /** The clock as a function, for `new Ec2Model({ clock })`. */
  readonly read = (): number => this.now;
}

/** A fixture ENI's description. */
export interface FixtureEni {
  readonly mac: string;
  readonly ips: readonly string[];
  readonly prefixes?: readonly string[];
  readonly deviceIndex?: number;
  readonly networkCardIndex?: number;
  readonly status?: EniAttachment['status'];
  readonly groupIds?: readonly string[];
  readonly subnetId?: string;
}

export const VPC_ID = 'vpc-0aaaaaaaaaaaaaaa1';
export const SUBNET_ID = 'subnet-0aaaaaaaaaaaaaaa1';
export const SUBNET_2_ID = 'subnet-0aaaaaaaaaaaaaaa2';
export const SG_ID = 'sg-0aaaaaaaaaaaaaaa1';
export const SG_2_ID = 'sg-0aaaaaaaaaaaaaaa2';

/** A model with one VPC (two CIDR blocks), two subnets in us-west-2a and two security groups. */
export function fixtureModel(clock: FakeClock = new FakeClock(), lagMs = 0): Ec2Model {
  const model = new Ec2Model({
    clock: clock.read,
    region: 'us-west-2',
    accountId: '111122223333',
    latency: { attachMs: 0, detachMs: 0, instanceStartMs: 0, apiResponseMs: 0, imdsLagMs: lagMs },
  });
  model.state.vpcs.set(VPC_ID, {
    vpcId: VPC_ID,
    cidrBlocks: [
      { associationId: 'vpc-cidr-assoc-1', cidrBlock: '10.0.0.0/16', state: 'associated' },
      { associationId: 'vpc-cidr-assoc-2', cidrBlock: '100.64.0.0/16', state: 'associated' },
    ],
    isDefault: false,
    dhcpOptionsId: 'dopt-1',
    tags: new Map(),
  });
  for (const [subnetId, cidrBlock] of [
    [SUBNET_ID, '10.0.1.0/24'],
    [SUBNET_2_ID, '100.64.0.0/20'],
  ] as const) {
    model.state.subnets.set(subnetId, {
      subnetId,
      vpcId: VPC_ID,
      cidrBlock,
      availabilityZone: 'us-west-2a',
      availabilityZoneId: 'usw2-az1',
      mapPublicIpOnLaunch: false,
      tags: new Map(),
    });
  }
  for (const [groupId, groupName] of [
    [SG_ID, 'nodes'],
    [SG_2_ID, 'pods'],
  ] as const) {
    model.state.securityGroups.set(groupId, {
      groupId,
      groupName,
      description: groupName,
      vpcId: VPC_ID,
      ingress: [],
      egress: [],
      tags: new Map(),
    });
  }
  return model;
}

/** Inserts a running instance whose primary ENI (device 0) is `primary`; returns the instance. */
export function addInstance(
  model: Ec2Model,
  primary: FixtureEni & { readonly instanceId: string; readonly eniId: string },
  extra: { readonly instanceType?: string; readonly publicIp?: string } = {},
): Instance {
  const instance: Instance = {
    instanceId: primary.instanceId,
    instanceType: extra.instanceType ?? 'm5.large',
    imageId: 'ami-0123456789abcdef0',
    subnetId: primary.subnetId ?? SUBNET_ID,
    vpcId: VPC_ID,
    availabilityZone: 'us-west-2a',
    reservationId: `r-${primary.instanceId.slice(2)}`,
    launchTime: Date.UTC(2026, 0, 15, 11, 59, 30, 123),
    state: 'running',
    ...(extra.publicIp === undefined ? {} : { publicIp: extra.publicIp }),
    primaryNetworkInterfaceId: primary.eniId,
    tags: new Map(),
  };
  model.state.instances.set(instance.instanceId, instance);
  attachEni(model, primary.instanceId, { deviceIndex: 0, ...primary });
  return instance;
}

/** Inserts (or replaces) an ENI attached to `instanceId` with the given attachment status. */
export function attachEni(
  model: Ec2Model,
  instanceId: string,
  eni: FixtureEni & { readonly eniId: string },
): NetworkInterface {
  const record: NetworkInterface = {
    networkInterfaceId: eni.eniId,
    subnetId: eni.subnetId ?? SUBNET_ID,
    vpcId: VPC_ID,
    availabilityZone: 'us-west-2a',
    macAddress: eni.mac,
    description: '',
    privateIps: eni.ips.map((address, index) => ({ address, primary: index === 0 })),
    ipv4Prefixes: [...(eni.prefixes ?? [])],
    groupIds: [...(eni.groupIds ?? [SG_ID])],
    sourceDestCheck: true,
    interfaceType: 'interface',
    attachment: {
      attachmentId: `eni-attach-${eni.eniId.slice(4)}`,
      instanceId,
      deviceIndex: eni.deviceIndex ?? 1,
      networkCardIndex: eni.networkCardIndex ?? 0,
      status: eni.status ?? 'attached',
      attachTime: model.clock(),
      deleteOnTermination: true,
    },
    tags: new Map(),
  };
  model.state.networkInterfaces.set(record.networkInterfaceId, record);
  return record;
}

/** Removes the ENI's attachment (as a completed detach leaves it: `available`). */
export function detachEni(model: Ec2Model, eniId: string): void {
  const eni = model.state.networkInterfaces.get(eniId);
  if (eni !== undefined) delete eni.attachment;
}

/** The standard test node: i-1 with primary ENI 10.0.1.10 (+2 secondaries) and public IP. */
export function standardNode(model: Ec2Model): Instance {
  return addInstance(
    model,
    {
      instanceId: 'i-0123456789abcdef0',
      eniId: 'eni-00000000000000001',
      mac: '02:00:00:00:00:01',
      ips: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
      groupIds: [SG_ID, SG_2_ID],
    },
    { publicIp: '198.51.100.7' },
  );
}
