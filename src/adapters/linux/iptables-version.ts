/** What `iptables --version` tells the node daemon. */
import type { ConnmarkBackend } from '../../core/node-network/index.ts';

/** The iptables build on the host. */
export interface IptablesVersion {
  /** `[1, 8, 9]`; empty when the output has no version. */
  readonly version: readonly number[];
  /** As upstream's `parseIptablesMode`: `iptables` when the output says `legacy`, else `nftables`. */
  readonly connmarkBackend: ConnmarkBackend;
  /** `--random-fully` exists from iptables 1.6.2 (go-iptables `HasRandomFully`). */
  readonly randomFullySupported: boolean;
}

const RANDOM_FULLY_SINCE = [1, 6, 2];

/** Parses `iptables v1.8.9 (nf_tables)` / `iptables v1.8.7 (legacy)`. */
export function parseIptablesVersion(output: string): IptablesVersion {
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(output);
  const version = match === null ? [] : match.slice(1).map(Number);
  return {
    version,
    connmarkBackend: output.includes('legacy') ? 'iptables' : 'nftables',
    randomFullySupported: compareVersions(version, RANDOM_FULLY_SINCE) >= 0,
  };
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
