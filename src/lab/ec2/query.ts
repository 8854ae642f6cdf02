import type { Filter, QueryParams, Tag, TagSpecification } from './action.ts';
import { Ec2ApiError, invalidParameterValue, missingParameter } from './errors.ts';
import type { FormLimits } from './form.ts';
import { DEFAULT_FORM_LIMITS, decodeForm } from './form.ts';

/** One parsed EC2 Query request. */
export interface ParsedQuery {
  readonly action: string;
  readonly version: string | undefined;
  readonly params: QueryParams;
}

/**
 * Parses a form-encoded EC2 Query body (`Action=DescribeVpcs&Version=2016-11-15&VpcId.1=...`).
 * Throws `Ec2ApiError` only: `MissingAction` without an `Action`, `MalformedQueryString` or
 * `InvalidParameterValue` for bytes AWS would refuse.
 */
export function parseQuery(body: string, limits: FormLimits = DEFAULT_FORM_LIMITS): ParsedQuery {
  const entries = decodeForm(body, limits);
  const action = entries.get('Action');
  if (action === undefined || action === '') {
    throw new Ec2ApiError('MissingAction', 'The request must contain the parameter Action');
  }
  return { action, version: entries.get('Version'), params: new QueryParamsView(entries) };
}

/** Largest list index accepted (`Name.N`); AWS lists are far shorter, this only bounds the work. */
const MAX_LIST_INDEX = 1_000_000;

/**
 * The `QueryParams` of a request, or of a structure nested in it: a map of the keys relative to the
 * structure, plus the structure's full prefix so errors name the parameter the caller sent.
 */
export class QueryParamsView implements QueryParams {
  readonly #entries: ReadonlyMap<string, string>;
  readonly #base: string;

  /** `entries` are keys relative to `base` (e.g. base `Filter.1.`, key `Name`). */
  constructor(entries: ReadonlyMap<string, string>, base = '') {
    this.#entries = entries;
    this.#base = base;
  }

  get(name: string): string | undefined {
    return this.#entries.get(name);
  }

  required(name: string): string {
    const value = this.#entries.get(name);
    if (value === undefined || value === '') throw missingParameter(this.#base + name);
    return value;
  }

  int(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const text = this.#entries.get(name);
    if (text === undefined) return undefined;
    const value = /^[+-]?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
      throw invalidParameterValue(this.#base + name, text, 'It must be an integer.');
    }
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (value < min || value > max) {
      throw invalidParameterValue(this.#base + name, text, `It must be between ${min} and ${max}.`);
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const text = this.#entries.get(name);
    if (text === undefined) return undefined;
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalidParameterValue(this.#base + name, text, 'It must be true or false.');
  }

  list(prefix: string): string[] {
    return this.#indexed(prefix)
      .filter((group) => group.members.has(''))
      .map((group) => group.members.get('') ?? '');
  }

  structs(prefix: string): QueryParams[] {
    return this.#indexed(prefix).map(
      (group) => new QueryParamsView(withoutWholeValue(group.members), `${this.#base}${prefix}.${group.index}.`),
    );
  }

  struct(prefix: string): QueryParams | undefined {
    const members = this.#membersOf(prefix);
    return members.size === 0 ? undefined : new QueryParamsView(members, `${this.#base}${prefix}.`);
  }

  filters(): Filter[] {
    return this.structs('Filter').map((filter) => ({ name: filter.required('Name'), values: filter.list('Value') }));
  }

  tagSpecifications(): TagSpecification[] {
    return this.structs('TagSpecification').map((spec) => ({
      resourceType: spec.required('ResourceType'),
      tags: spec.structs('Tag').map(tagOf),
    }));
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Keys under `prefix.`, relative to it. */
  #membersOf(prefix: string): Map<string, string> {
    const start = `${prefix}.`;
    const members = new Map<string, string>();
    for (const [key, value] of this.#entries) {
      if (key.startsWith(start) && key.length > start.length) members.set(key.slice(start.length), value);
    }
    return members;
  }

  /**
   * `prefix.N` and `prefix.N.rest` grouped by N, in index order. The group's key `''` is the value of
   * `prefix.N` itself. A non-numeric or zero index is `InvalidParameterValue`, as on AWS.
   */
  #indexed(prefix: string): { index: number; members: Map<string, string> }[] {
    const groups = new Map<number, Map<string, string>>();
    for (const [relative, value] of this.#membersOf(prefix)) {
      const dot = relative.indexOf('.');
      const indexText = dot < 0 ? relative : relative.slice(0, dot);
      const index = listIndex(indexText, `${this.#base}${prefix}.${relative}`);
      let members = groups.get(index);
      if (members === undefined) {
        members = new Map();
        groups.set(index, members);
      }
      members.set(dot < 0 ? '' : relative.slice(dot + 1), value);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([index, members]) => ({ index, members }));
  }
}

function listIndex(text: string, key: string): number {
  const index = /^[1-9]\d{0,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(index <= MAX_LIST_INDEX)) {
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `The parameter ${key} is invalid: list indexes must be integers from 1 to ${MAX_LIST_INDEX}.`,
    );
  }
  return index;
}

function withoutWholeValue(members: ReadonlyMap<string, string>): Map<string, string> {
  const copy = new Map(members);
  copy.delete('');
  return copy;
}

function tagOf(tag: QueryParams): Tag {
  return { key: tag.required('Key'), value: tag.get('Value') ?? '' };
}
