import type { ActionTable } from '../action.ts';
import { INTERNET_GATEWAY_ACTIONS } from './internet-gateway-actions.ts';
import { ROUTE_TABLE_ACTIONS } from './route-table-actions.ts';
import { SECURITY_GROUP_ACTIONS } from './security-group-actions.ts';
import { SUBNET_ACTIONS } from './subnet-actions.ts';
import { TAG_ACTIONS } from './tag-actions.ts';
import { VPC_ACTIONS } from './vpc-actions.ts';
import { ZONE_ACTIONS } from './zone-actions.ts';

/** The network half of the EC2 emulator: zones, VPCs, subnets, route tables, gateways, groups, tags. */
export const NETWORK_ACTIONS: ActionTable = {
  ...ZONE_ACTIONS,
  ...VPC_ACTIONS,
  ...SUBNET_ACTIONS,
  ...ROUTE_TABLE_ACTIONS,
  ...INTERNET_GATEWAY_ACTIONS,
  ...SECURITY_GROUP_ACTIONS,
  ...TAG_ACTIONS,
};
