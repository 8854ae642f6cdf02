/** The nftables connmark table (`table ip aws-cni`) through the `nft` command. */
import type { NftConnmarkPlan } from '../../core/node-network/index.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import { CommandFailedError, runChecked } from './ip-batch.ts';

const TABLE = 'ip aws-cni';

/** `nft -y list` output with counters zeroed away (`counter packets 3 bytes 180` → `counter`), trailing blanks trimmed. */
export function normalizeNftListing(listing: string): string {
  return `${listing.replace(/counter packets \d+ bytes \d+/g, 'counter').trimEnd()}\n`;
}

/**
 * The `nft -f` script from the listed table (undefined: absent) to the planned one (undefined: must not
 * exist), or undefined when nothing changes. A differing table is replaced in one transaction.
 */
export function nftConnmarkScript(planned: NftConnmarkPlan | undefined, listing: string | undefined): string | undefined {
  if (planned === undefined) return listing === undefined ? undefined : `delete table ${TABLE}\n`;
  if (listing !== undefined && normalizeNftListing(listing) === planned.text) return undefined;
  return `table ${TABLE}\ndelete table ${TABLE}\n${planned.text}`;
}

/** The `table ip aws-cni` listing (numeric priority), undefined when it does not exist or nft is not installed. */
export async function listNftConnmark(runner: CommandRunner, nft: string): Promise<string | undefined> {
  const result = await runner.run(nft, ['-y', 'list', 'table', 'ip', 'aws-cni']);
  if (result.code === 0) return result.stdout;
  if (result.code === -1 && /ENOENT/.test(result.stderr)) return undefined;
  if (/No such file or directory/.test(result.stderr)) return undefined;
  throw new CommandFailedError(`${nft} -y list table ${TABLE}`, result);
}

/** Makes the table match the plan; true when something changed. */
export async function applyNftConnmark(runner: CommandRunner, nft: string, planned: NftConnmarkPlan | undefined): Promise<boolean> {
  const script = nftConnmarkScript(planned, await listNftConnmark(runner, nft));
  if (script === undefined) return false;
  await runChecked(runner, nft, ['-f', '-'], { input: script });
  return true;
}
