/**
 * Upstream's `nodeInit`, in its order, but with the checkpoint read and checked first: identity and
 * interfaces from IMDS, the instance and its ENIs from EC2 (the truth for what the node holds), limits and
 * targets, host network (primary MTU, SNAT with the VPC CIDRs from IMDS), tags and host setup of every
 * managed ENI, the datastore from EC2's view, the node rules, the checkpoint restore (with the pod rules
 * normalised), and the PD toggle cleanup.
 */
import { Datastore } from '../core/datastore/index.ts';
import type { Ec2Instance } from '../ports/ec2-api.ts';
import type { ImdsIdentity, ImdsInterface } from '../ports/imds.ts';
import { readStartCheckpoint, releaseInactiveUnit, restoreAssignments } from './checkpoint-restore.ts';
import { NodeState } from './daemon-runtime.ts';
import type { DaemonRuntime, NodeFacts } from './daemon-runtime.ts';
import { addEniToDatastore } from './eni-blocks.ts';
import { tagMissing } from './eni-tagging.ts';
import { applyNodeRules, setupSecondaryEni, snatSettings } from './host-network.ts';
import { attachedEnis, discoverEnis } from './node-discovery.ts';
import { nodeLimits, resolveInstanceLimits } from './node-limits.ts';

/** MACs compare case-insensitively. */
export function sameMac(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** IMDS-only mode (no EC2 calls at all): the instance as IMDS shows it, untagged. */
export function instanceFromImds(identity: ImdsIdentity, interfaces: readonly ImdsInterface[]): Ec2Instance {
  const primary = interfaces.find((entry) => sameMac(entry.mac, identity.primaryMac));
  if (primary === undefined) throw new Error(`Cannot start: IMDS lists no interface with the primary MAC ${identity.primaryMac}`);
  return {
    instanceId: identity.instanceId,
    instanceType: identity.instanceType,
    subnetId: primary.subnetId,
    vpcId: primary.vpcId,
    availabilityZone: identity.availabilityZone,
    privateIpAddress: identity.privateIp,
    networkInterfaces: interfaces.map((entry) => ({
      networkInterfaceId: entry.interfaceId,
      subnetId: entry.subnetId,
      vpcId: entry.vpcId,
      availabilityZone: identity.availabilityZone,
      macAddress: entry.mac,
      description: '',
      status: 'in-use',
      interfaceType: 'interface',
      privateIps: entry.localIpv4s.map((address, index) => ({ address, primary: index === 0 })),
      ipv4Prefixes: entry.ipv4Prefixes,
      groupIds: entry.securityGroupIds,
      tags: {},
      attachment: { attachmentId: '', instanceId: identity.instanceId, deviceIndex: entry.deviceNumber, networkCardIndex: entry.networkCard, status: 'attached', deleteOnTermination: true },
    })),
  };
}

async function readNode(runtime: DaemonRuntime): Promise<{ identity: ImdsIdentity; interfaces: ImdsInterface[]; instance: Ec2Instance }> {
  const identity = await runtime.imds.identity();
  const interfaces = await runtime.imds.interfaces();
  const instance = runtime.config.imdsOnly ? instanceFromImds(identity, interfaces) : await runtime.ec2.describeInstance(identity.instanceId);
  return { identity, interfaces, instance };
}

async function nodeFacts(runtime: DaemonRuntime, node: { identity: ImdsIdentity; instance: Ec2Instance }, maxPods: number | undefined): Promise<NodeFacts> {
  const { identity, instance } = node;
  const primary = attachedEnis(instance).find((eni) => sameMac(eni.macAddress, identity.primaryMac));
  if (primary === undefined) throw new Error(`Cannot start: EC2 shows no ENI with the primary MAC ${identity.primaryMac} attached to ${identity.instanceId}`);
  const limits = await resolveInstanceLimits(instance.instanceType, runtime.config.imdsOnly ? undefined : runtime.ec2);
  return {
    instanceId: identity.instanceId,
    instanceType: instance.instanceType,
    region: identity.region,
    availabilityZone: identity.availabilityZone,
    vpcId: instance.vpcId,
    subnetId: primary.subnetId,
    primaryEniId: primary.networkInterfaceId,
    primaryMac: identity.primaryMac,
    primaryIp: identity.privateIp,
    securityGroupIds: [...primary.groupIds].sort(),
    ...nodeLimits(runtime.config, limits, maxPods),
  };
}

/** Builds the node state as upstream's nodeInit does; throws (the daemon refuses to start) on any failure. */
export async function initializeNode(runtime: DaemonRuntime, maxPods: number | undefined): Promise<NodeState> {
  // An unusable checkpoint stops the daemon before it changes anything on the node or in EC2.
  const checkpoint = await readStartCheckpoint(runtime);
  const node = await readNode(runtime);
  const facts = await nodeFacts(runtime, node, maxPods);
  const vpcCidrs = node.interfaces.find((entry) => sameMac(entry.mac, facts.primaryMac))?.vpcCidrs ?? [];
  const state = new NodeState(facts, new Datastore({ poolMode: facts.poolMode, ipCooldownMs: runtime.config.ipCooldownMs }), vpcCidrs);
  runtime.logger.info('Node found', { instanceId: facts.instanceId, instanceType: facts.instanceType, poolMode: facts.poolMode, maxPods: facts.maxPods, maxEni: facts.targets.maxEni });
  await runtime.nodeNetwork.setupPrimaryEni({ mac: facts.primaryMac, mtu: runtime.config.eniMtu });
  await runtime.nodeNetwork.applySnat(snatSettings(runtime, facts, vpcCidrs));
  const enis = discoverEnis(node.instance, node.interfaces, runtime.config, facts.primaryEniId);
  for (const id of enis.unmanagedIds) state.unmanagedEniIds.add(id);
  if (enis.pendingIds.length > 0) runtime.logger.info('ENIs not in IMDS yet, left to the reconciler', { enis: enis.pendingIds });
  const nowMs = runtime.clock.now();
  for (const eni of enis.managed) {
    await tagMissing(runtime, eni, facts.instanceId);
    await setupSecondaryEni(runtime, eni);
    await state.queue.run(() => addEniToDatastore(state, eni, eni.ec2Blocks, nowMs));
  }
  await applyNodeRules(runtime, state);
  await restoreAssignments(runtime, state, checkpoint);
  await releaseInactiveUnit(runtime, state);
  return state;
}
