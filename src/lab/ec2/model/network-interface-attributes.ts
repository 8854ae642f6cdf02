import { missingParameter, notFound } from '../errors.ts';
import { findNetworkInterface } from './eni-lookup.ts';
import { resolveSecurityGroups } from './eni-security-groups.ts';
import type { Ec2Model } from './model.ts';

/** The one attribute a ModifyNetworkInterfaceAttribute call changes. */
export type EniAttributeChange =
  | { readonly kind: 'attachment'; readonly attachmentId: string; readonly deleteOnTermination: boolean }
  | { readonly kind: 'groups'; readonly groupIds: readonly string[] }
  | { readonly kind: 'description'; readonly description: string }
  | { readonly kind: 'source-dest-check'; readonly sourceDestCheck: boolean };

/**
 * ModifyNetworkInterfaceAttribute: changes one attribute of an ENI. The attachment id must be the ENI's
 * current one (`InvalidAttachmentID.NotFound`); groups must exist in the ENI's VPC.
 */
export function modifyNetworkInterfaceAttribute(model: Ec2Model, networkInterfaceId: string, change: EniAttributeChange): void {
  const eni = findNetworkInterface(model, networkInterfaceId);
  switch (change.kind) {
    case 'attachment': {
      const attachment = eni.attachment;
      if (attachment?.attachmentId !== change.attachmentId) throw notFound('InvalidAttachmentID.NotFound', 'attachment', change.attachmentId);
      attachment.deleteOnTermination = change.deleteOnTermination;
      break;
    }
    case 'groups':
      if (change.groupIds.length === 0) throw missingParameter('SecurityGroupId');
      eni.groupIds = resolveSecurityGroups(model, eni, change.groupIds);
      break;
    case 'description':
      eni.description = change.description;
      break;
    case 'source-dest-check':
      eni.sourceDestCheck = change.sourceDestCheck;
      break;
  }
  model.emit({ type: 'eni-changed', networkInterfaceId });
  if (eni.attachment !== undefined) model.emit({ type: 'instance-changed', instanceId: eni.attachment.instanceId });
}
