import type { ActionContext, ActionTable, QueryParams, XmlObject } from '../action.ts';
import { Ec2ApiError, invalidParameterValue, missingParameter } from '../errors.ts';
import { attachNetworkInterface, detachNetworkInterface } from '../model/eni-attachments.ts';
import type { EniAttributeChange } from '../model/network-interface-attributes.ts';
import { modifyNetworkInterfaceAttribute } from '../model/network-interface-attributes.ts';
import { describeNetworkInterfaces } from '../model/network-interface-queries.ts';
import { createNetworkInterface, deleteNetworkInterface } from '../model/network-interfaces.ts';
import type { InterfaceType } from '../model/state.ts';
import { networkInterfaceXml } from './eni-xml.ts';
import { pageOf, tagsFromSpecifications } from './tag-actions.ts';

const INTERFACE_TYPES: readonly InterfaceType[] = ['interface', 'trunk', 'branch'];

function interfaceType(params: QueryParams): InterfaceType | undefined {
  const text = params.get('InterfaceType');
  if (text === undefined) return undefined;
  const known = INTERFACE_TYPES.find((type) => type === text);
  if (known === undefined) throw invalidParameterValue('InterfaceType', text, `The lab supports ${INTERFACE_TYPES.join(', ')}.`);
  return known;
}

/** `PrivateIpAddress` and `PrivateIpAddresses.N.{PrivateIpAddress, Primary}` as the primary plus secondaries. */
function requestedAddresses(params: QueryParams): { primary?: string; secondaries: string[] } {
  const listed = params.structs('PrivateIpAddresses').map((spec) => ({ address: spec.required('PrivateIpAddress'), primary: spec.bool('Primary') === true }));
  const marked = listed.filter((entry) => entry.primary).map((entry) => entry.address);
  const top = params.get('PrivateIpAddress');
  const primaries = new Set([...(top === undefined ? [] : [top]), ...marked]);
  if (primaries.size > 1) throw new Ec2ApiError('InvalidParameterCombination', 'Only one primary private IP address may be specified.');
  const primary = [...primaries][0] ?? listed[0]?.address;
  return { ...(primary === undefined ? {} : { primary }), secondaries: listed.map((entry) => entry.address).filter((address) => address !== primary) };
}

/**
 * CreateNetworkInterface: `SubnetId`, `Description`, `SecurityGroupId.N`, `PrivateIpAddress`,
 * `PrivateIpAddresses.N`, `SecondaryPrivateIpAddressCount`, `Ipv4Prefix.N`, `Ipv4PrefixCount`,
 * `InterfaceType`, `TagSpecification.N` (network-interface), `ClientToken`.
 */
function createNetworkInterfaceAction({ model, params }: ActionContext): XmlObject {
  const subnetId = params.required('SubnetId');
  const { primary, secondaries } = requestedAddresses(params);
  const count = params.int('SecondaryPrivateIpAddressCount', { min: 0 });
  const prefixCount = params.int('Ipv4PrefixCount', { min: 0 });
  const prefixes = params.structs('Ipv4Prefix').map((spec) => spec.get('Ipv4Prefix') ?? '').filter((prefix) => prefix !== '');
  prefixes.push(...params.list('Ipv4Prefix'));
  const type = interfaceType(params);
  const description = params.get('Description');
  const clientToken = params.get('ClientToken');
  const eni = createNetworkInterface(model, {
    subnetId,
    groupIds: params.list('SecurityGroupId'),
    tags: tagsFromSpecifications(model, params, 'network-interface'),
    privateIpAddresses: secondaries,
    ipv4Prefixes: prefixes,
    ...(primary === undefined ? {} : { primaryPrivateIpAddress: primary }),
    ...(count === undefined || count === 0 ? {} : { secondaryPrivateIpAddressCount: count }),
    ...(prefixCount === undefined || prefixCount === 0 ? {} : { ipv4PrefixCount: prefixCount }),
    ...(type === undefined ? {} : { interfaceType: type }),
    ...(description === undefined ? {} : { description }),
    ...(clientToken === undefined ? {} : { clientToken }),
  });
  return { networkInterface: networkInterfaceXml(model, eni), clientToken };
}

/** DescribeNetworkInterfaces: `NetworkInterfaceId.N`, `Filter.N`, `MaxResults` (5..1000, not with ids), `NextToken`. */
function describeNetworkInterfacesAction({ model, params }: ActionContext): XmlObject {
  const networkInterfaceIds = params.list('NetworkInterfaceId');
  if (networkInterfaceIds.length > 0 && params.get('MaxResults') !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
  }
  const page = pageOf(params, describeNetworkInterfaces(model, { networkInterfaceIds, filters: params.filters() }));
  return { networkInterfaceSet: page.items.map((eni) => networkInterfaceXml(model, eni)), nextToken: page.nextToken };
}

/** AttachNetworkInterface: `NetworkInterfaceId`, `InstanceId`, `DeviceIndex`, `NetworkCardIndex`. */
function attachNetworkInterfaceAction({ model, params }: ActionContext): XmlObject {
  const networkInterfaceId = params.required('NetworkInterfaceId');
  const instanceId = params.required('InstanceId');
  const deviceIndex = params.int('DeviceIndex', { min: 0 });
  if (deviceIndex === undefined) throw missingParameter('DeviceIndex');
  const networkCardIndex = params.int('NetworkCardIndex', { min: 0 });
  const attachment = attachNetworkInterface(model, {
    networkInterfaceId,
    instanceId,
    deviceIndex,
    ...(networkCardIndex === undefined ? {} : { networkCardIndex }),
  });
  return { attachmentId: attachment.attachmentId, networkCardIndex: attachment.networkCardIndex };
}

/** DetachNetworkInterface: `AttachmentId`, `Force`. */
function detachNetworkInterfaceAction({ model, params }: ActionContext): XmlObject {
  detachNetworkInterface(model, { attachmentId: params.required('AttachmentId'), force: params.bool('Force') ?? false });
  return { return: true };
}

/** DeleteNetworkInterface: `NetworkInterfaceId`. */
function deleteNetworkInterfaceAction({ model, params }: ActionContext): XmlObject {
  deleteNetworkInterface(model, params.required('NetworkInterfaceId'));
  return { return: true };
}

/** The single attribute change of a ModifyNetworkInterfaceAttribute request. */
function attributeChange(params: QueryParams): EniAttributeChange {
  const changes: EniAttributeChange[] = [];
  const attachment = params.struct('Attachment');
  if (attachment !== undefined) {
    const deleteOnTermination = attachment.bool('DeleteOnTermination');
    if (deleteOnTermination === undefined) throw missingParameter('Attachment.DeleteOnTermination');
    changes.push({ kind: 'attachment', attachmentId: attachment.required('AttachmentId'), deleteOnTermination });
  }
  const groupIds = params.list('SecurityGroupId');
  if (groupIds.length > 0) changes.push({ kind: 'groups', groupIds });
  const description = params.struct('Description')?.get('Value');
  if (description !== undefined) changes.push({ kind: 'description', description });
  const sourceDestCheck = params.struct('SourceDestCheck')?.bool('Value');
  if (sourceDestCheck !== undefined) changes.push({ kind: 'source-dest-check', sourceDestCheck });
  const [change] = changes;
  if (change === undefined || changes.length > 1) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'Exactly one of Attachment, SecurityGroupId, Description and SourceDestCheck must be specified.',
    );
  }
  return change;
}

/** ModifyNetworkInterfaceAttribute: `NetworkInterfaceId` and one of `Attachment.*`, `SecurityGroupId.N`, `Description.Value`, `SourceDestCheck.Value`. */
function modifyNetworkInterfaceAttributeAction({ model, params }: ActionContext): XmlObject {
  const networkInterfaceId = params.required('NetworkInterfaceId');
  modifyNetworkInterfaceAttribute(model, networkInterfaceId, attributeChange(params));
  return { return: true };
}

/** The ENI lifecycle actions, by name. */
export const ENI_ACTIONS: ActionTable = {
  CreateNetworkInterface: createNetworkInterfaceAction,
  DescribeNetworkInterfaces: describeNetworkInterfacesAction,
  AttachNetworkInterface: attachNetworkInterfaceAction,
  DetachNetworkInterface: detachNetworkInterfaceAction,
  DeleteNetworkInterface: deleteNetworkInterfaceAction,
  ModifyNetworkInterfaceAttribute: modifyNetworkInterfaceAttributeAction,
};
