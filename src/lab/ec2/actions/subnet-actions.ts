import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import { subnetAvailableCount } from '../model/addresses.ts';
import type { Ec2Model } from '../model/model.ts';
import type { Subnet } from '../model/state.ts';
import { createSubnet, deleteSubnet, describeSubnets, modifySubnetAttribute, subnetArn } from '../model/subnets.ts';
import { pageOf, tagSet, tagsFromSpecifications } from './tag-actions.ts';

/** A subnet as the `subnet` / `subnetSet` item of EC2 replies. */
export function subnetXml(model: Ec2Model, subnet: Subnet): XmlObject {
  return {
    subnetId: subnet.subnetId,
    subnetArn: subnetArn(model, subnet),
    state: 'available',
    vpcId: subnet.vpcId,
    ownerId: model.accountId,
    cidrBlock: subnet.cidrBlock,
    availableIpAddressCount: subnetAvailableCount(model, subnet),
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: subnet.availabilityZoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    mapCustomerOwnedIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    enableDns64: false,
    ipv6Native: false,
    privateDnsNameOptionsOnLaunch: {
      hostnameType: 'ip-name',
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
    tagSet: tagSet(subnet.tags),
  };
}

/** CreateSubnet: `VpcId`, `CidrBlock`, `AvailabilityZone` or `AvailabilityZoneId`, `TagSpecification.N`. */
function createSubnetAction({ model, params }: ActionContext): XmlObject {
  const vpcId = params.required('VpcId');
  const cidrBlock = params.required('CidrBlock');
  const tags = tagsFromSpecifications(model, params, 'subnet');
  const availabilityZone = params.get('AvailabilityZone');
  const availabilityZoneId = params.get('AvailabilityZoneId');
  const subnet = createSubnet(model, {
    vpcId,
    cidrBlock,
    tags,
    ...(availabilityZone === undefined ? {} : { availabilityZone }),
    ...(availabilityZoneId === undefined ? {} : { availabilityZoneId }),
  });
  return { subnet: subnetXml(model, subnet) };
}

/** DescribeSubnets: `SubnetId.N`, `Filter.N`, `MaxResults` (5..1000), `NextToken`. */
function describeSubnetsAction({ model, params }: ActionContext): XmlObject {
  const subnets = describeSubnets(model, { subnetIds: params.list('SubnetId'), filters: params.filters() });
  const page = pageOf(params, subnets);
  return { subnetSet: page.items.map((subnet) => subnetXml(model, subnet)), nextToken: page.nextToken };
}

/** ModifySubnetAttribute: `SubnetId`, `MapPublicIpOnLaunch.Value`. */
function modifySubnetAttributeAction({ model, params }: ActionContext): XmlObject {
  const subnetId = params.required('SubnetId');
  const mapPublicIpOnLaunch = params.bool('MapPublicIpOnLaunch.Value');
  modifySubnetAttribute(model, { subnetId, ...(mapPublicIpOnLaunch === undefined ? {} : { mapPublicIpOnLaunch }) });
  return { return: true };
}

/** DeleteSubnet: `SubnetId`. */
function deleteSubnetAction({ model, params }: ActionContext): XmlObject {
  deleteSubnet(model, params.required('SubnetId'));
  return { return: true };
}

/** The subnet actions, by name. */
export const SUBNET_ACTIONS: ActionTable = {
  CreateSubnet: createSubnetAction,
  DescribeSubnets: describeSubnetsAction,
  ModifySubnetAttribute: modifySubnetAttributeAction,
  DeleteSubnet: deleteSubnetAction,
};
