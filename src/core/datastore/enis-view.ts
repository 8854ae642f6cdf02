/**
 * The introspection view `GET /v1/enis` (127.0.0.1:61679) in upstream's exact JSON: Go's `json.Marshal` of
 * `map[networkCard]*ENIInfos` (map keys sorted, struct fields in declaration order, `net.IPMask` as base64),
 * with the IPAM keys' containerID and ifName blanked as upstream does since v1.23.0.
 */
import { blockSize, parseCidr } from '../ip/cidr.ts';
import { formatIpv4 } from '../ip/ipv4.ts';
import { goJson, goObject, goSortedMap } from './go-json.ts';
import type { GoJsonObject, GoJsonValue } from './go-json.ts';
import { formatRfc3339Nano, instantFromMs } from './instant.ts';
import type { AddressRecord, CidrState, EniState } from './types.ts';

/** What the view reads from a datastore. */
export interface ViewableDatastore {
  readonly networkCard: number;
  describe(): readonly EniState[];
}

/** One address as the view shows it (`AddressInfo`). */
export interface AddressInfoView {
  readonly Address: string;
  readonly IPAMKey: { readonly networkName: string; readonly containerID: string; readonly ifName: string };
  readonly IPAMMetadata: { readonly k8sPodNamespace?: string; readonly k8sPodName?: string; readonly interfacesCount?: number };
  /** RFC3339Nano; `0001-01-01T00:00:00Z` when unset. */
  readonly AssignedTime: string;
  readonly UnassignedTime: string;
}

/** One block as the view shows it (`CidrInfo`). */
export interface CidrInfoView {
  /** `net.IPNet`: the network address, and the mask bytes in base64 (`/////w==` for /32). */
  readonly Cidr: { readonly IP: string; readonly Mask: string };
  readonly IPAddresses: Readonly<Record<string, AddressInfoView>>;
  readonly IsPrefix: boolean;
  /** Always '' (upstream's copy for introspection leaves it unset). */
  readonly AddressFamily: string;
}

/** One ENI as the view shows it. */
export interface EniView {
  readonly ID: string;
  readonly IsPrimary: boolean;
  readonly IsTrunk: boolean;
  readonly IsEFA: boolean;
  readonly DeviceNumber: number;
  readonly AvailableIPv4Cidrs: Readonly<Record<string, CidrInfoView>>;
  readonly IPv6Cidrs: Readonly<Record<string, CidrInfoView>>;
  readonly IsExcludedForPodIPs: boolean;
  readonly RouteTableID: number;
  readonly SubnetID: string;
}

/** One network card's datastore (`ENIInfos`): totals over every block of both units and every ENI. */
export interface EniInfosView {
  readonly TotalIPs: number;
  readonly AssignedIPs: number;
  readonly ENIs: Readonly<Record<string, EniView>>;
}

/** The whole `/v1/enis` reply, keyed by network card index. */
export type EnisView = Readonly<Record<string, EniInfosView>>;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (Go's `encoding/json` for `[]byte`), for a few bytes. */
export function base64Bytes(bytes: readonly number[]): string {
  let out = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const [a = 0, b = 0, c = 0] = bytes.slice(index, index + 3);
    const triple = (a << 16) | (b << 8) | c;
    const chars = [18, 12, 6, 0].map((shift) => BASE64.charAt((triple >> shift) & 63));
    const kept = Math.min(bytes.length - index, 3) + 1;
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept);
  }
  return out;
}

/** The 4 bytes of an IPv4 netmask of this length, in base64 (`/28` → `////8A==`). */
export function maskBase64(prefixLength: number): string {
  const mask = 2 ** 32 - blockSize(prefixLength);
  return base64Bytes([mask >>> 24, (mask >>> 16) & 255, (mask >>> 8) & 255, mask & 255]);
}

function addressJson(record: AddressRecord): GoJsonObject {
  const metadata: [string, GoJsonValue][] = [];
  if (record.pod !== undefined && record.pod.namespace !== '') metadata.push(['k8sPodNamespace', record.pod.namespace]);
  if (record.pod !== undefined && record.pod.name !== '') metadata.push(['k8sPodName', record.pod.name]);
  if (record.pod !== undefined && record.pod.interfacesCount !== 0) metadata.push(['interfacesCount', record.pod.interfacesCount]);
  return goObject([
    ['Address', record.address],
    // containerID and ifName are what a forged DelNetwork would need: blanked since v1.23.0.
    ['IPAMKey', goObject([['networkName', record.key?.networkName ?? ''], ['containerID', ''], ['ifName', '']])],
    ['IPAMMetadata', goObject(metadata)],
    ['AssignedTime', formatRfc3339Nano(record.assignedAt)],
    ['UnassignedTime', formatRfc3339Nano(record.unassignedAtMs === undefined ? undefined : instantFromMs(record.unassignedAtMs))],
  ]);
}

function cidrJson(cidr: CidrState): GoJsonObject {
  const block = parseCidr(cidr.cidr);
  return goObject([
    ['Cidr', goObject([['IP', formatIpv4(block.network)], ['Mask', maskBase64(block.prefixLength)]])],
    ['IPAddresses', goSortedMap(cidr.records.map((record) => [record.address, addressJson(record)] as const))],
    ['IsPrefix', cidr.isPrefix],
    ['AddressFamily', ''],
  ]);
}

function eniJson(eni: EniState): GoJsonObject {
  return goObject([
    ['ID', eni.eniId],
    ['IsPrimary', eni.isPrimary],
    ['IsTrunk', eni.isTrunk],
    ['IsEFA', eni.isEfa],
    ['DeviceNumber', eni.deviceNumber],
    ['AvailableIPv4Cidrs', goSortedMap(eni.cidrs.map((cidr) => [cidr.cidr, cidrJson(cidr)] as const))],
    ['IPv6Cidrs', goObject([])],
    ['IsExcludedForPodIPs', eni.excludedForPodIps],
    ['RouteTableID', eni.routeTableId],
    ['SubnetID', eni.subnetId],
  ]);
}

function eniInfosJson(enis: readonly EniState[]): GoJsonObject {
  const cidrs = enis.flatMap((eni) => eni.cidrs);
  const totalIps = cidrs.reduce((sum, cidr) => sum + blockSize(parseCidr(cidr.cidr).prefixLength), 0);
  const assignedIps = cidrs.reduce((sum, cidr) => sum + cidr.records.filter((record) => record.key !== undefined).length, 0);
  return goObject([
    ['TotalIPs', totalIps],
    ['AssignedIPs', assignedIps],
    ['ENIs', goSortedMap(enis.map((eni) => [eni.eniId, eniJson(eni)] as const))],
  ]);
}

/** The exact body of `GET /v1/enis`: compact JSON, no trailing newline. */
export function enisViewJson(datastores: ViewableDatastore | readonly ViewableDatastore[]): string {
  const list: readonly ViewableDatastore[] = Array.isArray(datastores) ? datastores : [datastores as ViewableDatastore];
  return goJson(goSortedMap(list.map((datastore) => [String(datastore.networkCard), eniInfosJson(datastore.describe())] as const)));
}

/** The `/v1/enis` reply as data (what a client decoding {@link enisViewJson} gets). */
export function enisView(datastores: ViewableDatastore | readonly ViewableDatastore[]): EnisView {
  return JSON.parse(enisViewJson(datastores)) as EnisView;
}
