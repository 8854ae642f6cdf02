/**
 * CNI spec versions vpcnet speaks, and which commands each allows.
 *
 * 0.3.0 and 0.3.1 are accepted although the issue names only 0.4.0, 1.0.0 and 1.1.0: their result shape is
 * exactly 0.4.0's (`ips[].version`), the Amazon VPC CNI's own `10-aws.conflist` said "0.3.1" from 2019 to
 * v1.10 (2022), hand-written chaining conflists copied from those years still do, and upstream's plugin accepts
 * them; refusing them would break a drop-in swap for nothing. They simply get no CHECK (0.4.0 introduced it)
 * and no `prevResult` on DEL (so DEL cannot tear down from it when the daemon is down). 0.1.0 and 0.2.0 are
 * refused: their result is a different shape (`ip4`/`ip6` objects) that no runtime has sent since 2017.
 */
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';

/** Every spec version vpcnet accepts in a network config, oldest first (the VERSION reply lists exactly these). */
export const SUPPORTED_CNI_VERSIONS = Object.freeze(['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const);

/** One of {@link SUPPORTED_CNI_VERSIONS}. */
export type CniVersion = (typeof SUPPORTED_CNI_VERSIONS)[number];

/** The newest spec version vpcnet implements. */
export const LATEST_CNI_VERSION: CniVersion = '1.1.0';

/** The oldest config version each command is defined for (libcni's skel refuses older ones with code 1). */
const COMMAND_MIN_VERSION: Readonly<Record<string, CniVersion>> = { CHECK: '0.4.0', STATUS: '1.1.0', GC: '1.1.0' };

/** True when `version` is one vpcnet speaks. */
export function isSupportedCniVersion(version: string): version is CniVersion {
  return (SUPPORTED_CNI_VERSIONS as readonly string[]).includes(version);
}

/** True when `version` is older than 1.0.0 (results carry `ips[].version`; errors and DNS render the 0.x way). */
export function isLegacyCniVersion(version: CniVersion): boolean {
  return version.startsWith('0.');
}

/** Orders two supported versions: negative when `a` is older. */
export function compareCniVersions(a: CniVersion, b: CniVersion): number {
  return SUPPORTED_CNI_VERSIONS.indexOf(a) - SUPPORTED_CNI_VERSIONS.indexOf(b);
}

/** The code-1 error for a config version vpcnet does not speak. */
export function unsupportedVersionError(version: string): CniError {
  return new CniError(
    CNI_ERROR_CODES.incompatibleVersion,
    `incompatible CNI versions: config is ${JSON.stringify(version)}, vpcnet-cni supports ${SUPPORTED_CNI_VERSIONS.join(', ')}`,
    `set "cniVersion" in the network configuration to one of ${SUPPORTED_CNI_VERSIONS.join(', ')}`,
  );
}

/**
 * Throws the code-1 error when `command` is not defined in config version `version`: CHECK needs 0.4.0 or
 * newer, STATUS and GC need 1.1.0 (as libcni's skel does).
 */
export function assertCommandAllowed(command: string, version: CniVersion): void {
  const minimum = COMMAND_MIN_VERSION[command];
  if (minimum !== undefined && compareCniVersions(version, minimum) < 0) {
    throw new CniError(
      CNI_ERROR_CODES.incompatibleVersion,
      `config version ${JSON.stringify(version)} does not allow ${command}: it needs cniVersion ${minimum} or newer`,
    );
  }
}

/** The VERSION reply: `{ cniVersion, supportedVersions }`. */
export interface VersionReply {
  readonly cniVersion: CniVersion;
  readonly supportedVersions: readonly CniVersion[];
}

/**
 * The reply to `CNI_COMMAND=VERSION`. The spec says to echo the `cniVersion` given on stdin; vpcnet does when it
 * speaks that version and otherwise answers in {@link LATEST_CNI_VERSION} (libcni's skel always says 1.1.0).
 */
export function versionReply(requestedVersion?: string): VersionReply {
  const cniVersion = requestedVersion !== undefined && isSupportedCniVersion(requestedVersion) ? requestedVersion : LATEST_CNI_VERSION;
  return { cniVersion, supportedVersions: [...SUPPORTED_CNI_VERSIONS] };
}
