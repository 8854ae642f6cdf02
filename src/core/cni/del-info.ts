/**
 * What DEL can learn from `prevResult` when the daemon cannot tell it (down, restarting, or replaced by the
 * other plugin after an upgrade or a downgrade). Reads results written by vpcnet and by the Amazon VPC CNI's
 * plugin alike (see `add-result.ts` for the encoding):
 * - the dummy entry (`dummy<11 hex>`): `mac` = VLAN id (0 for an ordinary pod), `sandbox` = device number of
 *   the first address. Results older than upstream v1.20 carry nothing else, so the route table comes from
 *   the device number (device 0 = main table 254, device d = table d+1);
 * - each container entry (`ifName`, then `mNicIf<i>`): `mac` = its route table id (v1.20+), and the one
 *   address whose `interface` points at it;
 * - a result in the `standard` encoding (runtimes outside Kubernetes): a dummy entry without `sandbox` and
 *   real MACs on the container entries. It records the addresses but no route table or device number
 *   (`routeTables: 'unknown'`): DEL needs only the addresses to tear the pod down.
 * Anything unreadable yields less, never an error: DEL must not fail because of an old or odd result.
 */
import { isIpv4 } from '../ip/index.ts';
// Direct module imports (not the index) keep the plugin's start-up import graph small.
import { parseGoAtoi } from '../config/go-strconv.ts';
import type { PodAddress } from '../protocol/index.ts';
import { containerIfName, DUMMY_INTERFACE_PREFIX, dummyInterfaceName } from './names.ts';
import type { PodName } from './names.ts';
import { parseResult } from './result.ts';
import type { CniInterface, CniResult } from './result.ts';

/** Where to look. */
export interface DelInfoQuery {
  /** The config's `prevResult` (any supported version), or undefined. */
  readonly prevResult: unknown;
  /** `CNI_IFNAME`. */
  readonly ifName: string;
  /** From `CNI_ARGS`: finds the dummy entry by its exact name; without it (or if that fails) a single `dummy<11 hex>` entry is used. */
  readonly pod?: PodName;
}

/** The pod's addresses as the previous ADD recorded them. */
export interface DelInfo {
  /** `branch-eni`: an Amazon VPC CNI security-groups-for-pods pod (VLAN id in the dummy entry is not 0). */
  readonly kind: 'pod' | 'branch-eni';
  /** 0 for an ordinary pod. */
  readonly vlanId: number;
  /**
   * IPv4 addresses, with their route table and device number. Branch-ENI pods: device -1 and table
   * VLAN id + 100, as upstream's branch ENI path uses.
   */
  readonly addresses: readonly PodAddress[];
  /**
   * `unknown` when the result does not record them (the `standard` encoding): the addresses then carry
   * device 0 and the main table as stand-ins, which are right only for addresses on the primary ENI.
   */
  readonly routeTables: 'recorded' | 'unknown';
}

const MAIN_TABLE = 254;
const DUMMY_NAME = new RegExp(`^${DUMMY_INTERFACE_PREFIX}[0-9a-f]{11}$`);
const BRANCH_TABLE_OFFSET = 100;

function tryParse(prevResult: unknown): CniResult | undefined {
  try {
    return prevResult === undefined ? undefined : parseResult(prevResult);
  } catch {
    return undefined;
  }
}

function findDummy(interfaces: readonly CniInterface[], pod: PodName | undefined): CniInterface | undefined {
  if (pod !== undefined) {
    const wanted = dummyInterfaceName(pod);
    const exact = interfaces.find((entry) => entry.name === wanted);
    if (exact !== undefined) return exact;
  }
  const candidates = interfaces.filter((entry) => DUMMY_NAME.test(entry.name));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Route table of device `deviceNumber` on network card 0 (upstream `CalculateRouteTableId`). */
export function routeTableForDevice(deviceNumber: number): number {
  return deviceNumber === 0 ? MAIN_TABLE : deviceNumber + 1;
}

/** Device number behind route table `table` (inverse of upstream's formulas: 254, d+1, 10000+d+100n). */
export function deviceForRouteTable(table: number): number {
  if (table === MAIN_TABLE || table <= 1) return 0;
  return table < 10000 ? table - 1 : (table - 10000) % 100;
}

function addressOf(result: CniResult, interfaceIndex: number): string | undefined {
  const ips = result.ips.filter((ip) => ip.interface === interfaceIndex);
  const address = ips.length === 1 ? ips[0]?.address.split('/')[0] : undefined;
  return address !== undefined && isIpv4(address) ? address : undefined;
}

interface DecodedAddresses {
  readonly addresses: PodAddress[];
  readonly tablesKnown: boolean;
}

/** `firstDevice` undefined: the dummy recorded none (the `standard` encoding). */
function podAddresses(result: CniResult, ifName: string, firstDevice: number | undefined): DecodedAddresses {
  // Upstream counts (interfaces - dummy) / 2 host+container pairs; names that are missing are skipped.
  const pairs = Math.max(1, Math.floor((result.interfaces.length - 1) / 2));
  const addresses: PodAddress[] = [];
  let tablesKnown = true;
  for (let index = 0; index < pairs; index++) {
    const position = result.interfaces.findIndex((entry) => entry.name === containerIfName(ifName, index));
    const ipv4 = addressOf(result, position);
    if (position < 0 || ipv4 === undefined) continue;
    const fallbackTable = firstDevice === undefined ? undefined : routeTableForDevice(firstDevice);
    // A non-numeric mac (a real MAC: the standard encoding, or a chained plugin such as tuning) falls back to
    // the device's table.
    const table = parseGoAtoi(result.interfaces[position]?.mac ?? '') ?? fallbackTable;
    if (table === undefined) {
      tablesKnown = false;
      addresses.push({ ipv4, deviceNumber: 0, routeTableId: MAIN_TABLE });
      continue;
    }
    const deviceNumber = index === 0 && firstDevice !== undefined ? firstDevice : deviceForRouteTable(table);
    addresses.push({ ipv4, deviceNumber, routeTableId: table });
  }
  return { addresses, tablesKnown };
}

function branchAddresses(result: CniResult, ifName: string, vlanId: number): PodAddress[] {
  const ipv4 = addressOf(result, result.interfaces.findIndex((entry) => entry.name === ifName));
  return ipv4 === undefined ? [] : [{ ipv4, deviceNumber: -1, routeTableId: vlanId + BRANCH_TABLE_OFFSET }];
}

/**
 * Decodes the addresses, route tables and device numbers a previous ADD recorded in `prevResult`; undefined
 * when there is nothing to go on (no prevResult, no dummy entry, unreadable numbers, no IPv4 address).
 */
export function decodeDelInfo(query: DelInfoQuery): DelInfo | undefined {
  const result = tryParse(query.prevResult);
  const dummy = result === undefined ? undefined : findDummy(result.interfaces, query.pod);
  if (result === undefined || dummy === undefined) return undefined;
  const vlanId = parseGoAtoi(dummy.mac ?? '');
  if (vlanId === undefined || vlanId < 0) return undefined;
  if (vlanId !== 0) {
    const addresses = branchAddresses(result, query.ifName, vlanId);
    return addresses.length > 0 ? { kind: 'branch-eni', vlanId, addresses, routeTables: 'recorded' } : undefined;
  }
  const recordsDevice = dummy.sandbox !== undefined && dummy.sandbox !== '';
  const firstDevice = recordsDevice ? parseGoAtoi(dummy.sandbox ?? '') : undefined;
  if (recordsDevice && (firstDevice === undefined || firstDevice < 0)) return undefined;
  const { addresses, tablesKnown } = podAddresses(result, query.ifName, firstDevice);
  if (addresses.length === 0) return undefined;
  return { kind: 'pod', vlanId: 0, addresses, routeTables: tablesKnown ? 'recorded' : 'unknown' };
}
