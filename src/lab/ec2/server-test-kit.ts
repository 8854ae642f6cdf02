/**
 * Test doubles shared by the server's tests: a tiny action table, a well-formed SigV4 header and a raw
 * HTTP POST helper. Not used by the emulator itself.
 */
import type { ActionTable } from './action.ts';

/** A SigV4 `Authorization` header for `accessKeyId` (the emulator never checks the signature). */
export function authorizationFor(accessKeyId: string): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240101/us-west-2/ec2/aws4_request, ` +
    'SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef'
  );
}

/** Actions with fixed replies shaped like EC2's, plus `Echo` and a crashing `Crash`. */
export const FAKE_ACTIONS: ActionTable = {
  Echo: ({ params, accessKeyId }) => ({ value: params.get('Value'), accessKeyId, itemSet: params.list('Item') }),
  Crash: () => {
    throw new TypeError('handler bug');
  },
  DescribeAvailabilityZones: () => ({
    availabilityZoneInfo: [
      { zoneName: 'us-west-2a', zoneId: 'usw2-az1', zoneState: 'available', regionName: 'us-west-2' },
      { zoneName: 'us-west-2b', zoneId: 'usw2-az2', zoneState: 'available', regionName: 'us-west-2' },
    ],
  }),
  AttachNetworkInterface: ({ params }) => ({
    attachmentId: `eni-attach-${params.required('NetworkInterfaceId').slice(4)}`,
    networkCardIndex: params.int('NetworkCardIndex') ?? 0,
  }),
};

/** What a raw HTTP exchange returned. */
export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** POSTs a form body with `fetch`; `authorization` null sends no Authorization header. */
export async function postForm(
  url: string,
  body: string,
  authorization: string | null = authorizationFor('AKIDLAB'),
): Promise<RawReply> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The text of the first `<name>` element of an XML document, or undefined. */
export function elementText(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}
