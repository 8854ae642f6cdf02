/**
 * The smallest `iptables-restore --noflush` script that turns one table's current state into the planned
 * one, touching only AWS chains and AWS-commented rules. The script is one transaction: the kernel never
 * sees a half-written chain.
 */
import type { IptablesRule, IptablesTable } from '../../core/node-network/index.ts';
import { isAwsBuiltinChainRule, isAwsChain } from '../../core/node-network/index.ts';
import type { IptablesTableState } from './iptables-save.ts';
import { chainRules } from './iptables-save.ts';

/** The planned state of one table. */
export interface PlannedIptablesTable {
  readonly table: IptablesTable;
  /** AWS user chains that must exist (in this table). */
  readonly userChains: readonly string[];
  /** The planned rules of this table. */
  readonly rules: readonly IptablesRule[];
}

/**
 * Returns the restore script, or undefined when the table already matches. Planned user chains are
 * rewritten whole when they differ (`-F` then `-A` in plan order); in built-in chains, missing AWS rules
 * are appended when the present ones are in plan order, else all AWS rules there are deleted and
 * re-appended; stale AWS chains (e.g. `AWS-SNAT-CHAIN-1` of the old design) are flushed, then deleted.
 */
export function iptablesRestoreScript(planned: PlannedIptablesTable, current: IptablesTableState): string | undefined {
  const wanted = (chain: string): string[] => planned.rules.filter((rule) => rule.chain === chain).map((rule) => rule.saveLine);
  const lines = [
    ...planned.userChains.flatMap((chain) => userChainLines(chain, wanted(chain), current)),
    ...builtinChains(planned, current).flatMap((chain) => builtinChainLines(planned.table, chain, wanted(chain), current)),
    ...staleChainLines(planned, current),
  ];
  return lines.length === 0 ? undefined : `*${planned.table}\n${lines.join('\n')}\nCOMMIT\n`;
}

function userChainLines(chain: string, want: readonly string[], current: IptablesTableState): string[] {
  if (!current.chains.has(chain)) return [`:${chain} - [0:0]`, ...want];
  return sameLines(chainRules(current, chain), want) ? [] : [`-F ${chain}`, ...want];
}

function builtinChainLines(table: IptablesTable, chain: string, want: readonly string[], current: IptablesTableState): string[] {
  const have = chainRules(current, chain).filter((line) => isAwsBuiltinChainRule(table, chain, line));
  if (sameLines(have, want)) return [];
  if (sameLines(have, want.slice(0, have.length))) return want.slice(have.length);
  return [...have.map(deleteLine), ...want];
}

function builtinChains(planned: PlannedIptablesTable, current: IptablesTableState): string[] {
  const plannedChains = planned.rules.map((rule) => rule.chain).filter((chain) => !isAwsChain(chain));
  const presentChains = [...current.chains].filter((chain) => !isAwsChain(chain));
  return [...new Set([...plannedChains, ...presentChains])];
}

function staleChainLines(planned: PlannedIptablesTable, current: IptablesTableState): string[] {
  const stale = [...current.chains].filter((chain) => isAwsChain(chain) && !planned.userChains.includes(chain));
  return [...stale.map((chain) => `-F ${chain}`), ...stale.map((chain) => `-X ${chain}`)];
}

/** `-A CHAIN spec` → `-D CHAIN spec`: iptables-save lines are valid restore input. */
function deleteLine(saveLine: string): string {
  return `-D${saveLine.slice(2)}`;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, index) => line === b[index]);
}
