/**
 * The ADD result. Under Kubernetes it is shaped exactly as the Amazon VPC CNI's plugin shapes it, because
 * DEL (of either plugin, after an upgrade or a downgrade) reads its own facts back from it when the daemon
 * cannot tell them (encoding `upstream`):
 *
 * ```
 * interfaces: [ { name: <host veth> },                                      for each address i
 *               { name: <ifName | mNicIf<i>>, mac: "<route table id>", sandbox: <netns> },
 *               { name: "dummy<11 hex>", mac: "0", sandbox: "<device number of address 0>" } ]   once, last
 * ips:        [ { address: "<ip>/32", gateway: "169.254.1.<i+1>", interface: <index of the container entry> } ]
 * ```
 * The container entry's `mac` and the dummy's `mac`/`sandbox` are not MACs or sandboxes: the route table id,
 * the VLAN id (0 = not a branch-ENI pod) and the device number. The dummy interface is never created.
 *
 * Runtimes outside Kubernetes (podman) parse the `mac` of every entry that has a `sandbox` as a MAC address,
 * and fail on those numbers. For them (encoding `standard`) every `mac` is real: the host veth's on the host
 * entry, the pod interface's on the container entry; the dummy entry keeps `mac: "0"` (VLAN 0) but no
 * `sandbox`, so such runtimes skip it. That result records no route table and no device number: DEL gets
 * them from the daemon, and without the daemon needs only the addresses (see `del-info.ts`).
 *
 * Two deliberate differences from upstream, both invisible to its DEL: each address carries its gateway
 * (169.254.1.1 for the first; upstream leaves it out for pods outside security groups), and a host veth
 * entry may carry the veth's real MAC.
 */
import { formatIpv4, parseIpv4 } from '../ip/index.ts';
import type { PodAddress, PodIdentity } from '../protocol/index.ts';
import { containerIfName, dummyInterfaceName, hostVethName } from './names.ts';
import type { PodName } from './names.ts';
import { renderResult } from './result.ts';
import type { CniInterface, CniIpConfig, CniResult, CniResultJson } from './result.ts';
import type { CniVersion } from './versions.ts';

/** `upstream`: the Amazon VPC CNI's numbers in `mac`/`sandbox` (Kubernetes); `standard`: real MACs only. */
export type ResultEncoding = 'upstream' | 'standard';

/** What the plugin knows after setting a pod up. */
export interface AddResultInput {
  /** The config's version: the result is printed in it. */
  readonly cniVersion: CniVersion;
  /** `CNI_NETNS`. */
  readonly netns: string;
  /** `CNI_IFNAME` (the first container interface). */
  readonly ifName: string;
  /** From `K8S_POD_NAMESPACE`/`K8S_POD_NAME`: the host veth and dummy names hash them. */
  readonly pod: PodName;
  /** The config's `vethPrefix`. */
  readonly vethPrefix: string;
  /** What the daemon assigned, in its order (one per container interface). */
  readonly addresses: readonly PodAddress[];
  /** MAC of each host veth, in the order of `addresses` (optional; reported on the host entries). */
  readonly hostMacs?: readonly string[];
  /** How the container and dummy entries are encoded (default `upstream`; see `resultEncodingFor`). */
  readonly encoding?: ResultEncoding;
  /** MAC of each container interface, in the order of `addresses` (required by the `standard` encoding). */
  readonly podMacs?: readonly string[];
  /** Pod MTU, reported on the veth entries from spec 1.1.0 on (older results have no `mtu`). */
  readonly mtu?: number;
}

/**
 * The encoding for a runtime: `upstream` when `CNI_ARGS` names a Kubernetes pod (`K8S_POD_NAMESPACE` or
 * `K8S_POD_INFRA_CONTAINER_ID`, as every CRI runtime sends), `standard` otherwise (podman sends only
 * `K8S_POD_NAME`).
 */
export function resultEncodingFor(pod: PodIdentity): ResultEncoding {
  return pod.namespace !== '' || pod.infraContainerId !== '' ? 'upstream' : 'standard';
}

/** Address of the link-local gateway the pod's `index`-th interface routes through: 169.254.1.<index+1>. */
export function podGateway(index: number): string {
  return formatIpv4(parseIpv4('169.254.1.0') + index + 1);
}

function checkAddress(address: PodAddress, index: number): void {
  parseIpv4(address.ipv4);
  const integer = (value: number): boolean => Number.isInteger(value) && value >= 0;
  if (!integer(address.deviceNumber) || !integer(address.routeTableId)) {
    throw new RangeError(`Cannot build the ADD result: address ${index} (${address.ipv4}) has device ${address.deviceNumber} and route table ${address.routeTableId}`);
  }
}

function containerMac(input: AddResultInput, address: PodAddress, index: number): string {
  if (input.encoding !== 'standard') return String(address.routeTableId);
  const mac = input.podMacs?.[index];
  if (mac === undefined) throw new RangeError(`Cannot build the ADD result: the standard encoding needs the MAC of container interface ${index}`);
  return mac;
}

function dummyEntry(input: AddResultInput, first: PodAddress): CniInterface {
  const name = dummyInterfaceName(input.pod);
  return input.encoding === 'standard' ? { name, mac: '0' } : { name, mac: '0', sandbox: String(first.deviceNumber) };
}

/** The result, version-neutral (CHECK compares a `prevResult` with it). */
export function buildPodResult(input: AddResultInput): CniResult {
  const first = input.addresses[0];
  if (first === undefined) throw new RangeError('Cannot build the ADD result: the daemon assigned no address');
  const interfaces: CniInterface[] = [];
  const ips: CniIpConfig[] = [];
  const mtu = input.mtu === undefined ? {} : { mtu: input.mtu };
  input.addresses.forEach((address, index) => {
    checkAddress(address, index);
    const hostMac = input.hostMacs?.[index];
    interfaces.push({ name: hostVethName(input.vethPrefix, input.pod, index), ...(hostMac === undefined ? {} : { mac: hostMac }), ...mtu });
    interfaces.push({ name: containerIfName(input.ifName, index), mac: containerMac(input, address, index), ...mtu, sandbox: input.netns });
    ips.push({ address: `${address.ipv4}/32`, gateway: podGateway(index), interface: interfaces.length - 1 });
  });
  interfaces.push(dummyEntry(input, first));
  return { interfaces, ips, routes: [], dns: {} };
}

/** The ADD result in the wire form of `input.cniVersion`, ready for `JSON.stringify`. */
export function buildAddResult(input: AddResultInput): CniResultJson {
  return renderResult(buildPodResult(input), input.cniVersion);
}
