import { instanceLimits, instanceVcpus, knownInstanceTypes } from '../core/limits/instance-limits.ts';
import { maxPods, parseCniVersion } from '../core/limits/max-pods.ts';
import type { CniVersion } from '../core/limits/max-pods.ts';
import type { Output } from './output.ts';

/** Where IMDS answers on every EC2 instance. */
export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';
/** How long one IMDS request may take before `--instance-type-from-imds` gives up. */
export const DEFAULT_IMDS_TIMEOUT_MS = 2000;

/** Short description of `vpcnet max-pods` for `--help`. */
export const MAX_PODS_DESCRIPTION = 'print the max pods value for the kubelet, compatible with the EKS AMI max-pods-calculator.sh';

/** Extra `--help` text: where the data comes from and how it differs from the script. */
export const MAX_PODS_HELP_AFTER = `
Prints one number on stdout, as max-pods-calculator.sh does: ENIs x (IPv4 per ENI - 1) + 2, or with prefix
delegation ENIs x ((IPv4 per ENI - 1) x 16) + 2 (only on Nitro types with CNI >= 1.9.0, like the script).
Without --show-max-allowed the value is capped at 110 (30 vCPUs or fewer) or 250 (more than 30 vCPUs).

Data source: instead of 'aws ec2 describe-instance-types', vpcnet reads the instance limits table it ships
(the Amazon VPC CNI v1.23.1 table, ${knownInstanceTypes().length} types); an instance type not in it is an error.
vCPUs come from a shipped specs file; for types missing there they are ESTIMATED from the size name
(xlarge = 4, Nxlarge = 4N, metal = 96, ...), which only matters for the 110/250 cap.
--instance-type-from-imds asks IMDSv2 (PUT /latest/api/token, then /latest/meta-data/instance-type).

Examples:
  vpcnet max-pods --instance-type m5.large --cni-version 1.9.0                                   # 29
  vpcnet max-pods --instance-type m5.large --cni-version 1.9.0 --cni-prefix-delegation-enabled   # 110`;

/** The parsed flags of `vpcnet max-pods` (commander's camelCase names of the script's flags). */
export interface MaxPodsCliOptions {
  readonly instanceType?: string;
  readonly instanceTypeFromImds?: boolean;
  /** Base URL of IMDS; {@link DEFAULT_IMDS_ENDPOINT} when absent. */
  readonly imdsEndpoint?: string;
  readonly cniVersion?: string;
  readonly cniCustomNetworkingEnabled?: boolean;
  readonly cniPrefixDelegationEnabled?: boolean;
  /** The text given to `--cni-max-eni`; validated here. */
  readonly cniMaxEni?: string;
  readonly showMaxAllowed?: boolean;
  /** Per-request IMDS timeout; {@link DEFAULT_IMDS_TIMEOUT_MS} when absent. */
  readonly imdsTimeoutMs?: number;
}

/** A failure the command reports on stderr as one line, with exit code 1 (the script's `exit 1`). */
class MaxPodsUsageError extends Error {
  override name = 'MaxPodsUsageError';
}

/**
 * Asks IMDSv2 for this instance's type: a session token from `PUT /latest/api/token`, then
 * `GET /latest/meta-data/instance-type`. Each request is aborted after `timeoutMs`.
 */
export async function fetchInstanceTypeFromImds(endpoint: string, timeoutMs: number = DEFAULT_IMDS_TIMEOUT_MS): Promise<string> {
  const base = endpoint.replace(/\/+$/, '');
  const tokenReply = await fetch(`${base}/latest/api/token`, {
    method: 'PUT',
    headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!tokenReply.ok) throw new Error(`IMDS refused a session token: HTTP ${tokenReply.status}`);
  const token = await tokenReply.text();
  const typeReply = await fetch(`${base}/latest/meta-data/instance-type`, {
    headers: { 'X-aws-ec2-metadata-token': token },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!typeReply.ok) throw new Error(`IMDS did not give the instance type: HTTP ${typeReply.status}`);
  return (await typeReply.text()).trim();
}

function requireCniVersion(text: string | undefined): CniVersion {
  if (text === undefined || text === '') throw new MaxPodsUsageError('You must specify a CNI Version to use. Example - 1.7.5');
  try {
    return parseCniVersion(text);
  } catch (error) {
    throw new MaxPodsUsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseMaxEni(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new MaxPodsUsageError(`Cannot use --cni-max-eni "${text}": expected a positive whole number of ENIs`);
  }
  return Number(text);
}

async function resolveInstanceType(options: MaxPodsCliOptions): Promise<string> {
  if (options.instanceTypeFromImds !== true) return options.instanceType ?? '';
  const endpoint = options.imdsEndpoint ?? DEFAULT_IMDS_ENDPOINT;
  try {
    return await fetchInstanceTypeFromImds(endpoint, options.imdsTimeoutMs);
  } catch (error) {
    throw new MaxPodsUsageError(`Cannot read the instance type from IMDS at ${endpoint}: ${describeFailure(error)}`);
  }
}

/** `fetch failed` alone says little: add the cause (ECONNREFUSED, timeout, ...) when there is one. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

async function computeMaxPods(options: MaxPodsCliOptions): Promise<number> {
  // Same order of checks as the script: an instance type (or the IMDS flag) first, then the CNI version.
  if (options.instanceTypeFromImds !== true && (options.instanceType ?? '') === '') {
    throw new MaxPodsUsageError('You must specify an instance type to calculate max pods value.');
  }
  const cniVersion = requireCniVersion(options.cniVersion);
  const maxEni = parseMaxEni(options.cniMaxEni);
  const instanceType = await resolveInstanceType(options);
  const limits = instanceLimits(instanceType);
  if (limits === undefined) {
    throw new MaxPodsUsageError(`Cannot calculate max pods: unknown instance type "${instanceType}" (not in vpcnet's instance limits table)`);
  }
  return maxPods({
    limits,
    cniVersion,
    vcpus: instanceVcpus(instanceType)?.vcpus,
    prefixDelegation: options.cniPrefixDelegationEnabled === true,
    customNetworking: options.cniCustomNetworkingEnabled === true,
    showMaxAllowed: options.showMaxAllowed === true,
    ...(maxEni === undefined ? {} : { maxEni }),
  });
}

/**
 * `vpcnet max-pods`: prints the max pods number on stdout and returns 0, or prints one error line on stderr
 * and returns 1 (missing instance type or CNI version, unknown type, bad flag value, IMDS unreachable).
 */
export async function runMaxPods(options: MaxPodsCliOptions, output: Output): Promise<number> {
  try {
    output.out(String(await computeMaxPods(options)));
    return 0;
  } catch (error) {
    if (!(error instanceof MaxPodsUsageError) && !(error instanceof RangeError)) throw error;
    output.err(error.message);
    return 1;
  }
}
