import type { ConfigProblem } from './config-error.ts';
import { parseGoAtoi, parseGoBool } from './go-strconv.ts';

/** The environment as the daemon sees it (the composition root passes `process.env`; tests a plain object). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Accepted integer range (inclusive) and the unit shown in messages. */
export interface IntegerRange {
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
}

const BOOL_SPELLINGS = 'true, false, 1, 0, t, f, T, F, TRUE, FALSE, True, False';

function describeRange(range: IntegerRange): string {
  const { min, max, unit } = range;
  let text = 'an integer';
  if (min !== undefined && max !== undefined) text += ` from ${min} to ${max}`;
  else if (min !== undefined) text += ` >= ${min}`;
  else if (max !== undefined) text += ` <= ${max}`;
  return unit === undefined ? text : `${text} (${unit})`;
}

/**
 * Reads typed settings from an environment and records every refused value instead of throwing at the first,
 * so that one `ConfigError` can list them all. Unlike upstream, which logs and falls back to the default, an
 * invalid value is a problem; an unset variable (or one set to the empty string) takes the default.
 */
export class EnvReader {
  readonly #env: Env;
  readonly #problems: ConfigProblem[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** Every problem recorded so far, in reading order. */
  get problems(): readonly ConfigProblem[] {
    return this.#problems;
  }

  /** Records a refused value; `value` is '' when the variable is unset. */
  report(variable: string, value: string, expected: string): void {
    this.#problems.push({ variable, value, expected });
  }

  /** The value, or undefined when unset or empty (`NAME=` means "use the default", as for Go's `os.Getenv`). */
  value(name: string): string | undefined {
    const value = this.#env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /** The value exactly as set ('' kept), for the rare variable where empty has its own meaning. */
  rawValue(name: string): string | undefined {
    return this.#env[name];
  }

  /** A string setting with a default. */
  text(name: string, fallback: string): string {
    return this.value(name) ?? fallback;
  }

  /** A boolean parsed like Go's `strconv.ParseBool`. */
  bool(name: string, fallback: boolean): boolean {
    const value = this.value(name);
    if (value === undefined) return fallback;
    const parsed = parseGoBool(value);
    if (parsed === undefined) this.report(name, value, `a boolean (${BOOL_SPELLINGS})`);
    return parsed ?? fallback;
  }

  /** An integer parsed like Go's `strconv.Atoi`, within `range`. */
  integer(name: string, fallback: number, range: IntegerRange): number {
    return this.optionalInteger(name, range) ?? fallback;
  }

  /** Like {@link integer}, but undefined when unset. */
  optionalInteger(name: string, range: IntegerRange): number | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    const parsed = parseGoAtoi(value);
    const inRange = parsed !== undefined && (range.min === undefined || parsed >= range.min) && (range.max === undefined || parsed <= range.max);
    if (!inRange) {
      this.report(name, value, describeRange(range));
      return undefined;
    }
    return parsed;
  }

  /** One of a fixed set of words; with `ignoreCase` the result is the listed spelling. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T, ignoreCase = false): T {
    const value = this.value(name);
    if (value === undefined) return fallback;
    const wanted = ignoreCase ? value.toLowerCase() : value;
    const match = choices.find((choice) => (ignoreCase ? choice.toLowerCase() : choice) === wanted);
    if (match === undefined) {
      const list = choices.map((choice) => JSON.stringify(choice)).join(', ');
      this.report(name, value, `one of ${list}${ignoreCase ? ' (any case)' : ''}`);
    }
    return match ?? fallback;
  }
}
