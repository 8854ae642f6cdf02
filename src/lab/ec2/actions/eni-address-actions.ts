import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from '../model/eni-addresses.ts';

/**
 * AssignPrivateIpAddresses: `NetworkInterfaceId`, one of `PrivateIpAddress.N`,
 * `SecondaryPrivateIpAddressCount`, `Ipv4Prefix.N`, `Ipv4PrefixCount`, and `AllowReassignment`.
 */
function assignPrivateIpAddressesAction({ model, params }: ActionContext): XmlObject {
  const networkInterfaceId = params.required('NetworkInterfaceId');
  const count = params.int('SecondaryPrivateIpAddressCount');
  const prefixCount = params.int('Ipv4PrefixCount');
  const allocation = assignPrivateIpAddresses(model, {
    networkInterfaceId,
    privateIpAddresses: params.list('PrivateIpAddress'),
    ipv4Prefixes: params.list('Ipv4Prefix'),
    allowReassignment: params.bool('AllowReassignment') ?? false,
    ...(count === undefined ? {} : { secondaryPrivateIpAddressCount: count }),
    ...(prefixCount === undefined ? {} : { ipv4PrefixCount: prefixCount }),
  });
  return {
    networkInterfaceId,
    assignedPrivateIpAddressesSet: allocation.addresses.map((privateIpAddress) => ({ privateIpAddress })),
    assignedIpv4PrefixSet: allocation.prefixes.map((ipv4Prefix) => ({ ipv4Prefix })),
    return: true,
  };
}

/** UnassignPrivateIpAddresses: `NetworkInterfaceId`, `PrivateIpAddress.N` and/or `Ipv4Prefix.N`. */
function unassignPrivateIpAddressesAction({ model, params }: ActionContext): XmlObject {
  unassignPrivateIpAddresses(model, {
    networkInterfaceId: params.required('NetworkInterfaceId'),
    privateIpAddresses: params.list('PrivateIpAddress'),
    ipv4Prefixes: params.list('Ipv4Prefix'),
  });
  return { return: true };
}

/** The ENI address actions, by name. */
export const ENI_ADDRESS_ACTIONS: ActionTable = {
  AssignPrivateIpAddresses: assignPrivateIpAddressesAction,
  UnassignPrivateIpAddresses: unassignPrivateIpAddressesAction,
};
