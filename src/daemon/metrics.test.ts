import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import type { Ec2CallObserver } from '../adapters/aws/ec2-call-runner.ts';
import type { DaemonMetrics } from './metrics.ts';
import { createDaemonMetrics, startMetricsServer } from './metrics.ts';

/** Every metric of upstream's `prometheusmetrics.go` and `version/info.go`, with its type. */
const UPSTREAM: readonly (readonly [string, string])[] = [
  ['awscni_ipamd_error_count', 'counter'],
  ['awscni_ipamd_action_inprogress', 'gauge'],
  ['awscni_eni_max', 'gauge'],
  ['awscni_ip_max', 'gauge'],
  ['awscni_reconcile_count', 'counter'],
  ['awscni_add_ip_req_count', 'counter'],
  ['awscni_del_ip_req_count', 'counter'],
  ['awscni_pod_eni_error_count', 'counter'],
  ['awscni_aws_api_latency_ms', 'summary'],
  ['awscni_aws_api_error_count', 'counter'],
  ['awscni_aws_utils_error_count', 'counter'],
  ['awscni_ec2api_req_count', 'counter'],
  ['awscni_ec2api_error_count', 'counter'],
  ['awscni_eni_allocated', 'gauge'],
  ['awscni_total_ip_addresses', 'gauge'],
  ['awscni_assigned_ip_addresses', 'gauge'],
  ['awscni_force_removed_enis', 'counter'],
  ['awscni_force_removed_ips', 'counter'],
  ['awscni_unrecovered_checkpoint_entries', 'counter'],
  ['awscni_total_ipv4_prefixes', 'gauge'],
  ['awscni_assigned_ip_per_cidr', 'gauge'],
  ['awscni_no_available_ip_addresses', 'counter'],
  ['awscni_assigned_ip_per_eni', 'gauge'],
  ['awscni_ipamd_startup_duration_seconds', 'histogram'],
  ['awscni_ipamd_node_initialization_duration_seconds', 'histogram'],
  ['awscni_connmark_backend', 'gauge'],
  ['awscni_connmark_reconcile_total', 'counter'],
  ['awscni_build_info', 'gauge'],
];

const VPCNET: readonly (readonly [string, string])[] = [
  ['vpcnet_add_failures_total', 'counter'],
  ['vpcnet_del_failures_total', 'counter'],
  ['vpcnet_ec2_calls_total', 'counter'],
  ['vpcnet_idle_ips', 'gauge'],
  ['vpcnet_add_wait_seconds', 'histogram'],
];

/** One observation on every metric, through the typed accessors only. */
function observeEverything(metrics: DaemonMetrics): void {
  const { awscni, vpcnet } = metrics;
  awscni.ipamdErrors.inc({ fn: 'increaseIPPoolAllocIPAddressFailed' });
  const done = metrics.startAction('increaseDatastorePool');
  awscni.enisMax.set(3);
  awscni.ipsMax.set(15);
  awscni.reconciles.inc({ fn: 'eniReconcileAdd' });
  awscni.addIpRequests.inc();
  awscni.delIpRequests.inc({ reason: 'PodDeleted' });
  awscni.podEniErrors.inc({ fn: 'getTrunkENI' });
  metrics.observeEc2Call('AssignPrivateIpAddresses', 'RequestLimitExceeded', 120);
  awscni.awsUtilsErrors.inc({ fn: 'cleanUpLeakedENIs', error: 'InvalidNetworkInterfaceID.NotFound' });
  metrics.recordPool({ enis: 2, totalIps: 10, assignedIps: 3, ipv4Prefixes: 0, idleIps: 7, assignedPerEni: { 'eni-1': 3 }, assignedPerCidr: { '10.0.1.7/32': 1 }, eniMax: 3, ipMax: 15 });
  awscni.forceRemovedEnis.inc();
  awscni.forceRemovedIps.inc();
  awscni.unrecoveredCheckpointEntries.inc();
  awscni.noAvailableIpAddresses.inc();
  awscni.ipamdStartupDurationSeconds.observe({ success: 'true', with_api_server: 'false', failure_reason: '' }, 4.2);
  awscni.nodeInitializationDurationSeconds.observe({ success: 'true' }, 2.1);
  awscni.connmarkBackend.set({ backend: 'iptables' }, 1);
  vpcnet.addWaitSeconds.observe(0.8);
  vpcnet.delFailures.inc({ reason: 'internal' });
  done();
}

test('createDaemonMetrics() exposes every upstream awscni_* metric and vpcnet metric with its type', async () => {
  const metrics = createDaemonMetrics({ version: 'v0.1.0' });
  observeEverything(metrics);
  const text = await metrics.registry.metrics();
  for (const [name, type] of [...UPSTREAM, ...VPCNET]) {
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
    assert.match(text, new RegExp(`^${name}(_sum|_count|_bucket)?(\\{[^}]*\\})? [0-9.e+-]+$`, 'm'), `${name} has a sample`);
  }
  // Node's default process metrics are included, as Go's are upstream.
  assert.match(text, /^process_cpu_user_seconds_total /m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
});

test('createDaemonMetrics() registers on its own registry, never the global one', async () => {
  const first = createDaemonMetrics({ defaultMetrics: false });
  const second = createDaemonMetrics({ defaultMetrics: false });
  first.awscni.addIpRequests.inc();
  assert.match(await first.registry.metrics(), /^awscni_add_ip_req_count 1$/m);
  assert.match(await second.registry.metrics(), /^awscni_add_ip_req_count 0$/m);
  assert.equal(globalRegistry.getSingleMetric('awscni_add_ip_req_count'), undefined);
});

test('createDaemonMetrics() sets build info and pre-initialises connmark results and failure reasons at 0', async () => {
  const text = await createDaemonMetrics({ version: 'v1.2.3', defaultMetrics: false }).registry.metrics();
  assert.match(text, new RegExp(`^awscni_build_info\\{version="v1\\.2\\.3",goversion="${process.version.replace(/\./g, '\\.')}"\\} 1$`, 'm'));
  assert.match(text, /^awscni_connmark_reconcile_total\{result="success"\} 0$/m);
  assert.match(text, /^awscni_connmark_reconcile_total\{result="error"\} 0$/m);
  for (const reason of ['pool-empty', 'subnet-full', 'no-contiguous-28', 'eni-limit', 'max-pods', 'throttled', 'unknown-pod', 'bad-request', 'version-mismatch', 'daemon-unavailable', 'internal']) {
    assert.match(text, new RegExp(`^vpcnet_add_failures_total\\{reason="${reason}"\\} 0$`, 'm'), reason);
  }
});

test('DaemonMetrics.observeEc2Call() feeds upstream EC2 and AWS API metrics and vpcnet_ec2_calls_total', async () => {
  const metrics = createDaemonMetrics({ defaultMetrics: false });
  metrics.observeEc2Call('CreateNetworkInterface', 'ok', 300);
  metrics.observeEc2Call('CreateNetworkInterface', 'InsufficientFreeAddressesInSubnet', 100);
  const text = await metrics.registry.metrics();
  assert.match(text, /^awscni_ec2api_req_count\{fn="CreateNetworkInterface"\} 2$/m);
  assert.match(text, /^awscni_ec2api_error_count\{fn="CreateNetworkInterface"\} 1$/m);
  assert.match(text, /^awscni_aws_api_latency_ms_sum\{api="CreateNetworkInterface",error="false",status="200"\} 300$/m);
  assert.match(text, /^awscni_aws_api_latency_ms_count\{api="CreateNetworkInterface",error="true",status="InsufficientFreeAddressesInSubnet"\} 1$/m);
  assert.match(text, /^awscni_aws_api_error_count\{api="CreateNetworkInterface",error="InsufficientFreeAddressesInSubnet"\} 1$/m);
  assert.match(text, /^vpcnet_ec2_calls_total\{action="CreateNetworkInterface",outcome="ok"\} 1$/m);
  assert.doesNotMatch(text, /awscni_aws_api_latency_ms\{.*quantile/, 'sum and count only, as upstream');
  // The EC2 adapter's observer hook takes it as is.
  const observer: Ec2CallObserver = metrics.observeEc2Call;
  observer('DescribeNetworkInterfaces', 'ok', 1);
  metrics.observeImdsCall('ok', 2);
  assert.match(await metrics.registry.metrics(), /^awscni_aws_api_latency_ms_count\{api="GetMetadata",error="false",status="200"\} 1$/m);
});

test('DaemonMetrics.startAction() counts an action in progress until it ends, once', async () => {
  const metrics = createDaemonMetrics({ defaultMetrics: false });
  const done = metrics.startAction('nodeInit');
  assert.match(await metrics.registry.metrics(), /^awscni_ipamd_action_inprogress\{fn="nodeInit"\} 1$/m);
  done();
  done();
  assert.match(await metrics.registry.metrics(), /^awscni_ipamd_action_inprogress\{fn="nodeInit"\} 0$/m);
});

test('DaemonMetrics.recordPool() replaces per-ENI and per-CIDR series, dropping vanished ones', async () => {
  const metrics = createDaemonMetrics({ defaultMetrics: false });
  metrics.recordPool({ enis: 2, totalIps: 6, assignedIps: 2, ipv4Prefixes: 0, idleIps: 4, assignedPerEni: { 'eni-a': 1, 'eni-b': 1 }, assignedPerCidr: { '10.0.1.7/32': 1, '10.0.2.9/32': 1 }, eniMax: 3, ipMax: 15 });
  metrics.recordPool({ enis: 1, totalIps: 3, assignedIps: 1, ipv4Prefixes: 0, idleIps: 2, assignedPerEni: { 'eni-a': 1 }, assignedPerCidr: { '10.0.1.7/32': 1 }, eniMax: 2, ipMax: 10 });
  const text = await metrics.registry.metrics();
  assert.match(text, /^awscni_assigned_ip_per_eni\{eni="eni-a"\} 1$/m);
  assert.doesNotMatch(text, /eni-b/);
  assert.doesNotMatch(text, /10\.0\.2\.9/);
  assert.match(text, /^awscni_eni_allocated 1$/m);
  assert.match(text, /^awscni_total_ip_addresses 3$/m);
  assert.match(text, /^vpcnet_idle_ips 2$/m);
  assert.match(text, /^awscni_eni_max 2$/m);
  assert.match(text, /^awscni_ip_max 10$/m);
});

test('startMetricsServer() serves /metrics in the Prometheus text format and 404 elsewhere', async () => {
  const metrics = createDaemonMetrics({ version: 'test' });
  observeEverything(metrics);
  const server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry });
  try {
    assert.equal(server.address, `127.0.0.1:${server.port}`);
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const [name] of [...UPSTREAM, ...VPCNET]) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    const missing = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '404 page not found\n');
  } finally {
    await server.close();
  }
});

test('startMetricsServer() listens on every interface by default', async () => {
  const server = await startMetricsServer({ port: 0, registry: createDaemonMetrics({ defaultMetrics: false }).registry });
  try {
    assert.equal(server.address, `:${server.port}`);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status, 200);
  } finally {
    await server.close();
  }
});
