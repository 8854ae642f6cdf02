/**
 * Every Prometheus metric of upstream ipamd (`utils/prometheusmetrics`, `pkg/version`), with the same
 * names, types and labels, so that dashboards, alerts and cni-metrics-helper work unchanged.
 */
import { Counter, Gauge, Histogram, Summary } from 'prom-client';
import type { Registry } from 'prom-client';

/** Upstream's `awscni_*` metrics as typed prom-client objects (label names are checked at compile time). */
export interface AwsCniMetrics {
  /** `awscni_ipamd_error_count{fn}`: errors in ipamd, by function. */
  readonly ipamdErrors: Counter<'fn'>;
  /** `awscni_ipamd_action_inprogress{fn}`: pool actions running now (`nodeInit`, `increaseDatastorePool`, ...). */
  readonly ipamdActionsInProgress: Gauge<'fn'>;
  /** `awscni_eni_max`: ENIs the instance may attach, unmanaged ENIs excluded. */
  readonly enisMax: Gauge;
  /** `awscni_ip_max`: addresses the node may hold (IPs per ENI x managed ENI slots). */
  readonly ipsMax: Gauge;
  /** `awscni_reconcile_count{fn}`: reconciliations of ENIs and addresses, by kind. */
  readonly reconciles: Counter<'fn'>;
  /** `awscni_add_ip_req_count`: ADD requests received. */
  readonly addIpRequests: Counter;
  /** `awscni_del_ip_req_count{reason}`: DEL requests received, by cause (`PodDeleted`, `SetupNSFailed`). */
  readonly delIpRequests: Counter<'reason'>;
  /** `awscni_pod_eni_error_count{fn}`: errors handling branch (pod) ENIs. */
  readonly podEniErrors: Counter<'fn'>;
  /** `awscni_aws_api_latency_ms{api,error,status}`: AWS call latency (sum and count only, as upstream). */
  readonly awsApiLatencyMs: Summary<'api' | 'error' | 'status'>;
  /** `awscni_aws_api_error_count{api,error}`: AWS calls that failed, by API and error code. */
  readonly awsApiErrors: Counter<'api' | 'error'>;
  /** `awscni_aws_utils_error_count{fn,error}`: errors in the AWS layer not tied to one API call. */
  readonly awsUtilsErrors: Counter<'fn' | 'error'>;
  /** `awscni_ec2api_req_count{fn}`: EC2 requests sent, by action. */
  readonly ec2ApiRequests: Counter<'fn'>;
  /** `awscni_ec2api_error_count{fn}`: EC2 requests that failed, by action. */
  readonly ec2ApiErrors: Counter<'fn'>;
  /** `awscni_eni_allocated`: ENIs attached and managed. */
  readonly enisAllocated: Gauge;
  /** `awscni_total_ip_addresses`: addresses held for pods. */
  readonly totalIpAddresses: Gauge;
  /** `awscni_assigned_ip_addresses`: addresses assigned to pods. */
  readonly assignedIpAddresses: Gauge;
  /** `awscni_force_removed_enis`: ENIs removed while pods still had addresses on them. */
  readonly forceRemovedEnis: Counter;
  /** `awscni_force_removed_ips`: addresses removed while assigned to pods. */
  readonly forceRemovedIps: Counter;
  /** `awscni_unrecovered_checkpoint_entries`: checkpoint entries that matched no ENI address on restore. */
  readonly unrecoveredCheckpointEntries: Counter;
  /** `awscni_total_ipv4_prefixes`: /28 prefixes held. */
  readonly totalIpv4Prefixes: Gauge;
  /** `awscni_assigned_ip_per_cidr{cidr}`: assigned addresses per /32 or /28. */
  readonly assignedIpPerCidr: Gauge<'cidr'>;
  /** `awscni_no_available_ip_addresses`: ADDs that found no address to hand out. */
  readonly noAvailableIpAddresses: Counter;
  /** `awscni_assigned_ip_per_eni{eni}`: assigned addresses per ENI. */
  readonly assignedIpPerEni: Gauge<'eni'>;
  /** `awscni_ipamd_startup_duration_seconds{success,with_api_server,failure_reason}`: process start to serving. */
  readonly ipamdStartupDurationSeconds: Histogram<'success' | 'with_api_server' | 'failure_reason'>;
  /** `awscni_ipamd_node_initialization_duration_seconds{success}`: node initialisation during startup. */
  readonly nodeInitializationDurationSeconds: Histogram<'success'>;
  /** `awscni_connmark_backend{backend}`: 1 on the backend in use (`iptables` or `nftables`). */
  readonly connmarkBackend: Gauge<'backend'>;
  /** `awscni_connmark_reconcile_total{result}`: connmark set-ups and clean-ups (`success`, `error`; both start at 0). */
  readonly connmarkReconciles: Counter<'result'>;
  /** `awscni_build_info{version,goversion}`: constant 1; `goversion` holds the Node.js version here. */
  readonly buildInfo: Gauge<'version' | 'goversion'>;
}

/** Creates every `awscni_*` metric on `registry`; `awscni_build_info` is set to 1 for `version`. */
export function createAwsCniMetrics(registry: Registry, version: string): AwsCniMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> => new Counter({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> => new Gauge({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> => new Histogram({ name, help, labelNames, registers });
  const metrics: AwsCniMetrics = {
    ipamdErrors: counter('awscni_ipamd_error_count', 'Errors met by ipamd, by function', ['fn']),
    ipamdActionsInProgress: gauge('awscni_ipamd_action_inprogress', 'Pool actions of ipamd running now, by function', ['fn']),
    enisMax: gauge('awscni_eni_max', 'ENIs the instance can attach, unmanaged ENIs excluded'),
    ipsMax: gauge('awscni_ip_max', 'IP addresses the instance can hold for pods'),
    reconciles: counter('awscni_reconcile_count', 'Reconciliations of ENIs and of IP/prefix addresses, by kind', ['fn']),
    addIpRequests: counter('awscni_add_ip_req_count', 'ADD (assign IP address) requests received'),
    delIpRequests: counter('awscni_del_ip_req_count', 'DEL (release IP address) requests received, by cause', ['reason']),
    podEniErrors: counter('awscni_pod_eni_error_count', 'Errors met handling pod (branch) ENIs, by function', ['fn']),
    awsApiLatencyMs: new Summary({ name: 'awscni_aws_api_latency_ms', help: 'Latency of AWS API calls in milliseconds', labelNames: ['api', 'error', 'status'], percentiles: [], registers }),
    awsApiErrors: counter('awscni_aws_api_error_count', 'AWS API calls that returned an error, by API and error code', ['api', 'error']),
    awsUtilsErrors: counter('awscni_aws_utils_error_count', 'Errors of the AWS layer not tied to one API call', ['fn', 'error']),
    ec2ApiRequests: counter('awscni_ec2api_req_count', 'EC2 API requests sent, by action', ['fn']),
    ec2ApiErrors: counter('awscni_ec2api_error_count', 'EC2 API requests that failed, by action', ['fn']),
    enisAllocated: gauge('awscni_eni_allocated', 'ENIs attached and managed'),
    totalIpAddresses: gauge('awscni_total_ip_addresses', 'IP addresses held for pods'),
    assignedIpAddresses: gauge('awscni_assigned_ip_addresses', 'IP addresses assigned to pods'),
    forceRemovedEnis: counter('awscni_force_removed_enis', 'ENIs removed while pods still had addresses on them'),
    forceRemovedIps: counter('awscni_force_removed_ips', 'IP addresses removed while assigned to pods'),
    unrecoveredCheckpointEntries: counter('awscni_unrecovered_checkpoint_entries', 'Checkpointed pod addresses that matched no ENI address when the IPAM state was restored'),
    totalIpv4Prefixes: gauge('awscni_total_ipv4_prefixes', 'IPv4 /28 prefixes held'),
    assignedIpPerCidr: gauge('awscni_assigned_ip_per_cidr', 'IP addresses assigned to pods, by /32 or /28 block', ['cidr']),
    noAvailableIpAddresses: counter('awscni_no_available_ip_addresses', 'Pod address assignments that failed because no address was available'),
    assignedIpPerEni: gauge('awscni_assigned_ip_per_eni', 'IP addresses assigned to pods, by ENI', ['eni']),
    ipamdStartupDurationSeconds: histogram('awscni_ipamd_startup_duration_seconds', 'Time from process start until ipamd serves CNI requests', ['success', 'with_api_server', 'failure_reason']),
    nodeInitializationDurationSeconds: histogram('awscni_ipamd_node_initialization_duration_seconds', 'Time spent initialising the node during ipamd startup', ['success']),
    connmarkBackend: gauge('awscni_connmark_backend', 'Connmark backend in use: 1 on the active backend', ['backend']),
    connmarkReconciles: counter('awscni_connmark_reconcile_total', 'Connmark set-ups and clean-ups, by result', ['result']),
    buildInfo: gauge('awscni_build_info', 'Constant 1, labelled with the build version and the runtime version (goversion holds the Node.js version)', ['version', 'goversion']),
  };
  // Upstream pre-initialises both results so that rate() works from the first scrape.
  metrics.connmarkReconciles.inc({ result: 'success' }, 0);
  metrics.connmarkReconciles.inc({ result: 'error' }, 0);
  metrics.buildInfo.set({ version, goversion: process.version }, 1);
  return metrics;
}
