import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import type { Ec2Model } from '../model/model.ts';
import {
  associateRouteTable,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  describeRouteTables,
  disassociateRouteTable,
  routeState,
} from '../model/route-tables.ts';
import type { RouteTable } from '../model/state.ts';
import { pageOf, tagSet, tagsFromSpecifications } from './tag-actions.ts';

/** A route table as the `routeTable` / `routeTableSet` item of EC2 replies. */
export function routeTableXml(model: Ec2Model, table: RouteTable): XmlObject {
  return {
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    ownerId: model.accountId,
    routeSet: table.routes.map((route) => ({
      destinationCidrBlock: route.destinationCidrBlock,
      gatewayId: route.gatewayId,
      state: routeState(model, table, route),
      origin: route.origin,
    })),
    associationSet: table.associations.map((association) => ({
      routeTableAssociationId: association.associationId,
      routeTableId: table.routeTableId,
      subnetId: association.subnetId,
      main: association.main,
      associationState: { state: 'associated' },
    })),
    propagatingVgwSet: [],
    tagSet: tagSet(table.tags),
  };
}

/** CreateRouteTable: `VpcId`, `TagSpecification.N` (type `route-table`). */
function createRouteTableAction({ model, params }: ActionContext): XmlObject {
  const vpcId = params.required('VpcId');
  const tags = tagsFromSpecifications(model, params, 'route-table');
  return { routeTable: routeTableXml(model, createRouteTable(model, { vpcId, tags })) };
}

/** DescribeRouteTables: `RouteTableId.N`, `Filter.N`, `MaxResults` (5..100), `NextToken`. */
function describeRouteTablesAction({ model, params }: ActionContext): XmlObject {
  const tables = describeRouteTables(model, { routeTableIds: params.list('RouteTableId'), filters: params.filters() });
  const page = pageOf(params, tables, { min: 5, max: 100 });
  return { routeTableSet: page.items.map((table) => routeTableXml(model, table)), nextToken: page.nextToken };
}

/** AssociateRouteTable: `RouteTableId`, `SubnetId`. */
function associateRouteTableAction({ model, params }: ActionContext): XmlObject {
  const association = associateRouteTable(model, {
    routeTableId: params.required('RouteTableId'),
    subnetId: params.required('SubnetId'),
  });
  return { associationId: association.associationId, associationState: { state: 'associated' } };
}

/** DisassociateRouteTable: `AssociationId`. */
function disassociateRouteTableAction({ model, params }: ActionContext): XmlObject {
  disassociateRouteTable(model, params.required('AssociationId'));
  return { return: true };
}

/** CreateRoute: `RouteTableId`, `DestinationCidrBlock`, `GatewayId` (an internet gateway). */
function createRouteAction({ model, params }: ActionContext): XmlObject {
  createRoute(model, {
    routeTableId: params.required('RouteTableId'),
    destinationCidrBlock: params.required('DestinationCidrBlock'),
    gatewayId: params.required('GatewayId'),
  });
  return { return: true };
}

/** DeleteRoute: `RouteTableId`, `DestinationCidrBlock`. */
function deleteRouteAction({ model, params }: ActionContext): XmlObject {
  deleteRoute(model, {
    routeTableId: params.required('RouteTableId'),
    destinationCidrBlock: params.required('DestinationCidrBlock'),
  });
  return { return: true };
}

/** DeleteRouteTable: `RouteTableId`. */
function deleteRouteTableAction({ model, params }: ActionContext): XmlObject {
  deleteRouteTable(model, params.required('RouteTableId'));
  return { return: true };
}

/** The route table actions, by name. */
export const ROUTE_TABLE_ACTIONS: ActionTable = {
  CreateRouteTable: createRouteTableAction,
  DescribeRouteTables: describeRouteTablesAction,
  AssociateRouteTable: associateRouteTableAction,
  DisassociateRouteTable: disassociateRouteTableAction,
  CreateRoute: createRouteAction,
  DeleteRoute: deleteRouteAction,
  DeleteRouteTable: deleteRouteTableAction,
};
