import type { Filter } from '../action.ts';
import { cidrContainsCidr, formatCidr, parseCidr } from '../../../core/ip/index.ts';
import { Ec2ApiError, invalidParameterValue } from '../errors.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import type { Route, RouteTable, RouteTableAssociation, Subnet, Tags, Vpc } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';
import { parseCidrParameter, vpcCidrs } from './vpc-cidrs.ts';

/** Where a route currently leads: `blackhole` when its internet gateway is no longer attached. */
export type RouteState = 'active' | 'blackhole';

/** The route table with this id, or `InvalidRouteTableID.NotFound`. */
export function getRouteTable(model: Ec2Model, routeTableId: string): RouteTable {
  const table = model.state.routeTables.get(routeTableId);
  if (table === undefined) throw resourceNotFound('route-table', routeTableId);
  return table;
}

function vpcOf(model: Ec2Model, vpcId: string): Vpc {
  const vpc = model.state.vpcs.get(vpcId);
  if (vpc === undefined) throw resourceNotFound('vpc', vpcId);
  return vpc;
}

function subnetOf(model: Ec2Model, subnetId: string): Subnet {
  const subnet = model.state.subnets.get(subnetId);
  if (subnet === undefined) throw resourceNotFound('subnet', subnetId);
  return subnet;
}

/**
 * CreateRouteTable: a table with a `local` route for every CIDR block of the VPC. `main` is used by
 * CreateVpc for the VPC's main table (a main association and no subnet).
 */
export function createRouteTable(model: Ec2Model, input: { vpcId: string; main?: boolean; tags?: Tags }): RouteTable {
  const vpc = vpcOf(model, input.vpcId);
  const table: RouteTable = {
    routeTableId: model.newId('rtb'),
    vpcId: vpc.vpcId,
    routes: vpcCidrs(vpc).map((cidr) => localRoute(cidr)),
    associations: input.main === true ? [{ associationId: model.newId('rtbassoc'), main: true }] : [],
    tags: new Map(input.tags),
  };
  model.state.routeTables.set(table.routeTableId, table);
  model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
  return table;
}

function localRoute(cidr: string): Route {
  return { destinationCidrBlock: cidr, gatewayId: 'local', origin: 'CreateRouteTable' };
}

/** Adds a `local` route for a new VPC CIDR block to every route table of the VPC. */
export function addLocalRoutes(model: Ec2Model, vpcId: string, cidr: string): void {
  for (const table of model.state.routeTables.values()) {
    if (table.vpcId !== vpcId) continue;
    table.routes.push(localRoute(cidr));
    model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
  }
}

/**
 * AssociateRouteTable: gives the subnet this table explicitly. A subnet has at most one explicit
 * association, so a subnet already associated (with any table) is `Resource.AlreadyAssociated`.
 */
export function associateRouteTable(model: Ec2Model, input: { routeTableId: string; subnetId: string }): RouteTableAssociation {
  const table = getRouteTable(model, input.routeTableId);
  const subnet = subnetOf(model, input.subnetId);
  if (subnet.vpcId !== table.vpcId) {
    throw new Ec2ApiError('InvalidParameterValue', `Route table ${table.routeTableId} and subnet ${subnet.subnetId} belong to different networks`);
  }
  const existing = explicitTableOf(model, subnet.subnetId);
  if (existing !== undefined) {
    throw new Ec2ApiError(
      'Resource.AlreadyAssociated',
      `the specified association for route table ${table.routeTableId} conflicts with an existing association`,
    );
  }
  const association: RouteTableAssociation = { associationId: model.newId('rtbassoc'), subnetId: subnet.subnetId, main: false };
  table.associations.push(association);
  model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
  model.emit({ type: 'subnet-changed', subnetId: subnet.subnetId });
  return association;
}

/** DisassociateRouteTable: removes an explicit subnet association (the main one cannot be removed). */
export function disassociateRouteTable(model: Ec2Model, associationId: string): void {
  for (const table of model.state.routeTables.values()) {
    const index = table.associations.findIndex((a) => a.associationId === associationId);
    const association = table.associations[index];
    if (association === undefined) continue;
    if (association.main) {
      throw new Ec2ApiError('InvalidParameterValue', `cannot disassociate the main route table association ${associationId}`);
    }
    table.associations.splice(index, 1);
    model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
    if (association.subnetId !== undefined) model.emit({ type: 'subnet-changed', subnetId: association.subnetId });
    return;
  }
  throw new Ec2ApiError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
}

/**
 * CreateRoute to an internet gateway attached to the table's VPC (e.g. 0.0.0.0/0 → igw-...). An
 * existing destination is `RouteAlreadyExists`; a destination inside a VPC CIDR is refused.
 */
export function createRoute(model: Ec2Model, input: { routeTableId: string; destinationCidrBlock: string; gatewayId: string }): Route {
  const table = getRouteTable(model, input.routeTableId);
  const destination = formatCidr(parseCidrParameter('destinationCidrBlock', input.destinationCidrBlock));
  const gateway = model.state.internetGateways.get(input.gatewayId);
  if (gateway === undefined) throw resourceNotFound('internet-gateway', input.gatewayId);
  if (table.routes.some((route) => route.destinationCidrBlock === destination)) {
    throw new Ec2ApiError('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
  }
  if (gateway.vpcId !== table.vpcId) {
    throw new Ec2ApiError('InvalidParameterValue', `route table ${table.routeTableId} and network gateway ${gateway.internetGatewayId} belong to different networks`);
  }
  const inside = vpcCidrs(vpcOf(model, table.vpcId)).some((cidr) => cidrContainsCidr(parseCidr(cidr), parseCidr(destination)));
  if (inside) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `The destination CIDR block ${destination} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`,
    );
  }
  const route: Route = { destinationCidrBlock: destination, gatewayId: gateway.internetGatewayId, origin: 'CreateRoute' };
  table.routes.push(route);
  model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
  return route;
}

/** DeleteRoute: `InvalidRoute.NotFound` for no such route; `local` routes cannot be deleted. */
export function deleteRoute(model: Ec2Model, input: { routeTableId: string; destinationCidrBlock: string }): void {
  const table = getRouteTable(model, input.routeTableId);
  const destination = formatCidr(parseCidrParameter('destinationCidrBlock', input.destinationCidrBlock));
  const index = table.routes.findIndex((route) => route.destinationCidrBlock === destination);
  const route = table.routes[index];
  if (route === undefined) {
    throw new Ec2ApiError('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination} in route table ${table.routeTableId}`);
  }
  if (route.gatewayId === 'local') {
    throw invalidParameterValue('destinationCidrBlock', destination, `cannot remove local route ${destination} in route table ${table.routeTableId}`);
  }
  table.routes.splice(index, 1);
  model.emit({ type: 'route-table-changed', routeTableId: table.routeTableId });
}

/** DeleteRouteTable: the main table, or one with subnet associations, is `DependencyViolation`. */
export function deleteRouteTable(model: Ec2Model, routeTableId: string): void {
  const table = getRouteTable(model, routeTableId);
  if (table.associations.length > 0) {
    throw new Ec2ApiError('DependencyViolation', `The routeTable '${routeTableId}' has dependencies and cannot be deleted.`);
  }
  model.state.routeTables.delete(routeTableId);
  model.emit({ type: 'route-table-changed', routeTableId });
}

/** `active`, or `blackhole` for a route to an internet gateway that is not attached to the table's VPC. */
export function routeState(model: Ec2Model, table: RouteTable, route: Route): RouteState {
  if (route.gatewayId === 'local') return 'active';
  return model.state.internetGateways.get(route.gatewayId)?.vpcId === table.vpcId ? 'active' : 'blackhole';
}

function explicitTableOf(model: Ec2Model, subnetId: string): RouteTable | undefined {
  for (const table of model.state.routeTables.values()) {
    if (table.associations.some((a) => a.subnetId === subnetId)) return table;
  }
  return undefined;
}

/** The table that routes the subnet: its explicit association, else its VPC's main table. */
export function routeTableForSubnet(model: Ec2Model, subnetId: string): RouteTable | undefined {
  const explicit = explicitTableOf(model, subnetId);
  if (explicit !== undefined) return explicit;
  const subnet = model.state.subnets.get(subnetId);
  if (subnet === undefined) return undefined;
  for (const table of model.state.routeTables.values()) {
    if (table.vpcId === subnet.vpcId && table.associations.some((a) => a.main)) return table;
  }
  return undefined;
}

/** True when the subnet's route table sends 0.0.0.0/0 to an attached internet gateway. */
export function isPublicSubnet(model: Ec2Model, subnetId: string): boolean {
  const table = routeTableForSubnet(model, subnetId);
  if (table === undefined) return false;
  return table.routes.some(
    (route) => route.destinationCidrBlock === '0.0.0.0/0' && route.gatewayId.startsWith('igw-') && routeState(model, table, route) === 'active',
  );
}

/** DescribeRouteTables: the tables named by id (each must exist), or all, that pass the filters. */
export function describeRouteTables(model: Ec2Model, request: { routeTableIds: readonly string[]; filters: readonly Filter[] }): RouteTable[] {
  const tables = request.routeTableIds.length > 0
    ? request.routeTableIds.map((id) => getRouteTable(model, id))
    : [...model.state.routeTables.values()];
  const valuesOf = (table: RouteTable, name: string): readonly string[] | undefined => routeTableFilterValues(model, table, name);
  return tables.filter((table) => matchesFilters(table, request.filters, valuesOf, unknownFilter));
}

function routeTableFilterValues(model: Ec2Model, table: RouteTable, name: string): readonly string[] | undefined {
  const { associations, routes } = table;
  switch (name) {
    case 'vpc-id':
      return [table.vpcId];
    case 'route-table-id':
    case 'association.route-table-id':
      return name === 'route-table-id' || associations.length > 0 ? [table.routeTableId] : [];
    case 'owner-id':
      return [model.accountId];
    case 'association.subnet-id':
      return associations.flatMap((a) => (a.subnetId === undefined ? [] : [a.subnetId]));
    case 'association.main':
      return [String(associations.some((a) => a.main))];
    case 'association.route-table-association-id':
      return associations.map((a) => a.associationId);
    case 'route.destination-cidr-block':
      return routes.map((route) => route.destinationCidrBlock);
    case 'route.gateway-id':
      return routes.map((route) => route.gatewayId);
    case 'route.origin':
      return routes.map((route) => route.origin);
    case 'route.state':
      return routes.map((route) => routeState(model, table, route));
    default:
      return tagFilterValues(table.tags, name);
  }
}
