/**
 * Daemon failures as CNI errors. `msg` says what failed for which pod and why, in the daemon's words, e.g.
 * `cannot assign an IP to pod "default/web-1": warm pool empty, ENI limit 3 of 3 reached on t3.small`;
 * `details` starts with the daemon's reason code, then what to do, then the daemon's `detail` facts.
 *
 * | reason             | CNI code | why                                                                   |
 * |--------------------|----------|-----------------------------------------------------------------------|
 * | pool-empty         | 11       | the daemon is allocating; a retry in seconds succeeds                 |
 * | throttled          | 11       | EC2 rate limit; the daemon backs off and retries                      |
 * | daemon-unavailable | 11       | the daemon is starting, stopping or not reachable yet                 |
 * | version-mismatch   | 11       | plugin and daemon from different releases mid-rollout; clears when it ends |
 * | subnet-full        | 11       | clears as other nodes release addresses (or an operator adds some)    |
 * | no-contiguous-28   | 11       | as subnet-full, for /28 prefixes                                      |
 * | eni-limit          | 11       | the node is full; clears as its pods go (nothing in the config is wrong) |
 * | max-pods           | 11       | as eni-limit                                                          |
 * | unknown-pod        | 3        | the spec's "container unknown" (DEL treats it as success before this) |
 * | bad-request        | 999      | a plugin bug: the plugin built a request the daemon refused           |
 * | internal           | 999      | unexpected                                                            |
 *
 * Every transient or capacity condition is 11 because retrying later, with nothing changed, can succeed;
 * runtimes retry every failed sandbox anyway, so the code is for people and tools, and the reason says more.
 *
 * When the daemon's `message` is empty the condition is described from these `detail` keys (the daemon should
 * send them): `instanceType`, `enis` (attached), `eniLimit`, `subnetId`, `maxPods`.
 */
import type { Failure, PodIdentity, StatusReply } from '../protocol/index.ts';
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';
import type { CniErrorCode } from './cni-error.ts';

/** A daemon failure (the protocol's `Failure` without its version). */
export type DaemonFailure = Pick<Failure, 'reason' | 'message' | 'detail'>;

/** Who the failure is about; the name shown falls back from namespace/name to name to container id. */
export type PodRef = Partial<Pick<PodIdentity, 'namespace' | 'name'>> & { readonly containerId?: string };

/** The command that failed. */
export type FailedCommand = 'ADD' | 'DEL' | 'CHECK';

type Detail = NonNullable<Failure['detail']>;

interface ReasonRule {
  readonly code: CniErrorCode;
  /** What to do about it (goes to `details`). */
  readonly hint: string;
  /** The condition described from the detail facts, when the daemon sent no message. */
  readonly describe: (detail: Detail) => string;
}

function eniLimitText(detail: Detail): string {
  const { enis, eniLimit, instanceType } = detail;
  if (eniLimit === undefined) return '';
  const on = instanceType === undefined ? '' : ` on ${String(instanceType)}`;
  return `ENI limit ${String(enis ?? eniLimit)} of ${String(eniLimit)} reached${on}`;
}

function joined(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(', ');
}

function subnetText(detail: Detail): string {
  return detail.subnetId === undefined ? 'the subnet' : `subnet ${String(detail.subnetId)}`;
}

const TRY_AGAIN = CNI_ERROR_CODES.tryAgainLater;

const RULES: Readonly<Record<DaemonFailure['reason'], ReasonRule>> = {
  'pool-empty': {
    code: TRY_AGAIN,
    hint: 'the daemon is allocating more addresses; the runtime retries',
    describe: (detail) => joined('warm pool empty', eniLimitText(detail)),
  },
  'throttled': {
    code: TRY_AGAIN,
    hint: 'EC2 throttled the daemon\'s requests; it backs off and retries',
    describe: () => 'EC2 API requests throttled (RequestLimitExceeded)',
  },
  'daemon-unavailable': {
    code: TRY_AGAIN,
    hint: 'check that the vpcnet daemon (aws-node) pod on this node is running and ready',
    describe: () => 'the vpcnet daemon is starting or stopping',
  },
  'version-mismatch': {
    code: TRY_AGAIN,
    hint: 'the plugin binary and the daemon come from different releases; this clears when the daemon\'s rollout reaches this node',
    describe: () => 'plugin and daemon speak different protocol versions',
  },
  'subnet-full': {
    code: TRY_AGAIN,
    hint: 'free addresses in the subnet, add a secondary VPC CIDR with custom networking, or move nodes to a larger subnet',
    describe: (detail) => `${subnetText(detail)} has no free IP addresses`,
  },
  'no-contiguous-28': {
    code: TRY_AGAIN,
    hint: 'the subnet is too fragmented for /28 prefixes: reserve a CIDR for prefixes or use a new subnet',
    describe: (detail) => `${subnetText(detail)} has no free contiguous /28 block`,
  },
  'eni-limit': {
    code: TRY_AGAIN,
    hint: 'the node is full: lower max pods, enable prefix delegation, or use a larger instance type',
    describe: (detail) => joined('warm pool empty', eniLimitText(detail) || 'ENI limit reached'),
  },
  'max-pods': {
    code: TRY_AGAIN,
    hint: 'the node already holds addresses for as many pods as it may run; check kubelet\'s maxPods',
    describe: (detail) => `node at max pods${detail.maxPods === undefined ? '' : ` (${String(detail.maxPods)})`}`,
  },
  'unknown-pod': {
    code: CNI_ERROR_CODES.unknownContainer,
    hint: 'the daemon holds no address for this container',
    describe: () => 'unknown pod',
  },
  'bad-request': {
    code: CNI_ERROR_CODES.internal,
    hint: 'the daemon refused the plugin\'s request: a vpcnet bug, please report it with the plugin log',
    describe: () => 'request refused by the daemon',
  },
  'internal': {
    code: CNI_ERROR_CODES.internal,
    hint: 'see the vpcnet daemon\'s log on this node',
    describe: () => 'internal daemon error',
  },
};

const ACTIONS: Readonly<Record<FailedCommand, string>> = { ADD: 'cannot assign an IP to', DEL: 'cannot release the IP of', CHECK: 'cannot check the network of' };

/** `pod "default/web-1"`, `pod "web-1"` (podman), `container "<id>"` or `the pod`. */
export function describePod(pod: PodRef): string {
  const { namespace = '', name = '', containerId = '' } = pod;
  if (name !== '') return `pod ${JSON.stringify(namespace === '' ? name : `${namespace}/${name}`)}`;
  return containerId === '' ? 'the pod' : `container ${JSON.stringify(containerId)}`;
}

function formatDetail(detail: Detail | undefined): string {
  const entries = Object.entries(detail ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([key, value]) => `${key}=${String(value)}`).join(', ');
}

/** The CNI error for a daemon failure during `command` (see the table above for the codes). */
export function cniErrorFromReason(failure: DaemonFailure, pod: PodRef, command: FailedCommand = 'ADD'): CniError {
  const rule = RULES[failure.reason];
  const condition = failure.message === '' ? rule.describe(failure.detail ?? {}) : failure.message;
  const facts = formatDetail(failure.detail);
  const details = `reason ${failure.reason}: ${rule.hint}${facts === '' ? '' : ` (${facts})`}`;
  return new CniError(rule.code, `${ACTIONS[command]} ${describePod(pod)}: ${condition}`, details);
}

/** The failure to report when the daemon's socket does not answer (the plugin synthesises it). */
export function daemonUnreachable(socketPath: string, cause: string): DaemonFailure {
  return { reason: 'daemon-unavailable', message: `the vpcnet daemon does not answer on ${socketPath} (${cause})` };
}

/**
 * STATUS: undefined when the daemon is ready, else code 50 (cannot serve ADD), or 51 when the daemon says
 * existing pods are affected too (`degraded`; the protocol's StatusReply may grow that field).
 */
export function cniErrorFromStatus(reply: Pick<StatusReply, 'ready' | 'message'> & { readonly degraded?: boolean }): CniError | undefined {
  if (reply.ready) return undefined;
  const code = reply.degraded === true ? CNI_ERROR_CODES.limitedConnectivity : CNI_ERROR_CODES.pluginNotAvailable;
  const message = reply.message === '' ? 'not ready' : reply.message;
  return new CniError(code, `vpcnet cannot add pods: ${message}`);
}

/** STATUS when the daemon's socket does not answer: code 50 (existing pods keep their datapath). */
export function statusUnreachable(socketPath: string, cause: string): CniError {
  return new CniError(CNI_ERROR_CODES.pluginNotAvailable, `vpcnet cannot add pods: the vpcnet daemon does not answer on ${socketPath} (${cause})`, 'check that the vpcnet daemon (aws-node) pod on this node is running');
}

/** Code 999 for anything unexpected; `details` points at the plugin log. */
export function internalError(error: unknown, logFile: string): CniError {
  const message = error instanceof Error ? error.message : String(error);
  return new CniError(CNI_ERROR_CODES.internal, message === '' ? 'unexpected error' : message, `see the plugin log ${logFile === '' ? '(stderr)' : logFile}`);
}
