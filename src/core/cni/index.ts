/** The CNI plugin's pure core: environment, network config, results, errors and versions (no I/O). */
export { buildAddResult, buildPodResult, podGateway, resultEncodingFor } from './add-result.ts';
export type { AddResultInput, ResultEncoding } from './add-result.ts';
export { assertStrictCniArgs, KNOWN_CNI_ARGS, parseCniArgs } from './cni-args.ts';
export type { CniArgs } from './cni-args.ts';
export { CNI_COMMANDS, parseCniEnvironment, validateIfName } from './cni-environment.ts';
export type { CniCommand, CniInvocation } from './cni-environment.ts';
export { CNI_ERROR_CODES, CniError, isCniError } from './cni-error.ts';
export type { CniErrorCode, CniErrorJson } from './cni-error.ts';
export { cniErrorFromReason, cniErrorFromStatus, daemonUnreachable, describePod, internalError, statusUnreachable } from './daemon-errors.ts';
export type { DaemonFailure, FailedCommand, PodRef } from './daemon-errors.ts';
export { decodeDelInfo, deviceForRouteTable, routeTableForDevice } from './del-info.ts';
export type { DelInfo, DelInfoQuery } from './del-info.ts';
export { containerIfName, DUMMY_INTERFACE_PREFIX, dummyInterfaceName, hostVethName, podNameHash } from './names.ts';
export type { PodName } from './names.ts';
export { parseNetConf } from './net-conf.ts';
export type { GcAttachment, NetConf } from './net-conf.ts';
export { parseResult, renderResult } from './result.ts';
export type { CniDns, CniInterface, CniIpConfig, CniResult, CniResultJson, CniRoute } from './result.ts';
export { EMPTY_RUNTIME_CONFIG, parseRuntimeConfig, podAnnotation } from './runtime-config.ts';
export type { ParsedRuntimeConfig, PortMapping, RuntimeConfig } from './runtime-config.ts';
export {
  assertCommandAllowed,
  compareCniVersions,
  isLegacyCniVersion,
  isSupportedCniVersion,
  LATEST_CNI_VERSION,
  SUPPORTED_CNI_VERSIONS,
  unsupportedVersionError,
  versionReply,
} from './versions.ts';
export type { CniVersion, VersionReply } from './versions.ts';
