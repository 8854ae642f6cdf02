/**
 * The tags ipamd puts on ENIs: at creation (with `createdAt`), and the management tags it adds to every
 * managed ENI missing them (upstream `TagENI`; never the trunk).
 */
import type { DaemonConfig } from '../core/config/index.ts';
import type { DaemonRuntime } from './daemon-runtime.ts';
import { errorText } from './daemon-runtime.ts';

/** Upstream's ENI tag keys and values. */
export const ENI_TAG = Object.freeze({
  instanceId: 'node.k8s.amazonaws.com/instance_id',
  createdAt: 'node.k8s.amazonaws.com/createdAt',
  noManage: 'node.k8s.amazonaws.com/no_manage',
  clusterName: 'cluster.k8s.amazonaws.com/name',
  owner: 'eks:eni:owner',
  ownerValue: 'amazon-vpc-cni',
});

/** The description of every ENI ipamd creates: `aws-K8S-<instance-id>`. */
export const ENI_DESCRIPTION_PREFIX = 'aws-K8S-';

/** RFC 3339 to the second, in UTC, as Go's `time.RFC3339` formats `time.Now().UTC()`: `2024-05-01T10:00:00Z`. */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Upstream `buildENITags`: instance id, cluster name and owner (with CLUSTER_NAME), then `ADDITIONAL_ENI_TAGS`. */
export function managementTags(config: DaemonConfig, instanceId: string): Record<string, string> {
  const tags: Record<string, string> = { [ENI_TAG.instanceId]: instanceId };
  if (config.clusterName !== undefined && config.clusterName !== '') {
    tags[ENI_TAG.clusterName] = config.clusterName;
    tags[ENI_TAG.owner] = ENI_TAG.ownerValue;
  }
  return { ...tags, ...config.additionalEniTags };
}

/** The tags of a new ENI: `createdAt` now, and the management tags. */
export function creationTags(config: DaemonConfig, instanceId: string, nowMs: number): Record<string, string> {
  return { [ENI_TAG.createdAt]: rfc3339Seconds(nowMs), ...managementTags(config, instanceId) };
}

/** The desired tags the ENI lacks, or has with another value. */
export function missingTags(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(desired).filter(([key, value]) => current[key] !== value));
}

/**
 * Tags a managed ENI with the management tags it lacks (never a trunk, never with provisioning disabled).
 * A failure is logged, not thrown: tags are bookkeeping, not a reason to stop.
 */
export async function tagMissing(runtime: DaemonRuntime, eni: { eniId: string; trunk: boolean; tags: Readonly<Record<string, string>> }, instanceId: string): Promise<void> {
  if (eni.trunk || runtime.config.provisioningDisabled) return;
  const missing = missingTags(eni.tags, managementTags(runtime.config, instanceId));
  if (Object.keys(missing).length === 0) return;
  try {
    await runtime.ec2.createTags([eni.eniId], missing);
    runtime.logger.debug('Tagged ENI', { eni: eni.eniId, tags: missing });
  } catch (error) {
    runtime.logger.warn('Cannot tag ENI', { eni: eni.eniId, tags: missing, error: errorText(error) });
  }
}
