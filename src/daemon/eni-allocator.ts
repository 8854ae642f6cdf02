/**
 * Upstream's `tryAllocateENI` + `createENI` + `attachENI`: create an ENI in the node's subnet with the
 * primary ENI's security groups, ipamd's description and tags; attach it at the lowest free device index
 * (deleting it if that fails); set delete-on-termination; wait until IMDS shows it; set it up on the host;
 * add it to the datastore with the blocks EC2 gave it.
 */
import { Ec2Error } from '../core/aws/ec2-error.ts';
import type { AttachEniAction } from '../core/warm-pool/index.ts';
import type { Ec2Instance, Ec2NetworkInterface } from '../ports/ec2-api.ts';
import type { ImdsInterface } from '../ports/imds.ts';
import type { DaemonRuntime, EniFacts, NodeState } from './daemon-runtime.ts';
import { errorText } from './daemon-runtime.ts';
import { addEniToDatastore } from './eni-blocks.ts';
import { creationTags, ENI_DESCRIPTION_PREFIX } from './eni-tagging.ts';
import { freeEni } from './free-eni.ts';
import { applyNodeRules, setupSecondaryEni } from './host-network.ts';
import { ec2BlocksOf } from './node-discovery.ts';

/** Device indexes ipamd considers (upstream: 0..99 on the network card). */
const MAX_DEVICE_INDEX = 100;
/** Poll interval while waiting for a new ENI to show in IMDS. */
const IMDS_POLL_MS = 250;

/** The lowest device index no ENI of the instance uses on network card 0, or undefined when all are taken. */
export function lowestFreeDeviceIndex(instance: Ec2Instance): number | undefined {
  const used = new Set(instance.networkInterfaces
    .filter((eni) => eni.attachment !== undefined && eni.attachment.instanceId === instance.instanceId && eni.attachment.networkCardIndex === 0)
    .map((eni) => eni.attachment?.deviceIndex));
  for (let index = 0; index < MAX_DEVICE_INDEX; index++) if (!used.has(index)) return index;
  return undefined;
}

async function createEni(runtime: DaemonRuntime, state: NodeState, action: AttachEniAction): Promise<Ec2NetworkInterface> {
  const { facts } = state;
  const amount = action.unit === 'prefix' ? { prefixCount: action.count } : { secondaryIpCount: action.count };
  return runtime.ec2.createNetworkInterface({
    subnetId: facts.subnetId,
    description: `${ENI_DESCRIPTION_PREFIX}${facts.instanceId}`,
    groupIds: facts.securityGroupIds,
    ...amount,
    tags: creationTags(runtime.config, facts.instanceId, runtime.clock.now()),
  });
}

async function deleteQuietly(runtime: DaemonRuntime, eniId: string): Promise<void> {
  try {
    await runtime.ec2.deleteNetworkInterface(eniId);
  } catch (error) {
    runtime.logger.warn('Cannot delete an ENI that failed to attach; leaked-ENI cleanup will', { eni: eniId, error: errorText(error) });
  }
}

/** Attaches at the lowest free device index; on failure deletes the ENI and rethrows. */
async function attach(runtime: DaemonRuntime, state: NodeState, eniId: string): Promise<{ attachmentId: string; deviceIndex: number }> {
  try {
    const instance = await runtime.ec2.describeInstance(state.facts.instanceId);
    const deviceIndex = lowestFreeDeviceIndex(instance);
    if (deviceIndex === undefined) {
      throw new Ec2Error({ kind: 'eni-limit', action: 'AttachNetworkInterface', code: 'AttachmentLimitExceeded', message: `No free device index on ${state.facts.instanceId}` });
    }
    const attachmentId = await runtime.ec2.attachNetworkInterface({ networkInterfaceId: eniId, instanceId: state.facts.instanceId, deviceIndex, networkCardIndex: 0 });
    return { attachmentId, deviceIndex };
  } catch (error) {
    await deleteQuietly(runtime, eniId);
    throw error;
  }
}

/** Polls IMDS until it lists the ENI, for at most `imdsWaitMs`; undefined when it did not show. */
export async function waitForImds(runtime: DaemonRuntime, eniId: string): Promise<ImdsInterface | undefined> {
  const deadline = runtime.clock.now() + runtime.imdsWaitMs;
  for (;;) {
    try {
      const found = (await runtime.imds.interfaces()).find((entry) => entry.interfaceId === eniId);
      if (found !== undefined && found.localIpv4s.length > 0) return found;
    } catch (error) {
      runtime.logger.debug('IMDS read failed while waiting for a new ENI', { eni: eniId, error: errorText(error) });
    }
    if (runtime.clock.now() >= deadline) return undefined;
    await runtime.sleep(IMDS_POLL_MS);
  }
}

/**
 * Creates, attaches and sets up one ENI carrying `action.count` blocks; returns the blocks added to the
 * pool. Throws the EC2 error when creation or attachment fails. An ENI that does not show in IMDS in time,
 * or whose host setup fails, stays attached and is left to the reconciler (returns []).
 */
export async function allocateEni(runtime: DaemonRuntime, state: NodeState, action: AttachEniAction): Promise<string[]> {
  const created = await createEni(runtime, state, action);
  const eniId = created.networkInterfaceId;
  const { attachmentId, deviceIndex } = await attach(runtime, state, eniId);
  try {
    await runtime.ec2.setDeleteOnTermination(eniId, attachmentId);
  } catch (error) {
    await freeEni(runtime, { eniId, attachmentId });
    throw error;
  }
  runtime.logger.info('Attached a new ENI', { eni: eniId, deviceIndex, blocks: ec2BlocksOf(created) });
  const entry = await waitForImds(runtime, eniId);
  if (entry === undefined) {
    runtime.logger.warn('New ENI not in IMDS in time; the reconciler will set it up', { eni: eniId, waitedMs: runtime.imdsWaitMs });
    return [];
  }
  const facts: EniFacts = {
    eniId,
    mac: entry.mac,
    deviceNumber: deviceIndex,
    primaryIp: created.privateIps.find((ip) => ip.primary)?.address ?? entry.localIpv4s[0] ?? '',
    subnetId: created.subnetId,
    subnetCidr: entry.subnetCidr,
    attachmentId,
    trunk: false,
    efa: false,
  };
  try {
    await setupSecondaryEni(runtime, facts);
  } catch (error) {
    runtime.logger.error('Cannot set up the new ENI on the host; the reconciler will retry', { eni: eniId, error: errorText(error) });
    return [];
  }
  const blocks = ec2BlocksOf(created);
  await state.queue.run(() => addEniToDatastore(state, facts, blocks, runtime.clock.now()));
  await applyNodeRules(runtime, state);
  return blocks;
}
