/**
 * What an AWS SDK failure means to the EC2 adapter: its code, whether another attempt may succeed, and
 * its translation into the daemon's `Ec2Error` at the boundary.
 */
import { Ec2Error, ec2ErrorKindOf } from '../../core/aws/ec2-error.ts';

/** Codes AWS services use for "slow down" (EC2 itself answers `RequestLimitExceeded`). */
const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'EC2ThrottledException',
]);

/** Failures to reach EC2 or to get its reply in time: the request may not have run, or its reply was lost. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_NETWORK_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

interface ServiceFailure {
  readonly name: string;
  readonly message: string;
  readonly $fault: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Whether `error` is an error answer from the service (an `EC2ServiceException`), not a transport failure. */
function isServiceFailure(error: unknown): error is ServiceFailure {
  return error instanceof Error && '$fault' in error && typeof error.$fault === 'string';
}

/** AWS's error code for a service answer; else the system error code or error name of a transport failure. */
export function awsErrorCodeOf(error: unknown): string {
  if (isServiceFailure(error)) return error.name;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? code : error.name;
  }
  return 'UnknownError';
}

/** Whether the code means EC2 throttled the request. */
export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODES.has(code);
}

/**
 * Whether another attempt may succeed: throttling, a server fault (5xx) or a transient network failure.
 * Client faults (limits, not-found, permissions, bad parameters) are final.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (isServiceFailure(error)) {
    const status = error.$metadata?.httpStatusCode ?? 0;
    return isThrottlingCode(error.name) || error.$fault === 'server' || status >= 500;
  }
  if (!(error instanceof Error)) return false;
  const code = awsErrorCodeOf(error);
  return TRANSIENT_NETWORK_CODES.has(code) || TRANSIENT_NETWORK_NAMES.has(error.name);
}

/** `error` as an `Ec2Error` of `action` (kept as `cause`); an `Ec2Error` is returned as it is. */
export function toEc2Error(action: string, error: unknown): Ec2Error {
  if (error instanceof Ec2Error) return error;
  const code = awsErrorCodeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new Ec2Error({ kind: ec2ErrorKindOf(code), action, code, message: `${action}: ${code}: ${detail}`, cause: error });
}

/** The `Ec2Error` for a reply that lacks what the action must return. */
export function malformedReply(action: string, cause: unknown): Ec2Error {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new Ec2Error({ kind: 'other', action, code: 'MalformedReply', message: `${action}: MalformedReply: ${detail}`, cause });
}
