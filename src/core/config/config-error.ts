/** One refused setting: the variable, the value it had ('' when unset) and what would have been accepted. */
export interface ConfigProblem {
  readonly variable: string;
  readonly value: string;
  readonly expected: string;
}

/** Formats one problem in std style, e.g. `Invalid WARM_IP_TARGET "abc": expected an integer >= 0`. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const shown = problem.value === '' ? '(unset)' : JSON.stringify(problem.value);
  return `Invalid ${problem.variable} ${shown}: expected ${problem.expected}`;
}

/**
 * The daemon's configuration was refused: every problem found is listed (not only the first), so one restart
 * is enough to fix them all. Thrown by `parseDaemonConfig`; the daemon logs the message and exits non-zero.
 */
export class ConfigError extends Error {
  /** Every invalid setting, in the order the variables were read; never empty. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map(formatConfigProblem);
    super(lines.length === 1 ? (lines[0] ?? '') : `${lines.length} invalid settings: ${lines.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
