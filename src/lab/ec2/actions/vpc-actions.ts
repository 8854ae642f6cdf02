import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import type { Ec2Model } from '../model/model.ts';
import type { Vpc, VpcCidrAssociation } from '../model/state.ts';
import { associateVpcCidrBlock, createVpc, deleteVpc, describeVpcs } from '../model/vpcs.ts';
import { pageOf, tagSet, tagsFromSpecifications } from './tag-actions.ts';

function cidrAssociationXml(association: VpcCidrAssociation): XmlObject {
  return {
    associationId: association.associationId,
    cidrBlock: association.cidrBlock,
    cidrBlockState: { state: association.state },
  };
}

/** A VPC as the `vpc` / `vpcSet` item of EC2 replies. */
export function vpcXml(model: Ec2Model, vpc: Vpc): XmlObject {
  return {
    vpcId: vpc.vpcId,
    ownerId: model.accountId,
    state: 'available',
    cidrBlock: vpc.cidrBlocks[0]?.cidrBlock,
    cidrBlockAssociationSet: vpc.cidrBlocks.filter((block) => block.state === 'associated').map(cidrAssociationXml),
    dhcpOptionsId: vpc.dhcpOptionsId,
    instanceTenancy: 'default',
    isDefault: vpc.isDefault,
    tagSet: tagSet(vpc.tags),
  };
}

/** CreateVpc: `CidrBlock`, `TagSpecification.N` (type `vpc`). */
function createVpcAction({ model, params }: ActionContext): XmlObject {
  const cidrBlock = params.required('CidrBlock');
  const tags = tagsFromSpecifications(model, params, 'vpc');
  return { vpc: vpcXml(model, createVpc(model, { cidrBlock, tags })) };
}

/** DescribeVpcs: `VpcId.N`, `Filter.N`, `MaxResults` (5..1000), `NextToken`. */
function describeVpcsAction({ model, params }: ActionContext): XmlObject {
  const vpcs = describeVpcs(model, { vpcIds: params.list('VpcId'), filters: params.filters() });
  const page = pageOf(params, vpcs);
  return { vpcSet: page.items.map((vpc) => vpcXml(model, vpc)), nextToken: page.nextToken };
}

/** AssociateVpcCidrBlock: `VpcId`, `CidrBlock` (a secondary IPv4 block). */
function associateVpcCidrBlockAction({ model, params }: ActionContext): XmlObject {
  const vpcId = params.required('VpcId');
  const association = associateVpcCidrBlock(model, { vpcId, cidrBlock: params.required('CidrBlock') });
  return { vpcId, cidrBlockAssociation: cidrAssociationXml(association) };
}

/** DeleteVpc: `VpcId`. */
function deleteVpcAction({ model, params }: ActionContext): XmlObject {
  deleteVpc(model, params.required('VpcId'));
  return { return: true };
}

/** The VPC actions, by name. */
export const VPC_ACTIONS: ActionTable = {
  CreateVpc: createVpcAction,
  DescribeVpcs: describeVpcsAction,
  AssociateVpcCidrBlock: associateVpcCidrBlockAction,
  DeleteVpc: deleteVpcAction,
};
