/** Reading `iptables-save` output: which chains a table has and its rules, as the lines iptables-save prints. */

/** One table as iptables-save shows it. */
export interface IptablesTableState {
  /** Every chain, built-in and user-defined. */
  readonly chains: ReadonlySet<string>;
  /** Rule lines per chain in order, exactly as printed (`-A CHAIN ...`). */
  readonly rules: ReadonlyMap<string, readonly string[]>;
}

/**
 * Parses the `*<table>` section of iptables-save output (comments and other tables ignored). A table
 * missing from the output is an empty state: iptables-nft prints nothing for a table never used.
 */
export function parseIptablesSave(text: string, table: string): IptablesTableState {
  const chains = new Set<string>();
  const rules = new Map<string, string[]>();
  let inTable = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trimEnd();
    if (line.startsWith('*')) inTable = line === `*${table}`;
    if (!inTable || line === '' || line.startsWith('#')) continue;
    if (line.startsWith(':')) chains.add(line.slice(1).split(' ')[0] ?? '');
    if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      rules.set(chain, [...(rules.get(chain) ?? []), line]);
    }
  }
  return { chains, rules };
}

/** The rule lines of one chain (none when the chain does not exist). */
export function chainRules(state: IptablesTableState, chain: string): readonly string[] {
  return state.rules.get(chain) ?? [];
}
