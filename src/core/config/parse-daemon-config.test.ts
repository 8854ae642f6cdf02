import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config-error.ts';
import type { DaemonConfig } from './daemon-config.ts';
import type { Env } from './env-reader.ts';
import { parseDaemonConfig } from './parse-daemon-config.ts';

const DEFAULTS: DaemonConfig = {
  ipFamily: 'ipv4',
  poolMode: 'secondary-ip',
  warmTargets: { warmEniTarget: 1, warmIpTarget: 0, minimumIpTarget: 0, warmPrefixTarget: 0 },
  maxEni: undefined,
  ipCooldownMs: 30_000,
  customNetworking: { enabled: false, eniConfigLabelKey: 'k8s.amazonaws.com/eniConfig', eniConfigAnnotationKey: 'k8s.amazonaws.com/eniConfig' },
  subnetDiscovery: true,
  manageEnisOnUnschedulableNode: false,
  manageUntaggedEnis: true,
  provisioningDisabled: false,
  imdsOnly: false,
  leakedEniCleanupDisabled: false,
  podEni: false,
  podSgEnforcingMode: 'strict',
  networkPolicyMode: undefined,
  multiNic: false,
  annotatePodIp: false,
  clusterName: undefined,
  clusterEndpoint: undefined,
  additionalEniTags: {},
  ec2Endpoint: undefined,
  httpTimeoutMs: 10_000,
  vpcCniVersion: '',
  nodeName: undefined,
  podName: undefined,
  backingStorePath: '/var/run/aws-node/ipam.json',
  log: { file: '/host/var/log/aws-routed-eni/ipamd.log', level: 'debug' },
  introspectionBindAddress: '127.0.0.1:61679',
  introspectionDisabled: false,
  metricsDisabled: false,
  eniMtu: 9001,
  podMtu: 9001,
  vethPrefix: 'eni',
  connmark: 0x80,
  nodePortSupport: true,
  snat: { mode: 'node', randomize: 'prng', excludeCidrs: [] },
  externalServiceCidrs: [],
  cni: {
    binDir: '/host/opt/cni/bin',
    confDir: '/host/etc/cni/net.d',
    pluginLogFile: '/var/log/aws-routed-eni/plugin.log',
    pluginLogLevel: 'debug',
    egressV4PluginLogFile: '/var/log/aws-routed-eni/egress-v4-plugin.log',
    egressV6PluginLogFile: '/var/log/aws-routed-eni/egress-v6-plugin.log',
    bandwidthPlugin: false,
    podIpv6Disabled: false,
    ipv6Egress: false,
    ipv4Egress: true,
    tcpEarlyDemuxDisabled: false,
  },
};

function refusal(env: Env): ConfigError {
  try {
    parseDaemonConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

test('parseDaemonConfig() gives upstream code defaults for an empty environment', () => {
  assert.deepEqual(parseDaemonConfig({}), DEFAULTS);
});

test('parseDaemonConfig() defaults ENABLE_IPv4 to true when ENABLE_IPv4 and ENABLE_IPv6 are both unset (as the manifest; upstream code needs it set)', () => {
  assert.equal(parseDaemonConfig({}).ipFamily, 'ipv4');
  assert.equal(parseDaemonConfig({ ENABLE_IPv4: 'true', ENABLE_IPv6: 'false' }).ipFamily, 'ipv4');
});

test('parseDaemonConfig() treats a variable set to the empty string as unset', () => {
  const env = Object.fromEntries(['WARM_IP_TARGET', 'ENABLE_IPv4', 'AWS_VPC_ENI_MTU', 'IP_COOLDOWN_PERIOD', 'AWS_VPC_K8S_CNI_VETHPREFIX',
    'NETWORK_POLICY_ENFORCING_MODE', 'MAX_ENI', 'AWS_VPC_K8S_CNI_LOGLEVEL', 'CLUSTER_NAME'].map((name) => [name, '']));
  assert.deepEqual(parseDaemonConfig(env), DEFAULTS);
});

test('parseDaemonConfig() keeps AWS_VPC_K8S_PLUGIN_LOG_FILE="" (upstream: the plugin logs to stderr)', () => {
  assert.equal(parseDaemonConfig({ AWS_VPC_K8S_PLUGIN_LOG_FILE: '' }).cni.pluginLogFile, '');
});

test('parseDaemonConfig() reads each setting with upstream semantics', () => {
  const cases: ReadonlyArray<readonly [Env, (config: DaemonConfig) => unknown, unknown]> = [
    [{ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }, (c) => c.poolMode, 'prefix'],
    [{ WARM_ENI_TARGET: '0', WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10', WARM_PREFIX_TARGET: '2' }, (c) => c.warmTargets,
      { warmEniTarget: 0, warmIpTarget: 5, minimumIpTarget: 10, warmPrefixTarget: 2 }],
    [{ MAX_ENI: '2' }, (c) => c.maxEni, 2],
    [{ IP_COOLDOWN_PERIOD: '0' }, (c) => c.ipCooldownMs, 0],
    [{ IP_COOLDOWN_PERIOD: '45' }, (c) => c.ipCooldownMs, 45_000],
    [{ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'True', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' }, (c) => c.customNetworking,
      { enabled: true, eniConfigLabelKey: 'topology.kubernetes.io/zone', eniConfigAnnotationKey: 'k8s.amazonaws.com/eniConfig' }],
    [{ ENABLE_SUBNET_DISCOVERY: 'f' }, (c) => c.subnetDiscovery, false],
    [{ AWS_MANAGE_ENIS_NON_SCHEDULABLE: '1' }, (c) => c.manageEnisOnUnschedulableNode, true],
    [{ MANAGE_UNTAGGED_ENI: 'FALSE' }, (c) => c.manageUntaggedEnis, false],
    [{ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'true' }, (c) => [c.provisioningDisabled, c.leakedEniCleanupDisabled, c.imdsOnly], [true, true, false]],
    [{ ENABLE_IMDS_ONLY_MODE: 'true' }, (c) => [c.provisioningDisabled, c.leakedEniCleanupDisabled, c.imdsOnly], [true, true, true]],
    [{ DISABLE_LEAKED_ENI_CLEANUP: 'true' }, (c) => [c.provisioningDisabled, c.leakedEniCleanupDisabled], [false, true]],
    [{ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }, (c) => [c.podEni, c.podSgEnforcingMode], [true, 'standard']],
    [{ NETWORK_POLICY_ENFORCING_MODE: 'Standard' }, (c) => c.networkPolicyMode, 'standard'],
    [{ NETWORK_POLICY_ENFORCING_MODE: 'none' }, (c) => c.networkPolicyMode, 'none'],
    [{ ENABLE_MULTI_NIC: 'true', ANNOTATE_POD_IP: 't' }, (c) => [c.multiNic, c.annotatePodIp], [true, true]],
    [{ CLUSTER_NAME: 'prod', CLUSTER_ENDPOINT: 'https://k8s:443', AWS_EC2_ENDPOINT: 'http://127.0.0.1:4566' },
      (c) => [c.clusterName, c.clusterEndpoint, c.ec2Endpoint], ['prod', 'https://k8s:443', 'http://127.0.0.1:4566']],
    [{ ADDITIONAL_ENI_TAGS: '{"team":"net"}' }, (c) => c.additionalEniTags, { team: 'net' }],
    [{ HTTP_TIMEOUT: '30' }, (c) => c.httpTimeoutMs, 30_000],
    [{ VPC_CNI_VERSION: 'v1.23.1', MY_NODE_NAME: 'ip-10-0-0-1', MY_POD_NAME: 'aws-node-x' },
      (c) => [c.vpcCniVersion, c.nodeName, c.podName], ['v1.23.1', 'ip-10-0-0-1', 'aws-node-x']],
    [{ AWS_VPC_K8S_CNI_BACKING_STORE: '/tmp/ipam.json' }, (c) => c.backingStorePath, '/tmp/ipam.json'],
    [{ AWS_VPC_K8S_CNI_LOG_FILE: 'stdout', AWS_VPC_K8S_CNI_LOGLEVEL: 'INFO' }, (c) => c.log, { file: 'stdout', level: 'info' }],
    [{ INTROSPECTION_BIND_ADDRESS: 'unix:/run/vpcnet/introspect.sock' }, (c) => c.introspectionBindAddress, 'unix:/run/vpcnet/introspect.sock'],
    [{ INTROSPECTION_BIND_ADDRESS: ':61679' }, (c) => c.introspectionBindAddress, ':61679'],
    [{ INTROSPECTION_BIND_ADDRESS: '[::1]:61679' }, (c) => c.introspectionBindAddress, '[::1]:61679'],
    [{ DISABLE_INTROSPECTION: 'true', DISABLE_METRICS: 'true' }, (c) => [c.introspectionDisabled, c.metricsDisabled], [true, true]],
    [{ AWS_VPC_ENI_MTU: '1500' }, (c) => [c.eniMtu, c.podMtu], [1500, 1500]],
    [{ AWS_VPC_ENI_MTU: '9001', POD_MTU: '576' }, (c) => [c.eniMtu, c.podMtu], [9001, 576]],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'cali' }, (c) => c.vethPrefix, 'cali'],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0x40' }, (c) => c.connmark, 64],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '256' }, (c) => c.connmark, 256],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0xffffffff' }, (c) => c.connmark, 4294967295],
    [{ AWS_VPC_CNI_NODE_PORT_SUPPORT: 'false' }, (c) => c.nodePortSupport, false],
    [{ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'hashrandom', AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.1.2.3/16, 172.16.0.0/12' },
      (c) => c.snat, { mode: 'external', randomize: 'hashrandom', excludeCidrs: ['10.1.0.0/16', '172.16.0.0/12'] }],
    [{ AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'none' }, (c) => c.snat.randomize, 'none'],
    [{ AWS_EXTERNAL_SERVICE_CIDRS: '100.64.0.0/10' }, (c) => c.externalServiceCidrs, ['100.64.0.0/10']],
    [{ HOST_CNI_BIN_PATH: '/opt/cni/bin', HOST_CNI_CONFDIR_PATH: '/etc/cni/net.d' }, (c) => [c.cni.binDir, c.cni.confDir], ['/opt/cni/bin', '/etc/cni/net.d']],
    [{ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stderr', AWS_VPC_K8S_PLUGIN_LOG_LEVEL: 'WARN' }, (c) => [c.cni.pluginLogFile, c.cni.pluginLogLevel], ['stderr', 'warn']],
    [{ ENABLE_BANDWIDTH_PLUGIN: 'true', DISABLE_POD_V6: 'true', ENABLE_V6_EGRESS: 'true', ENABLE_V4_EGRESS: 'false', DISABLE_TCP_EARLY_DEMUX: 'true' },
      (c) => [c.cni.bandwidthPlugin, c.cni.podIpv6Disabled, c.cni.ipv6Egress, c.cni.ipv4Egress, c.cni.tcpEarlyDemuxDisabled], [true, true, true, false, true]],
  ];
  for (const [env, select, expected] of cases) assert.deepEqual(select(parseDaemonConfig(env)), expected, JSON.stringify(env));
});

test('parseDaemonConfig() refuses, naming the variable and the accepted range, where upstream would fall back to a default', () => {
  const cases: ReadonlyArray<readonly [Env, string]> = [
    [{ WARM_IP_TARGET: 'abc' }, 'Invalid WARM_IP_TARGET "abc": expected an integer >= 0'],
    [{ WARM_IP_TARGET: '-1' }, 'Invalid WARM_IP_TARGET "-1": expected an integer >= 0'],
    [{ WARM_ENI_TARGET: '-1' }, 'Invalid WARM_ENI_TARGET "-1": expected an integer >= 0'],
    [{ MINIMUM_IP_TARGET: '1.5' }, 'Invalid MINIMUM_IP_TARGET "1.5": expected an integer >= 0'],
    [{ WARM_PREFIX_TARGET: '-2', WARM_IP_TARGET: '1' }, 'Invalid WARM_PREFIX_TARGET "-2": expected an integer >= 0'],
    [{ MAX_ENI: '0' }, 'Invalid MAX_ENI "0": expected an integer >= 1'],
    [{ IP_COOLDOWN_PERIOD: '-5' }, 'Invalid IP_COOLDOWN_PERIOD "-5": expected an integer >= 0 (seconds)'],
    [{ HTTP_TIMEOUT: '5' }, 'Invalid HTTP_TIMEOUT "5": expected an integer >= 10 (seconds)'],
    [{ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'yes' }, 'Invalid AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG "yes": expected a boolean (true, false, 1, 0, t, f, T, F, TRUE, FALSE, True, False)'],
    [{ AWS_VPC_ENI_MTU: '575' }, 'Invalid AWS_VPC_ENI_MTU "575": expected an integer from 576 to 9001 (bytes, in IPv4 mode)'],
    [{ POD_MTU: '9002' }, 'Invalid POD_MTU "9002": expected an integer from 576 to 9001 (bytes, in IPv4 mode)'],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'veths' }, 'Invalid AWS_VPC_K8S_CNI_VETHPREFIX "veths": expected at most 4 printable ASCII characters without "/" or ":", other than "eth", "lo" and "vlan"'],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'eth' }, 'Invalid AWS_VPC_K8S_CNI_VETHPREFIX "eth"'],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'vlan' }, 'Invalid AWS_VPC_K8S_CNI_VETHPREFIX "vlan"'],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'a/b' }, 'Invalid AWS_VPC_K8S_CNI_VETHPREFIX "a/b"'],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0' }, 'Invalid AWS_VPC_K8S_CNI_CONNMARK "0": expected an integer from 1 to 4294967295'],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0x100000000' }, 'Invalid AWS_VPC_K8S_CNI_CONNMARK "0x100000000"'],
    [{ AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'PRNG' }, 'Invalid AWS_VPC_K8S_CNI_RANDOMIZESNAT "PRNG": expected one of "prng", "hashrandom", "none"'],
    [{ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,fd00::/8' }, 'Invalid AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS "10.0.0.0/8,fd00::/8": expected a comma-separated list of IPv4 CIDR blocks such as 10.0.0.0/8 (not "fd00::/8")'],
    [{ AWS_EXTERNAL_SERVICE_CIDRS: '10.0.0.0' }, 'Invalid AWS_EXTERNAL_SERVICE_CIDRS "10.0.0.0"'],
    [{ AWS_VPC_K8S_CNI_LOGLEVEL: 'trace' }, 'Invalid AWS_VPC_K8S_CNI_LOGLEVEL "trace": expected one of "debug", "info", "warn", "error", "fatal" (any case)'],
    [{ AWS_VPC_K8S_PLUGIN_LOG_LEVEL: 'verbose' }, 'Invalid AWS_VPC_K8S_PLUGIN_LOG_LEVEL "verbose"'],
    [{ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stdout' }, 'Invalid AWS_VPC_K8S_PLUGIN_LOG_FILE "stdout": expected a file path or "stderr"'],
    [{ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'loose' }, 'Invalid POD_SECURITY_GROUP_ENFORCING_MODE "loose": expected one of "strict", "standard"'],
    [{ POD_SECURITY_GROUP_ENFORCING_MODE: 'Strict' }, 'Invalid POD_SECURITY_GROUP_ENFORCING_MODE "Strict"'],
    [{ NETWORK_POLICY_ENFORCING_MODE: 'monitor' }, 'Invalid NETWORK_POLICY_ENFORCING_MODE "monitor": expected one of "none", "strict", "standard" (any case)'],
    [{ ADDITIONAL_ENI_TAGS: '{"k8s.amazonaws.com/x":"y"}' }, 'Invalid ADDITIONAL_ENI_TAGS "{\\"k8s.amazonaws.com/x\\":\\"y\\"}": expected a JSON object of string tag values'],
    [{ INTROSPECTION_BIND_ADDRESS: '61679' }, 'Invalid INTROSPECTION_BIND_ADDRESS "61679": expected host:port (port 0 to 65535) or unix:<socket path>'],
    [{ INTROSPECTION_BIND_ADDRESS: '127.0.0.1:70000' }, 'Invalid INTROSPECTION_BIND_ADDRESS "127.0.0.1:70000"'],
    [{ INTROSPECTION_BIND_ADDRESS: 'unix:' }, 'Invalid INTROSPECTION_BIND_ADDRESS "unix:"'],
  ];
  for (const [env, message] of cases) {
    const error = refusal(env);
    assert.equal(error.problems.length, 1, JSON.stringify(env));
    assert.ok(error.message.startsWith(message), `${error.message}\n  should start with\n${message}`);
  }
});

test('parseDaemonConfig() lists every problem in one ConfigError', () => {
  const error = refusal({ WARM_IP_TARGET: 'x', AWS_VPC_ENI_MTU: '100', AWS_VPC_K8S_CNI_VETHPREFIX: 'lo' });
  assert.deepEqual(error.problems.map((p) => p.variable), ['WARM_IP_TARGET', 'AWS_VPC_ENI_MTU', 'AWS_VPC_K8S_CNI_VETHPREFIX']);
  assert.equal(error.name, 'ConfigError');
  assert.match(error.message, /^3 invalid settings: Invalid WARM_IP_TARGET "x": expected an integer >= 0; Invalid AWS_VPC_ENI_MTU "100": .*; Invalid AWS_VPC_K8S_CNI_VETHPREFIX "lo": /);
});

test('parseDaemonConfig() refuses prefix delegation with WARM_PREFIX_TARGET, WARM_IP_TARGET and MINIMUM_IP_TARGET all 0', () => {
  const expected = 'Invalid WARM_PREFIX_TARGET (unset): expected an integer >= 1 when ENABLE_PREFIX_DELEGATION is true and neither WARM_IP_TARGET nor MINIMUM_IP_TARGET is above 0';
  assert.equal(refusal({ ENABLE_PREFIX_DELEGATION: 'true' }).message, expected);
  assert.equal(refusal({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '0', WARM_IP_TARGET: '0' }).problems.length, 1);
  for (const env of [{ WARM_PREFIX_TARGET: '1' }, { WARM_IP_TARGET: '1' }, { MINIMUM_IP_TARGET: '16' }]) {
    assert.equal(parseDaemonConfig({ ENABLE_PREFIX_DELEGATION: 'true', ...env }).poolMode, 'prefix');
  }
  // Without prefix delegation all-zero targets are the normal WARM_ENI_TARGET mode.
  assert.equal(parseDaemonConfig({ WARM_PREFIX_TARGET: '0' }).poolMode, 'secondary-ip');
});

test('parseDaemonConfig() refuses WARM_PREFIX_TARGET="00" with prefix delegation (upstream compares strings, "00" > "0", and lets it through)', () => {
  assert.equal(refusal({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '00' }).problems[0]?.value, '00');
});

test('parseDaemonConfig() reports an invalid target once, not again as the prefix-delegation combination', () => {
  const error = refusal({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 'one' });
  assert.deepEqual(error.problems.map((p) => p.expected), ['an integer >= 0']);
});

test('parseDaemonConfig() requires exactly one of ENABLE_IPv4 and ENABLE_IPv6, and refuses IPv6 mode (not supported by vpcnet yet)', () => {
  assert.match(refusal({ ENABLE_IPv4: 'false' }).message, /^Invalid ENABLE_IPv4 "false": expected true when ENABLE_IPv6 is false/);
  assert.match(refusal({ ENABLE_IPv4: 'false', ENABLE_IPv6: 'false' }).message, /^Invalid ENABLE_IPv4 "false"/);
  assert.match(refusal({ ENABLE_IPv4: 'true', ENABLE_IPv6: 'true' }).message, /^Invalid ENABLE_IPv6 "true": expected false when ENABLE_IPv4 is true \(dual stack/);
  assert.match(refusal({ ENABLE_IPv6: 'true' }).message, /^Invalid ENABLE_IPv6 "true": expected false: vpcnet does not support IPv6/);
  assert.match(refusal({ ENABLE_IPv4: 'false', ENABLE_IPv6: 'true' }).message, /vpcnet does not support IPv6/);
});

test('parseDaemonConfig() checks MTUs against the IPv6 range (1280) when ENABLE_IPv6 is on', () => {
  const error = refusal({ ENABLE_IPv4: 'false', ENABLE_IPv6: 'true', AWS_VPC_ENI_MTU: '1000' });
  assert.ok(error.problems.some((p) => p.variable === 'AWS_VPC_ENI_MTU' && p.expected === 'an integer from 1280 to 9001 (bytes, in IPv6 mode)'));
});

test('parseDaemonConfig() returns a deeply frozen config', () => {
  const config = parseDaemonConfig({ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8', ADDITIONAL_ENI_TAGS: '{"a":"b"}' });
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.snat.excludeCidrs));
  assert.ok(Object.isFrozen(config.additionalEniTags));
  assert.ok(Object.isFrozen(config.cni));
});
