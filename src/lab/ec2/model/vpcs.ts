import type { Filter } from '../action.ts';
import { Ec2ApiError } from '../errors.ts';
import type { Cidr } from '../../../core/ip/index.ts';
import { cidrsOverlap, formatCidr, parseCidr } from '../../../core/ip/index.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import { addLocalRoutes, createRouteTable } from './route-tables.ts';
import { createDefaultSecurityGroup } from './security-groups.ts';
import type { Tags, Vpc, VpcCidrAssociation } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';
import { parseCidrParameter, vpcCidrs } from './vpc-cidrs.ts';

/** Smallest and largest VPC CIDR blocks AWS accepts (a /16 down to a /28). */
export const VPC_PREFIX_RANGE = { min: 16, max: 28 } as const;
/** The default quota of IPv4 CIDR blocks per VPC, the primary included. */
export const MAX_CIDRS_PER_VPC = 5;

const dhcpOptionsIds = new WeakMap<Ec2Model, string>();

/** The VPC with this id, or `InvalidVpcID.NotFound`. */
export function getVpc(model: Ec2Model, vpcId: string): Vpc {
  const vpc = model.state.vpcs.get(vpcId);
  if (vpc === undefined) throw resourceNotFound('vpc', vpcId);
  return vpc;
}

/** A VPC CIDR block: a valid block from /16 to /28, else `InvalidVpc.Range`. */
function parseVpcCidr(text: string): Cidr {
  const cidr = parseCidrParameter('cidrBlock', text);
  if (cidr.prefixLength < VPC_PREFIX_RANGE.min || cidr.prefixLength > VPC_PREFIX_RANGE.max) {
    throw new Ec2ApiError('InvalidVpc.Range', `The CIDR '${text}' is invalid.`);
  }
  return cidr;
}

/**
 * CreateVpc. Like AWS, also creates the VPC's main route table (a `local` route for the CIDR) and its
 * `default` security group (all egress; all ingress from members of the group).
 */
export function createVpc(model: Ec2Model, input: { cidrBlock: string; tags?: Tags }): Vpc {
  const cidr = formatCidr(parseVpcCidr(input.cidrBlock));
  const vpc: Vpc = {
    vpcId: model.newId('vpc'),
    cidrBlocks: [{ associationId: model.newId('vpc-cidr-assoc'), cidrBlock: cidr, state: 'associated' }],
    isDefault: false,
    dhcpOptionsId: dhcpOptionsIdOf(model),
    tags: new Map(input.tags),
  };
  model.state.vpcs.set(vpc.vpcId, vpc);
  createRouteTable(model, { vpcId: vpc.vpcId, main: true });
  createDefaultSecurityGroup(model, vpc.vpcId);
  model.emit({ type: 'vpc-changed', vpcId: vpc.vpcId });
  return vpc;
}

/**
 * AssociateVpcCidrBlock: adds a secondary IPv4 block (e.g. 100.64.0.0/16 for custom networking) and a
 * `local` route for it to every route table of the VPC. Overlap → `InvalidVpc.Range`; more than
 * five blocks → `CidrLimitExceeded`.
 */
export function associateVpcCidrBlock(model: Ec2Model, input: { vpcId: string; cidrBlock: string }): VpcCidrAssociation {
  const vpc = getVpc(model, input.vpcId);
  const cidr = parseVpcCidr(input.cidrBlock);
  const text = formatCidr(cidr);
  const current = vpcCidrs(vpc);
  if (current.some((existing) => cidrsOverlap(parseCidr(existing), cidr))) {
    throw new Ec2ApiError('InvalidVpc.Range', `The CIDR '${text}' is invalid: it overlaps a CIDR block of VPC '${vpc.vpcId}'.`);
  }
  if (current.length >= MAX_CIDRS_PER_VPC) {
    throw new Ec2ApiError('CidrLimitExceeded', `This network '${vpc.vpcId}' has met its maximum number of allowed CIDRs: ${MAX_CIDRS_PER_VPC}`);
  }
  const association: VpcCidrAssociation = { associationId: model.newId('vpc-cidr-assoc'), cidrBlock: text, state: 'associated' };
  vpc.cidrBlocks.push(association);
  addLocalRoutes(model, vpc.vpcId, text);
  model.emit({ type: 'vpc-changed', vpcId: vpc.vpcId });
  return association;
}

/**
 * DeleteVpc: only a VPC with nothing left in it but its main route table and default security group,
 * else `DependencyViolation`. Those two go with it.
 */
export function deleteVpc(model: Ec2Model, vpcId: string): void {
  getVpc(model, vpcId);
  const { state } = model;
  const dependent =
    [...state.subnets.values()].some((s) => s.vpcId === vpcId) ||
    [...state.internetGateways.values()].some((igw) => igw.vpcId === vpcId) ||
    [...state.networkInterfaces.values()].some((eni) => eni.vpcId === vpcId) ||
    [...state.securityGroups.values()].some((sg) => sg.vpcId === vpcId && sg.groupName !== 'default') ||
    [...state.routeTables.values()].some((rtb) => rtb.vpcId === vpcId && !rtb.associations.some((a) => a.main));
  if (dependent) {
    throw new Ec2ApiError('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
  }
  for (const [id, rtb] of state.routeTables) {
    if (rtb.vpcId !== vpcId) continue;
    state.routeTables.delete(id);
    model.emit({ type: 'route-table-changed', routeTableId: id });
  }
  for (const [id, group] of state.securityGroups) {
    if (group.vpcId !== vpcId) continue;
    state.securityGroups.delete(id);
    model.emit({ type: 'security-group-changed', groupId: id });
  }
  state.vpcs.delete(vpcId);
  model.emit({ type: 'vpc-changed', vpcId });
}

/** DescribeVpcs: the VPCs named by id (each must exist), or all, that pass the filters. */
export function describeVpcs(model: Ec2Model, request: { vpcIds: readonly string[]; filters: readonly Filter[] }): Vpc[] {
  const vpcs = request.vpcIds.length > 0 ? request.vpcIds.map((id) => getVpc(model, id)) : [...model.state.vpcs.values()];
  return vpcs.filter((vpc) => matchesFilters(vpc, request.filters, (v, name) => vpcFilterValues(model, v, name), unknownFilter));
}

function vpcFilterValues(model: Ec2Model, vpc: Vpc, name: string): readonly string[] | undefined {
  const associated = vpc.cidrBlocks.filter((block) => block.state === 'associated');
  switch (name) {
    case 'vpc-id':
      return [vpc.vpcId];
    case 'cidr':
      return [vpc.cidrBlocks[0]?.cidrBlock ?? ''];
    case 'cidr-block-association.cidr-block':
      return associated.map((block) => block.cidrBlock);
    case 'cidr-block-association.association-id':
      return associated.map((block) => block.associationId);
    case 'cidr-block-association.state':
      return associated.map((block) => block.state);
    case 'dhcp-options-id':
      return [vpc.dhcpOptionsId];
    case 'is-default':
      return [String(vpc.isDefault)];
    case 'owner-id':
      return [model.accountId];
    case 'state':
      return ['available'];
    default:
      return tagFilterValues(vpc.tags, name);
  }
}

/** The region's default DHCP options set, shared by every VPC of the model as on AWS. */
function dhcpOptionsIdOf(model: Ec2Model): string {
  let id = dhcpOptionsIds.get(model);
  if (id === undefined) {
    id = model.newId('dopt');
    dhcpOptionsIds.set(model, id);
  }
  return id;
}
