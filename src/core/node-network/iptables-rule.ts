/**
 * One iptables rule in the two spellings that matter: the argv upstream hands to go-iptables, and the line
 * `iptables-save` prints for it (which is also valid `iptables-restore` input).
 */

/** The iptables tables the node daemon writes to. */
export type IptablesTable = 'nat' | 'mangle';

/** A rule of the node's SNAT and connmark setup. */
export interface IptablesRule {
  readonly table: IptablesTable;
  readonly chain: string;
  /** The rule spec as upstream passes it to go-iptables: `iptables -t <table> -A <chain> ...spec`. */
  readonly spec: readonly string[];
  /** The rule exactly as `iptables-save` prints it, e.g. `-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0`. */
  readonly saveLine: string;
}

const NO_QUOTE_CHARS = /^[_\-0-9a-zA-Z]+$/;

/**
 * Quotes a value as iptables-save does (`xtables_save_string`): bare when made only of letters, digits,
 * `_` and `-`, else in double quotes with `"`, `\` and `'` escaped by a backslash.
 */
export function xtablesSaveString(value: string): string {
  if (NO_QUOTE_CHARS.test(value)) return value;
  return `"${value.replace(/["\\']/g, (char) => `\\${char}`)}"`;
}

/** A mark as upstream formats it (Go `%#x`): `0x80`. */
export function formatMark(mark: number): string {
  return `0x${mark.toString(16)}`;
}

/**
 * Builds a rule whose iptables-save form keeps the order of `spec`; only the comment text is quoted.
 * `saveArgs` overrides that form where iptables-save reorders or rewrites options.
 */
export function iptablesRule(table: IptablesTable, chain: string, spec: readonly string[], saveArgs?: readonly string[]): IptablesRule {
  const args = saveArgs ?? quoteComments(spec);
  return { table, chain, spec, saveLine: ['-A', chain, ...args].join(' ') };
}

/** `-m comment --comment <text>` as a spec fragment. */
export function commentMatch(text: string): readonly string[] {
  return ['-m', 'comment', '--comment', text];
}

/** `-m comment --comment <text>` as iptables-save prints it (text quoted). */
export function savedCommentMatch(text: string): readonly string[] {
  return ['-m', 'comment', '--comment', xtablesSaveString(text)];
}

function quoteComments(spec: readonly string[]): readonly string[] {
  return spec.map((token, index) => (spec[index - 1] === '--comment' ? xtablesSaveString(token) : token));
}
