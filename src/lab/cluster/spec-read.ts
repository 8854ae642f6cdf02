import { didYouMean } from './spec-suggest.ts';

/**
 * Typed reading of the parsed cluster YAML with problem collection: every accessor reports a wrong type or
 * range under the field's path (`managedNodeGroups[0].desiredCapacity`) and returns undefined, so reading
 * goes on and one error can list every problem in the file.
 */

/** A YAML mapping after `toJS()`. */
export type Mapping = Readonly<Record<string, unknown>>;

/** Collects problems as `<source>: <path>: <message>`. */
export class Problems {
  readonly #source: string;
  readonly #list: string[] = [];

  constructor(source: string) {
    this.#source = source;
  }

  /** Records a problem with the field at `path` ('' for the document itself). */
  add(path: string, message: string): void {
    this.#list.push(path === '' ? `${this.#source}: ${message}` : `${this.#source}: ${path}: ${message}`);
  }

  /** Every problem recorded, in order. */
  get list(): readonly string[] {
    return this.#list;
  }
}

/** True for a YAML mapping (not a list, not null). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent.key`, or `parent[index]` for a list element. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** What a value is, for "expected X, got Y" messages: `a string ("x")`, `a number (3)`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  return isMapping(value) ? 'a mapping' : typeof value;
}

/** Reads the fields of one mapping at a known path, reporting problems to a shared {@link Problems}. */
export class MappingReader {
  /** The mapping's own path ('' for the document). */
  readonly path: string;
  readonly #mapping: Mapping;
  readonly #problems: Problems;

  constructor(mapping: Mapping, path: string, problems: Problems) {
    this.#mapping = mapping;
    this.path = path;
    this.#problems = problems;
  }

  /** A reader over `value`; undefined (and a problem, unless the value is absent or null) when not a mapping. */
  static of(value: unknown, path: string, problems: Problems): MappingReader | undefined {
    if (value === undefined || value === null) return undefined;
    if (isMapping(value)) return new MappingReader(value, path, problems);
    problems.add(path, `expected a mapping, got ${describeValue(value)}`);
    return undefined;
  }

  /** The keys in document order. */
  keys(): readonly string[] {
    return Object.keys(this.#mapping);
  }

  /** True when the key is present with a non-null value (YAML `key:` alone means unset, as in eksctl). */
  has(key: string): boolean {
    const value = this.#mapping[key];
    return value !== undefined && value !== null;
  }

  /** The path of one field. */
  pathOf(key: string): string {
    return childPath(this.path, key);
  }

  /** The raw value (null read as absent). */
  raw(key: string): unknown {
    return this.#mapping[key] ?? undefined;
  }

  /** Reports every key not in `known`, suggesting the nearest known key. */
  checkKeys(known: readonly string[]): void {
    for (const key of this.keys()) {
      if (known.includes(key)) continue;
      const hint = didYouMean(key, known) || ` (known keys: ${known.join(', ')})`;
      const what = this.path === '' ? 'unknown top-level key' : 'unknown key';
      this.#problems.add(this.path, `${what} ${JSON.stringify(key)}${hint}`);
    }
  }

  /** Reports a problem with one field. */
  report(key: string, message: string): void {
    this.#problems.add(this.pathOf(key), message);
  }

  /** A string field. */
  string(key: string): string | undefined {
    return this.#typed(key, 'a string', (value): value is string => typeof value === 'string');
  }

  /** A boolean field. */
  boolean(key: string): boolean | undefined {
    return this.#typed(key, 'a boolean', (value): value is boolean => typeof value === 'boolean');
  }

  /** A list field. */
  list(key: string): readonly unknown[] | undefined {
    return this.#typed(key, 'a list', (value): value is readonly unknown[] => Array.isArray(value));
  }

  /** A nested mapping field. */
  mapping(key: string): MappingReader | undefined {
    return MappingReader.of(this.raw(key), this.pathOf(key), this.#problems);
  }

  /** An integer field within `min`..`max` inclusive. */
  integer(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.report(key, `expected an integer from ${min} to ${max}, got ${describeValue(value)}`);
    return undefined;
  }

  #typed<T>(key: string, expected: string, check: (value: unknown) => value is T): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (check(value)) return value;
    this.report(key, `expected ${expected}, got ${describeValue(value)}`);
    return undefined;
  }
}
