import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import {
  attachInternetGateway,
  createInternetGateway,
  deleteInternetGateway,
  describeInternetGateways,
  detachInternetGateway,
} from '../model/internet-gateways.ts';
import type { Ec2Model } from '../model/model.ts';
import type { InternetGateway } from '../model/state.ts';
import { pageOf, tagSet, tagsFromSpecifications } from './tag-actions.ts';

/** An internet gateway as the `internetGateway` / `internetGatewaySet` item (attachment state `available`, as AWS reports). */
export function internetGatewayXml(model: Ec2Model, gateway: InternetGateway): XmlObject {
  return {
    internetGatewayId: gateway.internetGatewayId,
    ownerId: model.accountId,
    attachmentSet: gateway.vpcId === undefined ? [] : [{ vpcId: gateway.vpcId, state: 'available' }],
    tagSet: tagSet(gateway.tags),
  };
}

/** CreateInternetGateway: `TagSpecification.N` (type `internet-gateway`). */
function createInternetGatewayAction({ model, params }: ActionContext): XmlObject {
  const tags = tagsFromSpecifications(model, params, 'internet-gateway');
  return { internetGateway: internetGatewayXml(model, createInternetGateway(model, { tags })) };
}

function gatewayAndVpc({ params }: ActionContext): { internetGatewayId: string; vpcId: string } {
  return { internetGatewayId: params.required('InternetGatewayId'), vpcId: params.required('VpcId') };
}

/** AttachInternetGateway: `InternetGatewayId`, `VpcId`. */
function attachInternetGatewayAction(context: ActionContext): XmlObject {
  attachInternetGateway(context.model, gatewayAndVpc(context));
  return { return: true };
}

/** DetachInternetGateway: `InternetGatewayId`, `VpcId`. */
function detachInternetGatewayAction(context: ActionContext): XmlObject {
  detachInternetGateway(context.model, gatewayAndVpc(context));
  return { return: true };
}

/** DeleteInternetGateway: `InternetGatewayId`. */
function deleteInternetGatewayAction({ model, params }: ActionContext): XmlObject {
  deleteInternetGateway(model, params.required('InternetGatewayId'));
  return { return: true };
}

/** DescribeInternetGateways: `InternetGatewayId.N`, `Filter.N`, `MaxResults` (5..1000), `NextToken`. */
function describeInternetGatewaysAction({ model, params }: ActionContext): XmlObject {
  const gateways = describeInternetGateways(model, { internetGatewayIds: params.list('InternetGatewayId'), filters: params.filters() });
  const page = pageOf(params, gateways);
  return { internetGatewaySet: page.items.map((gateway) => internetGatewayXml(model, gateway)), nextToken: page.nextToken };
}

/** The internet gateway actions, by name. */
export const INTERNET_GATEWAY_ACTIONS: ActionTable = {
  CreateInternetGateway: createInternetGatewayAction,
  AttachInternetGateway: attachInternetGatewayAction,
  DetachInternetGateway: detachInternetGatewayAction,
  DeleteInternetGateway: deleteInternetGatewayAction,
  DescribeInternetGateways: describeInternetGatewaysAction,
};
