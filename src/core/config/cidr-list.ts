import { formatCidr, parseCidr } from '../ip/index.ts';

/** The outcome of {@link parseCidrList}: the normalised blocks, and the items that are not IPv4 CIDR blocks. */
export interface CidrListResult {
  readonly cidrs: readonly string[];
  readonly invalid: readonly string[];
}

/**
 * Parses a comma-separated list of IPv4 CIDR blocks, as ipamd's `parseCIDRString` does for
 * `AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS` and `AWS_EXTERNAL_SERVICE_CIDRS`: items are trimmed, host bits are
 * cleared like Go's `net.ParseCIDR` (`10.1.2.3/16` becomes `10.1.0.0/16`), empty items are ignored. Upstream
 * logs and skips an invalid or IPv6 item; here it is reported in `invalid` so the caller can refuse it.
 */
export function parseCidrList(text: string): CidrListResult {
  const cidrs: string[] = [];
  const invalid: string[] = [];
  for (const rawItem of text.split(',')) {
    const item = rawItem.trim();
    if (item === '') continue;
    try {
      cidrs.push(formatCidr(parseCidr(item, false)));
    } catch {
      invalid.push(item);
    }
  }
  return { cidrs, invalid };
}
