/**
 * The daemon's `Imds` port over HTTP with IMDSv2, reading the paths ipamd reads (`pkg/awsutils/imds.go`):
 * the region from the instance identity document, and per MAC the ENI's fields. As in ipamd, a 404 on
 * `local-ipv4s` or `ipv4-prefix` means none, and a 404 on `network-card` means card 0; any other missing
 * field is an `ImdsError` with status 404.
 */
import type { Imds, ImdsIdentity, ImdsInterface } from '../../ports/imds.ts';
import { ImdsError, ImdsSession } from './imds-session.ts';
import type { ImdsSessionOptions } from './imds-session.ts';

export { ImdsError } from './imds-session.ts';

/** Where IMDS is and how patiently to read it; see `ImdsSessionOptions`. */
export type HttpImdsOptions = ImdsSessionOptions;

const MACS = 'meta-data/network/interfaces/macs/';

/** `Imds` over `fetch`, with one cached IMDSv2 session token. */
export class HttpImds implements Imds {
  readonly #session: ImdsSession;

  constructor(options: HttpImdsOptions = {}) {
    this.#session = new ImdsSession(options);
  }

  /** instance-id, instance-type, placement/availability-zone, local-ipv4, mac, and the region. */
  async identity(): Promise<ImdsIdentity> {
    return this.#together(async (read) => {
      const [instanceId, instanceType, availabilityZone, privateIp, primaryMac, document] = await Promise.all([
        read.required('meta-data/instance-id'),
        read.required('meta-data/instance-type'),
        read.required('meta-data/placement/availability-zone'),
        read.required('meta-data/local-ipv4'),
        read.required('meta-data/mac'),
        read.required('dynamic/instance-identity/document'),
      ]);
      return { instanceId, instanceType, availabilityZone, privateIp, primaryMac, region: regionOf(document) };
    });
  }

  /** Every ENI under `network/interfaces/macs/`, in the order IMDS lists them. */
  async interfaces(): Promise<ImdsInterface[]> {
    return this.#together(async (read) => {
      const macs = lines(await read.required(MACS)).map((entry) => entry.replace(/\/$/, ''));
      return Promise.all(macs.map((mac) => interfaceOf(read, mac)));
    });
  }

  /** Runs parallel reads that stop together: once one fails for good, the others stop retrying. */
  async #together<T>(run: (read: Reader) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const optional = (path: string): Promise<string | undefined> => this.#session.get(path, controller.signal);
    const required = async (path: string): Promise<string> => {
      const text = await optional(path);
      if (text === undefined) throw new ImdsError({ path, status: 404, message: `IMDS has no /latest/${path}` });
      return text.trim();
    };
    try {
      return await run({ optional, required });
    } catch (error) {
      controller.abort(error);
      throw error;
    }
  }
}

/** Reads of one `#together` group. */
interface Reader {
  /** The text at the path, or undefined for 404. */
  optional(path: string): Promise<string | undefined>;
  /** The trimmed text at the path; `ImdsError` 404 when there is none. */
  required(path: string): Promise<string>;
}

async function interfaceOf(read: Reader, mac: string): Promise<ImdsInterface> {
  const base = `${MACS}${mac}/`;
  const [interfaceId, deviceNumber, networkCard, subnetId, subnetCidr, vpcId, vpcCidrs, securityGroupIds, localIpv4s, ipv4Prefixes] = await Promise.all([
    read.required(`${base}interface-id`),
    read.required(`${base}device-number`),
    read.optional(`${base}network-card`),
    read.required(`${base}subnet-id`),
    read.required(`${base}subnet-ipv4-cidr-block`),
    read.required(`${base}vpc-id`),
    read.required(`${base}vpc-ipv4-cidr-blocks`),
    read.required(`${base}security-group-ids`),
    read.optional(`${base}local-ipv4s`),
    read.optional(`${base}ipv4-prefix`),
  ]);
  return {
    mac,
    interfaceId,
    deviceNumber: wholeNumber(deviceNumber, `${base}device-number`),
    networkCard: networkCard === undefined ? 0 : wholeNumber(networkCard.trim(), `${base}network-card`),
    subnetId,
    subnetCidr,
    vpcId,
    vpcCidrs: lines(vpcCidrs),
    securityGroupIds: lines(securityGroupIds),
    localIpv4s: lines(localIpv4s ?? ''),
    ipv4Prefixes: lines(ipv4Prefixes ?? ''),
  };
}

/** The non-empty lines of an IMDS listing. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function wholeNumber(text: string, path: string): number {
  if (!/^\d+$/.test(text)) throw new ImdsError({ path, status: 200, message: `IMDS /latest/${path} is not a number: '${text}'` });
  return Number(text);
}

/** The `region` of the instance identity document, as aws-sdk-go-v2's `GetRegion` reads it. */
function regionOf(document: string): string {
  const path = 'dynamic/instance-identity/document';
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch (error) {
    throw new ImdsError({ path, status: 200, message: 'IMDS identity document is not JSON', cause: error });
  }
  const region = typeof parsed === 'object' && parsed !== null && 'region' in parsed ? parsed.region : undefined;
  if (typeof region !== 'string' || region === '') throw new ImdsError({ path, status: 200, message: 'IMDS identity document has no region' });
  return region;
}
