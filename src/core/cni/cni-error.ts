/**
 * The CNI error result: `{ "cniVersion", "code", "msg", "details" }` printed on stdout with a non-zero exit.
 * Codes 0-99 are the spec's well-known codes; 100+ are free for plugins (vpcnet uses none of those yet).
 */

/** The spec's well-known error codes (SPEC.md "Error"), plus the Go library's 8 and 999. */
export const CNI_ERROR_CODES = Object.freeze({
  /** The network config asks for a spec version the plugin does not speak, or the command needs a newer one. */
  incompatibleVersion: 1,
  /** A config field has a value the plugin does not support; the message names the key and value. */
  unsupportedField: 2,
  /** The container is unknown; the runtime need not clean up after it. */
  unknownContainer: 3,
  /** A `CNI_*` environment variable is missing or invalid; the message names the variables. */
  invalidEnvironment: 4,
  /** Reading stdin (or another I/O) failed. */
  ioFailure: 5,
  /** Stdin (or a version string) could not be decoded. */
  decodingFailure: 6,
  /** The network config failed validation. */
  invalidNetworkConfig: 7,
  /** The network namespace is invalid (libcni's `ErrInvalidNetNS`). */
  invalidNetns: 8,
  /** A transient condition that should clear up: the runtime should retry later. */
  tryAgainLater: 11,
  /** STATUS: the plugin cannot serve ADD now. */
  pluginNotAvailable: 50,
  /** STATUS: the plugin cannot serve ADD, and existing containers may have limited connectivity. */
  limitedConnectivity: 51,
  /** Anything unexpected (libcni's `ErrInternal`). */
  internal: 999,
});

/** One of {@link CNI_ERROR_CODES}. */
export type CniErrorCode = (typeof CNI_ERROR_CODES)[keyof typeof CNI_ERROR_CODES];

/** The error result exactly as printed on stdout. `details` is left out when empty, as libcni does. */
export interface CniErrorJson {
  readonly cniVersion: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

/** The spec version used to render an error when the config's own version is not known (or not ours). */
const FALLBACK_ERROR_VERSION = '1.1.0';

/**
 * A failure the plugin reports to the runtime. `message` (= `msg`) says what failed and for whom; `details`
 * carries the reason code, the facts behind it and what to do.
 */
export class CniError extends Error {
  readonly code: CniErrorCode;
  readonly details: string;

  constructor(code: CniErrorCode, msg: string, details = '') {
    super(msg);
    this.name = 'CniError';
    this.code = code;
    this.details = details;
  }

  /** The error result in the wire form of spec version `cniVersion` (the config's, when it was readable). */
  toJson(cniVersion: string = FALLBACK_ERROR_VERSION): CniErrorJson {
    const base = { cniVersion, code: this.code, msg: this.message };
    return this.details === '' ? base : { ...base, details: this.details };
  }
}

/** True when `value` is a {@link CniError}. */
export function isCniError(value: unknown): value is CniError {
  return value instanceof CniError;
}
