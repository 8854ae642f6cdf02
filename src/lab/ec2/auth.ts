import { Ec2ApiError } from './errors.ts';

/** The credential scope of a SigV4 `Authorization` header, e.g. `AKID/20240101/us-west-2/ec2/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const ACCESS_KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Reads the credential scope from a SigV4 `Authorization` header
 * (`AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/ec2/aws4_request, SignedHeaders=..., Signature=...`).
 * The signature is not verified: the lab accepts any static credentials. A missing or garbled header,
 * or one scoped to another service, is `AuthFailure` (HTTP 401).
 */
export function credentialScopeOf(authorization: string | undefined): CredentialScope {
  if (authorization === undefined || !authorization.startsWith(`${ALGORITHM} `)) throw authFailure();
  const fields = fieldsOf(authorization.slice(ALGORITHM.length + 1));
  const signature = fields.get('Signature');
  if (fields.get('SignedHeaders') === undefined || signature === undefined || !/^[0-9a-f]+$/i.test(signature)) {
    throw authFailure();
  }
  const parts = (fields.get('Credential') ?? '').split('/');
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  const wellFormed =
    parts.length === 5 &&
    ACCESS_KEY_ID.test(accessKeyId) &&
    /^\d{8}$/.test(date) &&
    region !== '' &&
    service === 'ec2' &&
    terminator === 'aws4_request';
  if (!wellFormed) throw authFailure();
  return { accessKeyId, date, region, service };
}

/** `Name=value` fields separated by commas (and optional spaces). */
function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const field of text.split(',')) {
    const trimmed = field.trim();
    const equals = trimmed.indexOf('=');
    if (equals > 0) fields.set(trimmed.slice(0, equals), trimmed.slice(equals + 1));
  }
  return fields;
}

function authFailure(): Ec2ApiError {
  return new Ec2ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
}
