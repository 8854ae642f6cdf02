/**
 * `CNI_ARGS`: `KEY=VALUE` pairs separated by `;`, in any order (containerd and podman order them differently).
 */
import type { PodIdentity } from '../protocol/index.ts';
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';

/** The keys vpcnet reads; any other key is unknown, which is an error unless `IgnoreUnknown` is true. */
export const KNOWN_CNI_ARGS = Object.freeze(['IgnoreUnknown', 'K8S_POD_NAMESPACE', 'K8S_POD_NAME', 'K8S_POD_INFRA_CONTAINER_ID', 'K8S_POD_UID']);

/** `CNI_ARGS` decoded. Parsing never throws: problems are listed, and the caller decides per command. */
export interface CniArgs {
  /** Every pair as given (keys are case-sensitive, as in libcni; a repeated key keeps its last value). */
  readonly values: ReadonlyMap<string, string>;
  /** `IgnoreUnknown` was `1` or `true` (any case). */
  readonly ignoreUnknown: boolean;
  /** Keys vpcnet does not read, in the order given. */
  readonly unknownKeys: readonly string[];
  /** Pieces that are not `KEY=VALUE`, or an `IgnoreUnknown` that is not a boolean. */
  readonly malformed: readonly string[];
  /** The Kubernetes pod from `K8S_POD_*` ('' for absent keys: podman sends only `K8S_POD_NAME`). */
  readonly pod: PodIdentity;
}

// libcni's UnmarshallableBool: "1", "true", "0", "false", compared lower-cased.
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([['1', true], ['true', true], ['0', false], ['false', false]]);

function splitPairs(text: string): { readonly pairs: Array<readonly [string, string]>; readonly malformed: string[] } {
  const pairs: Array<readonly [string, string]> = [];
  const malformed: string[] = [];
  for (const piece of text.split(';')) {
    // An empty piece (a trailing ";") carries nothing; libcni refuses it, vpcnet lets it pass.
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    if (equals <= 0) malformed.push(piece);
    // libcni refuses a second "="; vpcnet splits at the first one so a value may contain "=".
    else pairs.push([piece.slice(0, equals), piece.slice(equals + 1)]);
  }
  return { pairs, malformed };
}

/** Decodes `CNI_ARGS` (e.g. `IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1`) into a map. */
export function parseCniArgs(text: string): CniArgs {
  const { pairs, malformed } = splitPairs(text);
  const values = new Map(pairs);
  const ignoreText = values.get('IgnoreUnknown');
  const ignoreUnknown = ignoreText === undefined ? false : BOOLEANS.get(ignoreText.toLowerCase());
  if (ignoreUnknown === undefined) malformed.push(`IgnoreUnknown=${ignoreText ?? ''}`);
  const unknownKeys = [...values.keys()].filter((key) => !KNOWN_CNI_ARGS.includes(key));
  const read = (key: string): string => values.get(key) ?? '';
  return {
    values,
    ignoreUnknown: ignoreUnknown ?? false,
    unknownKeys,
    malformed,
    pod: { namespace: read('K8S_POD_NAMESPACE'), name: read('K8S_POD_NAME'), infraContainerId: read('K8S_POD_INFRA_CONTAINER_ID'), uid: read('K8S_POD_UID') },
  };
}

/**
 * Throws code 4 when `CNI_ARGS` has malformed pieces, or unknown keys without `IgnoreUnknown=1` (libcni's
 * `LoadArgs` rule, which upstream applies to every command; vpcnet applies it to ADD and CHECK only).
 */
export function assertStrictCniArgs(args: CniArgs): void {
  if (args.malformed.length > 0) {
    const shown = args.malformed.map((piece) => JSON.stringify(piece)).join(', ');
    throw new CniError(CNI_ERROR_CODES.invalidEnvironment, `invalid CNI_ARGS: ${shown} is not KEY=VALUE (IgnoreUnknown takes 1, true, 0 or false)`);
  }
  if (args.unknownKeys.length > 0 && !args.ignoreUnknown) {
    throw new CniError(
      CNI_ERROR_CODES.invalidEnvironment,
      `invalid CNI_ARGS: unknown keys ${args.unknownKeys.join(', ')}`,
      `vpcnet-cni reads ${KNOWN_CNI_ARGS.join(', ')}; add IgnoreUnknown=1 to CNI_ARGS to pass other keys`,
    );
  }
}
