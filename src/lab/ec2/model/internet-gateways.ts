import type { Filter } from '../action.ts';
import { Ec2ApiError } from '../errors.ts';
import { matchesFilters, tagFilterValues } from './filters.ts';
import type { Ec2Model } from './model.ts';
import type { InternetGateway, Tags } from './state.ts';
import { resourceNotFound, unknownFilter } from './tags.ts';

/** The internet gateway with this id, or `InvalidInternetGatewayID.NotFound`. */
export function getInternetGateway(model: Ec2Model, internetGatewayId: string): InternetGateway {
  const gateway = model.state.internetGateways.get(internetGatewayId);
  if (gateway === undefined) throw resourceNotFound('internet-gateway', internetGatewayId);
  return gateway;
}

/** CreateInternetGateway: a detached gateway. */
export function createInternetGateway(model: Ec2Model, input: { tags?: Tags } = {}): InternetGateway {
  const gateway: InternetGateway = { internetGatewayId: model.newId('igw'), tags: new Map(input.tags) };
  model.state.internetGateways.set(gateway.internetGatewayId, gateway);
  model.emit({ type: 'internet-gateway-changed', internetGatewayId: gateway.internetGatewayId });
  return gateway;
}

/**
 * AttachInternetGateway: one VPC per gateway and one gateway per VPC; either already taken is
 * `Resource.AlreadyAssociated`.
 */
export function attachInternetGateway(model: Ec2Model, input: { internetGatewayId: string; vpcId: string }): void {
  const gateway = getInternetGateway(model, input.internetGatewayId);
  if (!model.state.vpcs.has(input.vpcId)) throw resourceNotFound('vpc', input.vpcId);
  if (gateway.vpcId !== undefined) {
    throw new Ec2ApiError('Resource.AlreadyAssociated', `resource ${gateway.internetGatewayId} is already attached to network ${gateway.vpcId}`);
  }
  const other = [...model.state.internetGateways.values()].find((igw) => igw.vpcId === input.vpcId);
  if (other !== undefined) {
    throw new Ec2ApiError('Resource.AlreadyAssociated', `network ${input.vpcId} already has an internet gateway attached`);
  }
  gateway.vpcId = input.vpcId;
  model.emit({ type: 'internet-gateway-changed', internetGatewayId: gateway.internetGatewayId });
}

/** DetachInternetGateway: `Gateway.NotAttached` unless the gateway is attached to that VPC. */
export function detachInternetGateway(model: Ec2Model, input: { internetGatewayId: string; vpcId: string }): void {
  const gateway = getInternetGateway(model, input.internetGatewayId);
  if (!model.state.vpcs.has(input.vpcId)) throw resourceNotFound('vpc', input.vpcId);
  if (gateway.vpcId !== input.vpcId) {
    throw new Ec2ApiError('Gateway.NotAttached', `resource ${gateway.internetGatewayId} is not attached to network ${input.vpcId}`);
  }
  delete gateway.vpcId;
  model.emit({ type: 'internet-gateway-changed', internetGatewayId: gateway.internetGatewayId });
}

/** DeleteInternetGateway: an attached gateway is `DependencyViolation`. */
export function deleteInternetGateway(model: Ec2Model, internetGatewayId: string): void {
  const gateway = getInternetGateway(model, internetGatewayId);
  if (gateway.vpcId !== undefined) {
    throw new Ec2ApiError('DependencyViolation', `The internetGateway '${internetGatewayId}' has dependencies and cannot be deleted.`);
  }
  model.state.internetGateways.delete(internetGatewayId);
  model.emit({ type: 'internet-gateway-changed', internetGatewayId });
}

/** DescribeInternetGateways: the gateways named by id (each must exist), or all, that pass the filters. */
export function describeInternetGateways(
  model: Ec2Model,
  request: { internetGatewayIds: readonly string[]; filters: readonly Filter[] },
): InternetGateway[] {
  const gateways = request.internetGatewayIds.length > 0
    ? request.internetGatewayIds.map((id) => getInternetGateway(model, id))
    : [...model.state.internetGateways.values()];
  const valuesOf = (gateway: InternetGateway, name: string): readonly string[] | undefined => {
    switch (name) {
      case 'internet-gateway-id':
        return [gateway.internetGatewayId];
      case 'attachment.vpc-id':
        return gateway.vpcId === undefined ? [] : [gateway.vpcId];
      case 'attachment.state':
        return gateway.vpcId === undefined ? [] : ['available'];
      case 'owner-id':
        return [model.accountId];
      default:
        return tagFilterValues(gateway.tags, name);
    }
  };
  return gateways.filter((gateway) => matchesFilters(gateway, request.filters, valuesOf, unknownFilter));
}
