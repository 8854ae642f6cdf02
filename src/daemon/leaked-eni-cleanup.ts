/**
 * Upstream's `cleanUpLeakedENIs`: ENIs ipamd created that ended up detached (`available`) are deleted once
 * their `createdAt` tag is older than 5 minutes; one without a readable `createdAt` is tagged now and
 * skipped (it gets its 5 minutes). Like upstream, any matching ENI of the VPC (and cluster) is a candidate,
 * not only this node's.
 */
import { errorText } from './daemon-runtime.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';
import { ENI_DESCRIPTION_PREFIX, ENI_TAG, rfc3339Seconds } from './eni-tagging.ts';

/** An available ENI younger than this is left alone: it may be on its way to an instance. */
export const LEAKED_ENI_MIN_AGE_MS = 5 * 60_000;
/** Upstream runs the cleanup every hour... */
export const LEAKED_ENI_CLEANUP_INTERVAL_MS = 60 * 60_000;
/** ...first after a random delay of up to 300 s. */
export const LEAKED_ENI_FIRST_DELAY_MAX_MS = 300_000;

/** What one cleanup did. */
export interface LeakedEniCleanup {
  readonly deleted: readonly string[];
  /** ENIs without a readable createdAt, tagged now and skipped. */
  readonly tagged: readonly string[];
  /** False when the cleanup is disabled (DISABLE_LEAKED_ENI_CLEANUP, or implied). */
  readonly ran: boolean;
}

/** ipamd's DescribeNetworkInterfaces filters for leaked ENIs. */
export function leakedEniFilters(vpcId: string, clusterName: string | undefined): Record<string, string[]> {
  const filters: Record<string, string[]> = { 'tag-key': [ENI_TAG.instanceId], status: ['available'], 'vpc-id': [vpcId] };
  if (clusterName !== undefined && clusterName !== '') filters[`tag:${ENI_TAG.clusterName}`] = [clusterName];
  return filters;
}

/** Go's `time.Parse(time.RFC3339, ...)`, roughly: a full date-time with a zone; NaN when unparsable. */
export function parseRfc3339(text: string | undefined): number {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return Number.NaN;
  return Date.parse(text);
}

/** One cleanup pass (call on the node's lane). EC2 failures of one ENI are logged and the pass goes on. */
export async function cleanupLeakedEnis(runtime: DaemonRuntime, state: NodeState): Promise<LeakedEniCleanup> {
  if (runtime.config.leakedEniCleanupDisabled) return { deleted: [], tagged: [], ran: false };
  const candidates = await runtime.ec2.findNetworkInterfaces(leakedEniFilters(state.facts.vpcId, runtime.config.clusterName));
  const deleted: string[] = [];
  const tagged: string[] = [];
  const now = runtime.clock.now();
  for (const eni of candidates) {
    if (!eni.description.startsWith(ENI_DESCRIPTION_PREFIX)) continue;
    const createdAt = parseRfc3339(eni.tags[ENI_TAG.createdAt]);
    try {
      if (Number.isNaN(createdAt)) {
        await runtime.ec2.createTags([eni.networkInterfaceId], { [ENI_TAG.createdAt]: rfc3339Seconds(now) });
        tagged.push(eni.networkInterfaceId);
      } else if (now - createdAt >= LEAKED_ENI_MIN_AGE_MS) {
        await runtime.ec2.deleteNetworkInterface(eni.networkInterfaceId);
        deleted.push(eni.networkInterfaceId);
      }
    } catch (error) {
      runtime.logger.warn('Cannot clean up a leaked ENI', { eni: eni.networkInterfaceId, error: errorText(error) });
    }
  }
  if (deleted.length > 0 || tagged.length > 0) runtime.logger.info('Cleaned up leaked ENIs', { deleted, tagged });
  return { deleted, tagged, ran: true };
}
