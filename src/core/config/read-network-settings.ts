import { parseCidrList } from './cidr-list.ts';
import type { DaemonConfig, IpFamily, SnatRandomization } from './daemon-config.ts';
import type { EnvReader } from './env-reader.ts';
import { parseGoIntBase0 } from './go-strconv.ts';

/** The node-networking part of {@link DaemonConfig} (upstream `pkg/networkutils` and the entrypoint checks). */
export type NetworkSettings = Pick<
  DaemonConfig,
  'eniMtu' | 'podMtu' | 'vethPrefix' | 'connmark' | 'nodePortSupport' | 'snat' | 'externalServiceCidrs'
>;

/** Largest MTU of an ENI (jumbo frames), also the default. */
export const MAX_MTU = 9001;
/** Smallest MTU accepted in IPv4 mode; IPv6 needs 1280 (`minMTUv4`, `minMTUv6`). */
export const MIN_MTU_BY_FAMILY: Readonly<Record<IpFamily, number>> = { ipv4: 576, ipv6: 1280 };
/** Default `AWS_VPC_K8S_CNI_CONNMARK` (0x80); kube-proxy uses 0xc000 and Calico 0xffff0000. */
export const DEFAULT_CONNMARK = 0x80;
/** Default host-side veth prefix. */
export const DEFAULT_VETH_PREFIX = 'eni';

const RESERVED_VETH_PREFIXES = ['eth', 'lo', 'vlan'];
// Linux `dev_valid_name` rejects '/', ':' and whitespace; upstream only checks length and the reserved words.
const VETH_PREFIX_CHARS = /^[\x21-\x7e]+$/;
const MAX_CONNMARK = 0xffffffff;

function readVethPrefix(reader: EnvReader): string {
  const value = reader.value('AWS_VPC_K8S_CNI_VETHPREFIX');
  if (value === undefined) return DEFAULT_VETH_PREFIX;
  const valid = value.length <= 4 && VETH_PREFIX_CHARS.test(value) && !/[/:]/.test(value) && !RESERVED_VETH_PREFIXES.includes(value);
  if (!valid) {
    reader.report('AWS_VPC_K8S_CNI_VETHPREFIX', value, 'at most 4 printable ASCII characters without "/" or ":", other than "eth", "lo" and "vlan"');
  }
  return valid ? value : DEFAULT_VETH_PREFIX;
}

function readConnmark(reader: EnvReader): number {
  const value = reader.value('AWS_VPC_K8S_CNI_CONNMARK');
  if (value === undefined) return DEFAULT_CONNMARK;
  // strconv.ParseInt(v, 0, 64): "0x80", "128" and "0200" are the same mark.
  const mark = parseGoIntBase0(value);
  if (mark === undefined || mark < 1 || mark > MAX_CONNMARK) {
    reader.report('AWS_VPC_K8S_CNI_CONNMARK', value, `an integer from 1 to ${MAX_CONNMARK} (decimal, 0x hex, 0o or 0 octal, 0b binary)`);
    return DEFAULT_CONNMARK;
  }
  return mark;
}

function readCidrs(reader: EnvReader, name: string): readonly string[] {
  const value = reader.value(name);
  if (value === undefined) return [];
  const { cidrs, invalid } = parseCidrList(value);
  if (invalid.length > 0) {
    const items = invalid.map((item) => JSON.stringify(item)).join(', ');
    reader.report(name, value, `a comma-separated list of IPv4 CIDR blocks such as 10.0.0.0/8 (not ${items})`);
  }
  return cidrs;
}

/** Reads MTUs, veth prefix, connmark, SNAT and routing settings; MTU ranges depend on the address family. */
export function readNetworkSettings(reader: EnvReader, ipFamily: IpFamily): NetworkSettings {
  const mtuRange = { min: MIN_MTU_BY_FAMILY[ipFamily], max: MAX_MTU, unit: `bytes, in ${ipFamily === 'ipv4' ? 'IPv4' : 'IPv6'} mode` };
  const eniMtu = reader.integer('AWS_VPC_ENI_MTU', MAX_MTU, mtuRange);
  const podMtu = reader.integer('POD_MTU', eniMtu, mtuRange);
  const randomize: SnatRandomization = reader.choice('AWS_VPC_K8S_CNI_RANDOMIZESNAT', ['prng', 'hashrandom', 'none'], 'prng');
  return {
    eniMtu,
    podMtu,
    vethPrefix: readVethPrefix(reader),
    connmark: readConnmark(reader),
    nodePortSupport: reader.bool('AWS_VPC_CNI_NODE_PORT_SUPPORT', true),
    snat: {
      mode: reader.bool('AWS_VPC_K8S_CNI_EXTERNALSNAT', false) ? 'external' : 'node',
      randomize,
      excludeCidrs: readCidrs(reader, 'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS'),
    },
    externalServiceCidrs: readCidrs(reader, 'AWS_EXTERNAL_SERVICE_CIDRS'),
  };
}
