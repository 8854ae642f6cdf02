import { releaseAttachment } from './eni-attachments.ts';
import { enisOfInstance, findInstance } from './eni-lookup.ts';
import type { Ec2Model } from './model.ts';
import type { Instance } from './state.ts';

/** One row of TerminateInstances' reply. */
export interface InstanceStateChange {
  readonly instanceId: string;
  readonly previousState: Instance['state'];
  readonly currentState: Instance['state'];
}

/**
 * TerminateInstances: instances go `shutting-down`, then (after `model.latency.detachMs`) `terminated`;
 * their ENIs with DeleteOnTermination are deleted, the others detached. Terminated instances stay
 * describable; terminating one again changes nothing.
 */
export function terminateInstances(model: Ec2Model, instanceIds: readonly string[]): InstanceStateChange[] {
  const instances = [...new Set(instanceIds)].map((id) => findInstance(model, id));
  return instances.map((instance) => {
    const previousState = instance.state;
    if (previousState !== 'pending' && previousState !== 'running') {
      return { instanceId: instance.instanceId, previousState, currentState: previousState };
    }
    instance.state = 'shutting-down';
    model.emit({ type: 'instance-changed', instanceId: instance.instanceId });
    model.scheduler(model.latency.detachMs, () => finishTermination(model, instance.instanceId));
    return { instanceId: instance.instanceId, previousState, currentState: 'shutting-down' };
  });
}

function finishTermination(model: Ec2Model, instanceId: string): void {
  const instance = model.state.instances.get(instanceId);
  if (instance?.state !== 'shutting-down') return;
  for (const eni of enisOfInstance(model, instanceId)) {
    const attachment = eni.attachment;
    if (attachment === undefined) continue;
    if (attachment.deleteOnTermination) {
      model.state.networkInterfaces.delete(eni.networkInterfaceId);
      model.emit({ type: 'eni-deleted', networkInterfaceId: eni.networkInterfaceId });
    } else {
      releaseAttachment(model, eni.networkInterfaceId, attachment.attachmentId);
    }
  }
  instance.state = 'terminated';
  model.emit({ type: 'instance-changed', instanceId });
}
