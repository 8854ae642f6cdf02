/**
 * Stdin and environment as real runtimes hand them to a CNI plugin, for the CNI core's tests.
 *
 * libcni builds each plugin's stdin by unmarshalling the plugin's object into a Go map, injecting `name`,
 * `cniVersion`, `prevResult` and `runtimeConfig` (only capabilities the plugin declares), and marshalling the
 * map again: keys come out sorted, `capabilities` stays. `libcniStdin` does the same.
 */

type Json = Record<string, unknown>;

/** `misc/10-aws.conflist` of the Amazon VPC CNI v1.23.1 with the entrypoint's defaults substituted (IPv4 cluster). */
export const AWS_CONFLIST = `{
  "cniVersion": "0.4.0",
  "name": "aws-cni",
  "disableCheck": true,
  "plugins": [
    {
      "name": "aws-cni",
      "type": "aws-cni",
      "vethPrefix": "eni",
      "mtu": "9001",
      "podSGEnforcingMode": "strict",
      "pluginLogFile": "/var/log/aws-routed-eni/plugin.log",
      "pluginLogLevel": "DEBUG",
      "capabilities": {"io.kubernetes.cri.pod-annotations": true}
    },
    {
      "name": "egress-cni",
      "type": "egress-cni",
      "mtu": "9001",
      "enabled": "false",
      "randomizeSNAT": "prng",
      "nodeIP": "",
      "ipam": {
         "type": "host-local",
         "ranges": [[{"subnet": "fd00::ac:00/118"}]],
         "routes": [{"dst": "::/0"}],
         "dataDir": "/run/cni/v4pd/egress-v6-ipam"
      },
      "pluginLogFile": "/var/log/aws-routed-eni/egress-v6-plugin.log",
      "pluginLogLevel": "DEBUG"
    },
    {
      "type": "portmap",
      "capabilities": {"portMappings": true},
      "snat": true
    }
  ]
}`;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}

/** What libcni streams to plugin `index` of `conflist` (its `buildOneConfig` + `injectRuntimeConfig`). */
export function libcniStdin(conflist: string, index: number, options: { prevResult?: Json; capabilityArgs?: Json } = {}): string {
  const list = JSON.parse(conflist) as { cniVersion: string; name: string; plugins: Json[] };
  const plugin: Json = { ...list.plugins[index], name: list.name, cniVersion: list.cniVersion };
  if (options.prevResult !== undefined) plugin.prevResult = options.prevResult;
  const capabilities = (plugin.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig = Object.fromEntries(Object.entries(options.capabilityArgs ?? {}).filter(([key]) => capabilities[key] === true));
  if (Object.keys(runtimeConfig).length > 0) plugin.runtimeConfig = runtimeConfig;
  return JSON.stringify(sortKeys(plugin));
}

/** containerd 1.6 CRI: the pod annotations capability as kubelet's sandbox config carries it. */
export const CRI_POD_ANNOTATIONS: Json = {
  'io.kubernetes.cri.pod-annotations': {
    'kubernetes.io/config.seen': '2026-01-12T10:01:02.123456789Z',
    'kubernetes.io/config.source': 'api',
  },
  // go-cni's PortMapping has no JSON tags: containerd sends Go field names.
  'portMappings': [{ HostPort: 8080, ContainerPort: 80, Protocol: 'tcp', HostIP: '' }],
};

/** containerd's CRI environment for ADD (CNI_ARGS order as containerd 1.6 builds it). */
export const CRI_ADD_ENV: Readonly<Record<string, string>> = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: '5f2c8e0d1b7a4c3e9f6a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e',
  CNI_NETNS: '/var/run/netns/cni-4a1b2c3d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  CNI_IFNAME: 'eth0',
  CNI_ARGS: 'K8S_POD_INFRA_CONTAINER_ID=5f2c8e0d1b7a4c3e9f6a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e;K8S_POD_UID=0b6f2f6e-3d4c-4b5a-9e8f-7a6b5c4d3e2f;IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1',
  CNI_PATH: '/opt/cni/bin',
};

/** The result the Amazon VPC CNI v1.20+ printed for default/web-1 (address on device 1, table 2), in 0.4.0. */
export const UPSTREAM_RESULT_0_4_0: Json = {
  cniVersion: '0.4.0',
  interfaces: [
    { name: 'eni0761ccbeace' },
    { name: 'eth0', mac: '2', sandbox: '/var/run/netns/cni-4a1b2c3d-5e6f-7a8b-9c0d-1e2f3a4b5c6d' },
    { name: 'dummy0761ccbeace', mac: '0', sandbox: '1' },
  ],
  ips: [{ version: '4', interface: 1, address: '192.168.17.42/32' }],
  dns: {},
};

/** podman 4.3 (CNI backend) for a container named `web`: conflist written by the test, cniVersion 1.0.0. */
export const PODMAN_CONFLIST = `{
  "cniVersion": "1.0.0",
  "name": "vpcnet",
  "plugins": [
    { "type": "vpcnet-cni", "vethPrefix": "eni", "mtu": "9001", "pluginLogFile": "/tmp/vpcnet/plugin.log",
      "pluginLogLevel": "info", "ipamdSocket": "/tmp/vpcnet/ipamd.sock" },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}`;

/** podman's environment: CNI_ARGS with no namespace and no infra container id. */
export const PODMAN_ADD_ENV: Readonly<Record<string, string>> = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b',
  CNI_NETNS: '/run/netns/netns-2b1c0d9e-8f7a-6b5c-4d3e-2f1a0b9c8d7e',
  CNI_IFNAME: 'eth0',
  CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web',
  CNI_PATH: '/usr/lib/cni',
};
