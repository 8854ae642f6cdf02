import { Ec2ApiError } from './errors.ts';

/** How much of a form-encoded EC2 request the emulator accepts. */
export interface FormLimits {
  /** Most distinct parameters in one request. */
  readonly maxKeys: number;
  /** Longest decoded parameter name, in characters. */
  readonly maxKeyLength: number;
  /** Longest decoded parameter value, in characters (user data is the largest real value). */
  readonly maxValueLength: number;
}

/** The limits used unless a caller passes others. */
export const DEFAULT_FORM_LIMITS: FormLimits = { maxKeys: 2000, maxKeyLength: 512, maxValueLength: 256 * 1024 };

/**
 * Decodes an `application/x-www-form-urlencoded` body (`+` is a space, `%XX` is a UTF-8 byte) into its
 * parameters. A repeated name keeps its last value. Malformed escapes and oversized input throw
 * `Ec2ApiError` (never anything else), so any bytes a client sends become an AWS-style 400.
 */
export function decodeForm(body: string, limits: FormLimits = DEFAULT_FORM_LIMITS): Map<string, string> {
  const entries = new Map<string, string>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawKey = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    const key = decodeComponent(rawKey);
    if (key === '') continue;
    checkKey(key, limits);
    const value = decodeComponent(rawValue);
    if (value.length > limits.maxValueLength) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value for parameter ${key} is too long: ${value.length} characters exceeds ${limits.maxValueLength}`,
      );
    }
    entries.set(key, value);
    if (entries.size > limits.maxKeys) {
      throw new Ec2ApiError('InvalidParameterValue', `The request has more than ${limits.maxKeys} parameters`);
    }
  }
  return entries;
}

function checkKey(key: string, limits: FormLimits): void {
  if (key.length > limits.maxKeyLength) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Parameter name ${key.slice(0, 64)}... is too long: ${key.length} characters exceeds ${limits.maxKeyLength}`,
    );
  }
}

/** `+` → space, then percent-decoding as UTF-8; a bad escape or invalid UTF-8 is `MalformedQueryString`. */
function decodeComponent(raw: string): string {
  const spaced = raw.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new Ec2ApiError(
      'MalformedQueryString',
      `The query string contains a malformed percent-encoded sequence: ${truncate(raw)}`,
    );
  }
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
