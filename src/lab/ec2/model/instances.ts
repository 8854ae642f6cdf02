import { Ec2ApiError } from '../errors.ts';
import { pickFreeAddresses } from './addresses.ts';
import { checkRequestedAddresses } from './eni-address-checks.ts';
import { insufficientAddresses } from './eni-addresses.ts';
import { findSubnet } from './eni-lookup.ts';
import { resolveSecurityGroups } from './eni-security-groups.ts';
import { pickPublicIps } from './instance-public-ips.ts';
import type { InstanceTypeSpec } from './instance-types.ts';
import { requireInstanceType } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { Instance, NetworkInterface, Subnet } from './state.ts';

/** The most instances one RunInstances call may launch (AWS's default On-Demand limits are of this order). */
export const MAX_INSTANCES_PER_LAUNCH = 100;

/** EC2's numeric instance state codes. */
export const INSTANCE_STATE_CODES: Readonly<Record<Instance['state'], number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

/** RunInstances parameters (tags already validated by the caller). */
export interface RunInstancesRequest {
  readonly imageId: string;
  readonly instanceType: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly subnetId: string;
  /** Defaults to the VPC's `default` group. */
  readonly groupIds?: readonly string[];
  /** Only with a single instance. */
  readonly privateIpAddress?: string;
  /** Overrides the subnet's MapPublicIpOnLaunch. */
  readonly associatePublicIpAddress?: boolean;
  readonly instanceTags?: ReadonlyMap<string, string>;
  readonly networkInterfaceTags?: ReadonlyMap<string, string>;
  /** Same token, same reservation (EC2 idempotency; the SDK sends one with every RunInstances). */
  readonly clientToken?: string;
}

/** What RunInstances launched. */
export interface LaunchedReservation {
  readonly reservationId: string;
  readonly instances: Instance[];
}

/**
 * RunInstances: launches between MinCount and MaxCount instances (as many as the subnet has addresses
 * for), each with a primary ENI at device 0 and, when asked, a public IPv4 address. Instances are
 * `pending`, then `running` `model.latency.instanceStartMs` later.
 */
export function runInstances(model: Ec2Model, request: RunInstancesRequest): LaunchedReservation {
  const earlier = earlierLaunch(model, request.clientToken);
  if (earlier !== undefined) return earlier;
  const plan = planLaunch(model, request);
  const reservationId = model.newId('r');
  const instances = plan.addresses.map((address, index) =>
    launchOne(model, { request, plan, reservationId, address, publicIp: plan.publicIps[index] }),
  );
  for (const instance of instances) {
    model.emit({ type: 'eni-changed', networkInterfaceId: instance.primaryNetworkInterfaceId });
    model.emit({ type: 'instance-changed', instanceId: instance.instanceId });
    model.scheduler(model.latency.instanceStartMs, () => startInstance(model, instance.instanceId));
  }
  if (request.clientToken !== undefined) rememberLaunch(model, request.clientToken, reservationId);
  return { reservationId, instances };
}

/** RunInstances client tokens already used, per model: token → reservation id. */
const LAUNCH_TOKENS = new WeakMap<Ec2Model, Map<string, string>>();

function earlierLaunch(model: Ec2Model, clientToken: string | undefined): LaunchedReservation | undefined {
  const reservationId = clientToken === undefined ? undefined : LAUNCH_TOKENS.get(model)?.get(clientToken);
  if (reservationId === undefined) return undefined;
  return { reservationId, instances: [...model.state.instances.values()].filter((i) => i.reservationId === reservationId) };
}

function rememberLaunch(model: Ec2Model, clientToken: string, reservationId: string): void {
  const tokens = LAUNCH_TOKENS.get(model) ?? new Map<string, string>();
  tokens.set(clientToken, reservationId);
  LAUNCH_TOKENS.set(model, tokens);
}

interface LaunchPlan {
  readonly spec: InstanceTypeSpec;
  readonly subnet: Subnet;
  readonly groupIds: string[];
  readonly addresses: string[];
  readonly publicIps: string[];
}

/** Every check of RunInstances, and the addresses to use; changes nothing. */
function planLaunch(model: Ec2Model, request: RunInstancesRequest): LaunchPlan {
  if (!request.imageId.startsWith('ami-') || request.imageId.length <= 4) {
    throw new Ec2ApiError('InvalidAMIID.Malformed', `Invalid id: "${request.imageId}" (expecting "ami-...")`);
  }
  const spec = requireInstanceType(request.instanceType);
  checkCounts(request);
  const subnet = findSubnet(model, request.subnetId);
  const groupIds = resolveSecurityGroups(model, subnet, request.groupIds);
  let addresses: string[];
  if (request.privateIpAddress !== undefined) {
    if (request.maxCount > 1) {
      throw new Ec2ApiError('InvalidParameterCombination', 'Cannot specify a private IP address when launching more than one instance.');
    }
    checkRequestedAddresses(model, subnet, { addresses: [request.privateIpAddress] });
    addresses = [request.privateIpAddress];
  } else {
    addresses = pickFreeAddresses(model, subnet, Math.min(request.maxCount, MAX_INSTANCES_PER_LAUNCH));
    if (addresses.length < request.minCount) throw insufficientAddresses(subnet.subnetId, 'instances');
  }
  const wantsPublicIp = request.associatePublicIpAddress ?? subnet.mapPublicIpOnLaunch;
  const publicIps = wantsPublicIp ? pickPublicIps(model, addresses.length) : [];
  return { spec, subnet, groupIds, addresses, publicIps };
}

function checkCounts(request: RunInstancesRequest): void {
  const { minCount, maxCount } = request;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${minCount}) for parameter minCount is invalid. Expected a positive integer.`);
  }
  if (!Number.isInteger(maxCount) || maxCount < minCount) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${maxCount}) for parameter maxCount is invalid. It must be at least minCount (${minCount}).`);
  }
  if (minCount > MAX_INSTANCES_PER_LAUNCH) {
    throw new Ec2ApiError(
      'InstanceLimitExceeded',
      `You have requested more instances (${minCount}) than your current instance limit of ${MAX_INSTANCES_PER_LAUNCH} allows for the specified instance type.`,
    );
  }
}

interface LaunchOne {
  readonly request: RunInstancesRequest;
  readonly plan: LaunchPlan;
  readonly reservationId: string;
  readonly address: string;
  readonly publicIp: string | undefined;
}

function launchOne(model: Ec2Model, { request, plan, reservationId, address, publicIp }: LaunchOne): Instance {
  const now = model.clock();
  const instanceId = model.newId('i');
  const eni: NetworkInterface = {
    networkInterfaceId: model.newId('eni'),
    subnetId: plan.subnet.subnetId,
    vpcId: plan.subnet.vpcId,
    availabilityZone: plan.subnet.availabilityZone,
    macAddress: model.newMacAddress(),
    description: '',
    privateIps: [{ address, primary: true }],
    ipv4Prefixes: [],
    groupIds: [...plan.groupIds],
    sourceDestCheck: true,
    interfaceType: 'interface',
    attachment: {
      attachmentId: model.newId('eni-attach'),
      instanceId,
      deviceIndex: 0,
      networkCardIndex: plan.spec.defaultNetworkCardIndex,
      status: 'attached',
      attachTime: now,
      deleteOnTermination: true,
    },
    tags: new Map(request.networkInterfaceTags ?? []),
  };
  const instance: Instance = {
    instanceId,
    instanceType: plan.spec.instanceType,
    imageId: request.imageId,
    subnetId: plan.subnet.subnetId,
    vpcId: plan.subnet.vpcId,
    availabilityZone: plan.subnet.availabilityZone,
    reservationId,
    launchTime: now,
    state: 'pending',
    ...(publicIp === undefined ? {} : { publicIp }),
    primaryNetworkInterfaceId: eni.networkInterfaceId,
    tags: new Map(request.instanceTags ?? []),
  };
  model.state.networkInterfaces.set(eni.networkInterfaceId, eni);
  model.state.instances.set(instanceId, instance);
  return instance;
}

function startInstance(model: Ec2Model, instanceId: string): void {
  const instance = model.state.instances.get(instanceId);
  if (instance?.state !== 'pending') return;
  instance.state = 'running';
  model.emit({ type: 'instance-changed', instanceId });
}

/** TerminateInstances lives in its own module; re-exported here, where callers look for it. */
export type { InstanceStateChange } from './instance-termination.ts';
export { terminateInstances } from './instance-termination.ts';
