import type { Filter } from '../action.ts';
import type { Cidr } from '../../../core/ip/index.ts';
import { cidrContainsCidr, cidrsOverlap, formatCidr, parseCidr } from '../../../core/ip/index.ts';
import { Ec2ApiError, invalidParameterValue } from '../errors.ts';
import { subnetAvailableCount } from './addresses.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import type { Subnet, Tags, Vpc } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';
import { parseCidrParameter, vpcCidrs } from './vpc-cidrs.ts';
import type { AvailabilityZone } from './zones.ts';
import { zoneById, zoneByName, zonesOf } from './zones.ts';

/** Smallest and largest subnet blocks AWS accepts (a /16 down to a /28). */
export const SUBNET_PREFIX_RANGE = { min: 16, max: 28 } as const;

/** What CreateSubnet takes. Without a zone, the zone of the VPC with the fewest subnets is used. */
export interface CreateSubnetInput {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone?: string;
  readonly availabilityZoneId?: string;
  readonly tags?: Tags;
}

/** The subnet with this id, or `InvalidSubnetID.NotFound`. */
export function getSubnet(model: Ec2Model, subnetId: string): Subnet {
  const subnet = model.state.subnets.get(subnetId);
  if (subnet === undefined) throw resourceNotFound('subnet', subnetId);
  return subnet;
}

/** The ARN AWS gives a subnet. */
export function subnetArn(model: Ec2Model, subnet: Subnet): string {
  return `arn:aws:ec2:${model.region}:${model.accountId}:subnet/${subnet.subnetId}`;
}

/**
 * CreateSubnet: a block inside one of the VPC's CIDRs (`InvalidSubnet.Range` otherwise, or for a size
 * outside /16../28) that overlaps no other subnet (`InvalidSubnet.Conflict`), in a zone of the region.
 */
export function createSubnet(model: Ec2Model, input: CreateSubnetInput): Subnet {
  const vpc = model.state.vpcs.get(input.vpcId);
  if (vpc === undefined) throw resourceNotFound('vpc', input.vpcId);
  const cidr = checkSubnetCidr(model, vpc, input.cidrBlock);
  const zone = chooseZone(model, vpc, input);
  const subnet: Subnet = {
    subnetId: model.newId('subnet'),
    vpcId: vpc.vpcId,
    cidrBlock: formatCidr(cidr),
    availabilityZone: zone.zoneName,
    availabilityZoneId: zone.zoneId,
    mapPublicIpOnLaunch: false,
    tags: new Map(input.tags),
  };
  model.state.subnets.set(subnet.subnetId, subnet);
  model.emit({ type: 'subnet-changed', subnetId: subnet.subnetId });
  return subnet;
}

function checkSubnetCidr(model: Ec2Model, vpc: Vpc, text: string): Cidr {
  const cidr = parseCidrParameter('cidrBlock', text);
  const inVpc = vpcCidrs(vpc).some((block) => cidrContainsCidr(parseCidr(block), cidr));
  if (!inVpc || cidr.prefixLength < SUBNET_PREFIX_RANGE.min || cidr.prefixLength > SUBNET_PREFIX_RANGE.max) {
    throw new Ec2ApiError('InvalidSubnet.Range', `The CIDR '${text}' is invalid.`);
  }
  for (const other of model.state.subnets.values()) {
    if (other.vpcId === vpc.vpcId && cidrsOverlap(parseCidr(other.cidrBlock), cidr)) {
      throw new Ec2ApiError('InvalidSubnet.Conflict', `The CIDR '${text}' conflicts with another subnet`);
    }
  }
  return cidr;
}

function chooseZone(model: Ec2Model, vpc: Vpc, input: CreateSubnetInput): AvailabilityZone {
  const zones = zonesOf(model.region);
  const why = `Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.zoneName).join(', ')}.`;
  const byName = input.availabilityZone === undefined ? undefined : zoneByName(model.region, input.availabilityZone);
  if (input.availabilityZone !== undefined && byName === undefined) {
    throw invalidParameterValue('availabilityZone', input.availabilityZone, why);
  }
  const byId = input.availabilityZoneId === undefined ? undefined : zoneById(model.region, input.availabilityZoneId);
  if (input.availabilityZoneId !== undefined && byId === undefined) {
    throw invalidParameterValue('availabilityZoneId', input.availabilityZoneId, why);
  }
  if (byName !== undefined && byId !== undefined && byName.zoneId !== byId.zoneId) {
    throw new Ec2ApiError('InvalidParameterCombination', `The availability zone ${byName.zoneName} does not have the zone id ${byId.zoneId}.`);
  }
  return byName ?? byId ?? leastUsedZone(model, vpc, zones);
}

function leastUsedZone(model: Ec2Model, vpc: Vpc, zones: readonly AvailabilityZone[]): AvailabilityZone {
  const counts = zones.map((zone) => {
    let count = 0;
    for (const s of model.state.subnets.values()) if (s.vpcId === vpc.vpcId && s.availabilityZone === zone.zoneName) count++;
    return count;
  });
  const fewest = Math.min(...counts);
  const zone = zones[counts.indexOf(fewest)];
  if (zone === undefined) throw new Error(`region ${model.region} has no availability zones`);
  return zone;
}

/** ModifySubnetAttribute: today only `MapPublicIpOnLaunch`. */
export function modifySubnetAttribute(model: Ec2Model, input: { subnetId: string; mapPublicIpOnLaunch?: boolean }): void {
  const subnet = getSubnet(model, input.subnetId);
  if (input.mapPublicIpOnLaunch !== undefined) subnet.mapPublicIpOnLaunch = input.mapPublicIpOnLaunch;
  model.emit({ type: 'subnet-changed', subnetId: subnet.subnetId });
}

/** DeleteSubnet: a subnet that still has network interfaces is `DependencyViolation`. */
export function deleteSubnet(model: Ec2Model, subnetId: string): void {
  getSubnet(model, subnetId);
  if ([...model.state.networkInterfaces.values()].some((eni) => eni.subnetId === subnetId)) {
    throw new Ec2ApiError('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
  }
  for (const table of model.state.routeTables.values()) {
    const index = table.associations.findIndex((a) => a.subnetId === subnetId);
    if (index < 0) continue;
    table.associations.splice(index, 1);
    model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
  }
  model.state.subnets.delete(subnetId);
  model.emit({ type: 'subnet-changed', subnetId });
}

/** DescribeSubnets: the subnets named by id (each must exist), or all, that pass the filters. */
export function describeSubnets(model: Ec2Model, request: { subnetIds: readonly string[]; filters: readonly Filter[] }): Subnet[] {
  const subnets = request.subnetIds.length > 0 ? request.subnetIds.map((id) => getSubnet(model, id)) : [...model.state.subnets.values()];
  const valuesOf = (subnet: Subnet, name: string): readonly string[] | undefined => subnetFilterValues(model, subnet, name);
  return subnets.filter((subnet) => matchesFilters(subnet, request.filters, valuesOf, unknownFilter));
}

function subnetFilterValues(model: Ec2Model, subnet: Subnet, name: string): readonly string[] | undefined {
  switch (name) {
    case 'vpc-id':
      return [subnet.vpcId];
    case 'subnet-id':
      return [subnet.subnetId];
    case 'availability-zone':
    case 'availabilityZone':
      return [subnet.availabilityZone];
    case 'availability-zone-id':
    case 'availabilityZoneId':
      return [subnet.availabilityZoneId];
    case 'cidr-block':
    case 'cidr':
    case 'cidrBlock':
      return [subnet.cidrBlock];
    case 'state':
      return ['available'];
    case 'default-for-az':
    case 'defaultForAz':
      return ['false'];
    case 'map-public-ip-on-launch':
      return [String(subnet.mapPublicIpOnLaunch)];
    case 'available-ip-address-count':
      return [String(subnetAvailableCount(model, subnet))];
    case 'owner-id':
      return [model.accountId];
    case 'subnet-arn':
      return [subnetArn(model, subnet)];
    default:
      return tagFilterValues(subnet.tags, name);
  }
}
