/**
 * The daemon's Prometheus metrics: every upstream `awscni_*` metric plus vpcnet's own, on a registry of
 * their own (with Node's default process metrics), and typed recorders so that call sites never look a
 * metric up by name.
 *
 * EC2 calls per pod is not exported as a series: derive it from two counters, e.g. over an hour
 *   sum(increase(vpcnet_ec2_calls_total[1h])) / sum(increase(awscni_add_ip_req_count[1h]))
 * (every ADD request, retried ones included), or per successful ADD with the denominator
 *   sum(increase(awscni_add_ip_req_count[1h])) - sum(increase(vpcnet_add_failures_total[1h])).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Failure } from '../core/protocol/index.ts';
import { createAwsCniMetrics } from './awscni-metrics.ts';
import type { AwsCniMetrics } from './awscni-metrics.ts';

export type { AwsCniMetrics } from './awscni-metrics.ts';
export { DEFAULT_METRICS_PORT, startMetricsServer } from './metrics-server.ts';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.ts';

/** vpcnet's own metrics. */
export interface VpcnetMetrics {
  /** `vpcnet_add_failures_total{reason}`: ADD requests that failed, by protocol reason code (all start at 0). */
  readonly addFailures: Counter<'reason'>;
  /** `vpcnet_del_failures_total{reason}`: DEL requests that failed, by protocol reason code. */
  readonly delFailures: Counter<'reason'>;
  /** `vpcnet_ec2_calls_total{action,outcome}`: EC2 attempts (retries included), outcome `ok` or AWS's error code. */
  readonly ec2Calls: Counter<'action' | 'outcome'>;
  /** `vpcnet_idle_ips`: free addresses the node holds (the warm pool's cost). */
  readonly idleIps: Gauge;
  /** `vpcnet_add_wait_seconds`: how long an ADD waited for the pool to have an address. */
  readonly addWaitSeconds: Histogram;
}

/** upstream ipamd's pool actions, the values of `awscni_ipamd_action_inprogress{fn}`. */
export type IpamdAction = 'nodeInit' | 'increaseDatastorePool' | 'decreaseDatastorePool' | 'nodeIPPoolReconcile';

/** The pool as the gauges show it; `recordPool` replaces the previous values entirely. */
export interface PoolGauges {
  readonly enis: number;
  readonly totalIps: number;
  readonly assignedIps: number;
  readonly ipv4Prefixes: number;
  /** Free addresses (total minus assigned, cooling ones included). */
  readonly idleIps: number;
  /** Assigned addresses per ENI id. */
  readonly assignedPerEni: Readonly<Record<string, number>>;
  /** Assigned addresses per block (`10.0.1.7/32`, `10.0.2.16/28`). */
  readonly assignedPerCidr: Readonly<Record<string, number>>;
  /** ENIs the daemon may use: max ENIs less unmanaged ones (`awscni_eni_max`). */
  readonly eniMax: number;
  /** Addresses those ENIs can hold (`awscni_ip_max`). */
  readonly ipMax: number;
}

/** All metrics of the daemon and the registry that `/metrics` serves. */
export interface DaemonMetrics {
  readonly registry: Registry;
  readonly awscni: AwsCniMetrics;
  readonly vpcnet: VpcnetMetrics;
  /** Records one EC2 attempt; has the shape of the EC2 adapter's `onCall` observer, so pass it as is. */
  readonly observeEc2Call: (action: string, outcome: string, ms: number) => void;
  /** Records one IMDS request (`api="GetMetadata"` as upstream); `outcome` is `ok` or an error code. */
  readonly observeImdsCall: (outcome: string, ms: number) => void;
  /** Marks a pool action as running (`awscni_ipamd_action_inprogress`); call the returned function when it ends. */
  readonly startAction: (action: IpamdAction) => () => void;
  /** Sets the pool gauges, dropping per-ENI and per-CIDR series that are gone. */
  readonly recordPool: (pool: PoolGauges) => void;
}

/** How to create the metrics. */
export interface DaemonMetricsOptions {
  /** Build version for `awscni_build_info`; defaults to ''. */
  readonly version?: string;
  /** Include Node's default process metrics; defaults to true. */
  readonly defaultMetrics?: boolean;
}

// Every failure reason, checked against the protocol's type so that a new reason cannot be forgotten.
const FAILURE_REASONS = Object.keys({
  'pool-empty': true,
  'subnet-full': true,
  'no-contiguous-28': true,
  'eni-limit': true,
  'max-pods': true,
  'throttled': true,
  'unknown-pod': true,
  'bad-request': true,
  'version-mismatch': true,
  'daemon-unavailable': true,
  'internal': true,
} satisfies Record<Failure['reason'], true>);

const ADD_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];

/** Creates the daemon's metrics on a new registry (never the global one). */
export function createDaemonMetrics(options: DaemonMetricsOptions = {}): DaemonMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const awscni = createAwsCniMetrics(registry, options.version ?? '');
  const vpcnet = createVpcnetMetrics(registry);
  return {
    registry,
    awscni,
    vpcnet,
    observeEc2Call: (action, outcome, ms) => observeEc2Call(awscni, vpcnet, { action, outcome, ms }),
    observeImdsCall: (outcome, ms) => observeAwsLatency(awscni, { action: 'GetMetadata', outcome, ms }),
    startAction: (action) => startAction(awscni, action),
    recordPool: (pool) => recordPool(awscni, vpcnet, pool),
  };
}

function createVpcnetMetrics(registry: Registry): VpcnetMetrics {
  const registers = [registry];
  const metrics: VpcnetMetrics = {
    addFailures: new Counter({ name: 'vpcnet_add_failures_total', help: 'ADD requests that failed, by reason code', labelNames: ['reason'], registers }),
    delFailures: new Counter({ name: 'vpcnet_del_failures_total', help: 'DEL requests that failed, by reason code', labelNames: ['reason'], registers }),
    ec2Calls: new Counter({ name: 'vpcnet_ec2_calls_total', help: 'EC2 API attempts, retries included, by action and outcome (ok or the AWS error code)', labelNames: ['action', 'outcome'], registers }),
    idleIps: new Gauge({ name: 'vpcnet_idle_ips', help: 'Free IP addresses held by the node for future pods', registers }),
    addWaitSeconds: new Histogram({ name: 'vpcnet_add_wait_seconds', help: 'Time an ADD waited for the pool to have a free address', buckets: ADD_WAIT_BUCKETS, registers }),
  };
  for (const reason of FAILURE_REASONS) metrics.addFailures.inc({ reason }, 0);
  return metrics;
}

interface AwsCall {
  readonly action: string;
  readonly outcome: string;
  readonly ms: number;
}

function observeAwsLatency(awscni: AwsCniMetrics, call: AwsCall): void {
  const failed = call.outcome !== 'ok';
  // Upstream's status label is "200" on success and the AWS error code otherwise.
  awscni.awsApiLatencyMs.observe({ api: call.action, error: String(failed), status: failed ? call.outcome : '200' }, call.ms);
  if (failed) awscni.awsApiErrors.inc({ api: call.action, error: call.outcome });
}

function observeEc2Call(awscni: AwsCniMetrics, vpcnet: VpcnetMetrics, call: AwsCall): void {
  awscni.ec2ApiRequests.inc({ fn: call.action });
  if (call.outcome !== 'ok') awscni.ec2ApiErrors.inc({ fn: call.action });
  observeAwsLatency(awscni, call);
  vpcnet.ec2Calls.inc({ action: call.action, outcome: call.outcome });
}

function startAction(awscni: AwsCniMetrics, action: IpamdAction): () => void {
  awscni.ipamdActionsInProgress.inc({ fn: action });
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    awscni.ipamdActionsInProgress.dec({ fn: action });
  };
}

function recordPool(awscni: AwsCniMetrics, vpcnet: VpcnetMetrics, pool: PoolGauges): void {
  awscni.enisAllocated.set(pool.enis);
  awscni.enisMax.set(pool.eniMax);
  awscni.ipsMax.set(pool.ipMax);
  awscni.totalIpAddresses.set(pool.totalIps);
  awscni.assignedIpAddresses.set(pool.assignedIps);
  awscni.totalIpv4Prefixes.set(pool.ipv4Prefixes);
  vpcnet.idleIps.set(pool.idleIps);
  awscni.assignedIpPerEni.reset();
  for (const [eni, assigned] of Object.entries(pool.assignedPerEni)) awscni.assignedIpPerEni.set({ eni }, assigned);
  awscni.assignedIpPerCidr.reset();
  for (const [cidr, assigned] of Object.entries(pool.assignedPerCidr)) awscni.assignedIpPerCidr.set({ cidr }, assigned);
}
