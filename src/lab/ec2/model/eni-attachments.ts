import { Ec2ApiError, notFound } from '../errors.ts';
import { addressLimitExceeded } from './eni-addresses.ts';
import { addressCount, enisOfInstance, findInstance, findNetworkInterface } from './eni-lookup.ts';
import type { InstanceTypeSpec } from './instance-types.ts';
import { networkCardLimit, requireInstanceType, supportsPrefixes } from './instance-types.ts';
import type { Ec2Model } from './model.ts';
import type { EniAttachment, Instance, NetworkInterface } from './state.ts';

/** AttachNetworkInterface parameters. */
export interface AttachRequest {
  readonly networkInterfaceId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  /** Defaults to the type's default card (0). */
  readonly networkCardIndex?: number;
}

/**
 * AttachNetworkInterface: attaches an `available` ENI to a running instance in the same zone, at a free
 * device index of a network card with room, if the ENI's addresses fit the type's IPv4Limit. The
 * attachment is `attaching` until `model.latency.attachMs` later, then `attached`.
 */
export function attachNetworkInterface(model: Ec2Model, request: AttachRequest): EniAttachment {
  const eni = findNetworkInterface(model, request.networkInterfaceId);
  const instance = findInstance(model, request.instanceId);
  const spec = requireInstanceType(instance.instanceType);
  const networkCardIndex = request.networkCardIndex ?? spec.defaultNetworkCardIndex;
  checkAttachable(model, { eni, instance, spec, networkCardIndex, deviceIndex: request.deviceIndex });
  const attachment: EniAttachment = {
    attachmentId: model.newId('eni-attach'),
    instanceId: instance.instanceId,
    deviceIndex: request.deviceIndex,
    networkCardIndex,
    status: 'attaching',
    attachTime: model.clock(),
    deleteOnTermination: false,
  };
  eni.attachment = attachment;
  model.emit({ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId });
  model.emit({ type: 'instance-changed', instanceId: instance.instanceId });
  model.scheduler(model.latency.attachMs, () => completeAttach(model, eni.networkInterfaceId, attachment.attachmentId));
  return attachment;
}

interface AttachCheck {
  readonly eni: NetworkInterface;
  readonly instance: Instance;
  readonly spec: InstanceTypeSpec;
  readonly networkCardIndex: number;
  readonly deviceIndex: number;
}

function checkAttachable(model: Ec2Model, { eni, instance, spec, networkCardIndex, deviceIndex }: AttachCheck): void {
  if (instance.state !== 'running') {
    throw new Ec2ApiError('IncorrectState', `The instance '${instance.instanceId}' is not in a valid state for this operation.`);
  }
  if (eni.attachment !== undefined) throw new Ec2ApiError('InvalidParameterValue', `Interface '${eni.networkInterfaceId}' is in use.`);
  if (eni.availabilityZone !== instance.availabilityZone) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'You may not attach a network interface to an instance if they are not in the same availability zone',
    );
  }
  if (!Number.isInteger(deviceIndex) || deviceIndex < 0) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${deviceIndex}) for parameter deviceIndex is invalid.`);
  }
  const cardLimit = networkCardLimit(spec, networkCardIndex);
  if (cardLimit === undefined) {
    throw new Ec2ApiError('InvalidParameterValue', `Network card index ${networkCardIndex} is not valid for instance type ${spec.instanceType}.`);
  }
  const onCard = enisOfInstance(model, instance.instanceId).filter((other) => other.attachment?.networkCardIndex === networkCardIndex);
  if (onCard.some((other) => other.attachment?.deviceIndex === deviceIndex)) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Instance '${instance.instanceId}' already has an interface attached at device index '${deviceIndex}'.`,
    );
  }
  if (onCard.length + 1 > cardLimit) {
    throw new Ec2ApiError('AttachmentLimitExceeded', `Interface count ${onCard.length + 1} exceeds the limit for ${spec.instanceType}`);
  }
  if (addressCount(eni) > spec.ipv4Limit) throw addressLimitExceeded();
  if (eni.ipv4Prefixes.length > 0 && !supportsPrefixes(spec)) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Interface '${eni.networkInterfaceId}' has IPv4 prefixes, which instance type ${spec.instanceType} does not support (it is not built on the Nitro System).`,
    );
  }
}

function completeAttach(model: Ec2Model, networkInterfaceId: string, attachmentId: string): void {
  const attachment = model.state.networkInterfaces.get(networkInterfaceId)?.attachment;
  if (attachment?.attachmentId !== attachmentId || attachment.status !== 'attaching') return;
  attachment.status = 'attached';
  model.emit({ type: 'eni-changed', networkInterfaceId });
  model.emit({ type: 'instance-changed', instanceId: attachment.instanceId });
}

/** The ENI carrying this attachment; `InvalidAttachmentID.NotFound` otherwise. */
export function findByAttachmentId(model: Ec2Model, attachmentId: string): { eni: NetworkInterface; attachment: EniAttachment } {
  for (const eni of model.state.networkInterfaces.values()) {
    const attachment = eni.attachment;
    if (attachment?.attachmentId === attachmentId) return { eni, attachment };
  }
  throw notFound('InvalidAttachmentID.NotFound', 'attachment', attachmentId);
}

/**
 * DetachNetworkInterface: the attachment becomes `detaching`, and `model.latency.detachMs` later the ENI
 * is `available`. An instance's primary ENI cannot be detached. Detaching twice is harmless.
 */
export function detachNetworkInterface(model: Ec2Model, request: { attachmentId: string; force?: boolean }): void {
  const { eni, attachment } = findByAttachmentId(model, request.attachmentId);
  const instance = model.state.instances.get(attachment.instanceId);
  if (instance?.primaryNetworkInterfaceId === eni.networkInterfaceId) {
    throw new Ec2ApiError(
      'OperationNotPermitted',
      `The network interface at device index ${attachment.deviceIndex} and networkCard index ${attachment.networkCardIndex} cannot be detached.`,
    );
  }
  if (attachment.status === 'detaching') return;
  attachment.status = 'detaching';
  model.emit({ type: 'eni-changed', networkInterfaceId: eni.networkInterfaceId });
  model.emit({ type: 'instance-changed', instanceId: attachment.instanceId });
  model.scheduler(model.latency.detachMs, () => releaseAttachment(model, eni.networkInterfaceId, attachment.attachmentId));
}

/** Ends an attachment now (detach completion, instance termination); a no-op if it is already gone. */
export function releaseAttachment(model: Ec2Model, networkInterfaceId: string, attachmentId: string): void {
  const eni = model.state.networkInterfaces.get(networkInterfaceId);
  const attachment = eni?.attachment;
  if (eni === undefined || attachment?.attachmentId !== attachmentId) return;
  delete eni.attachment;
  model.emit({ type: 'eni-changed', networkInterfaceId });
  model.emit({ type: 'instance-changed', instanceId: attachment.instanceId });
}
