import type { Filter, Tag } from '../action.ts';
import type { Tags } from './state.ts';

/**
 * Values a resource exposes for one filter name (e.g. `vpc-id` → ['vpc-123']). Return undefined when the
 * resource type does not know that filter name.
 */
export type FilterValues<T> = (resource: T, name: string) => readonly string[] | undefined;

/** EC2 filter values may use `*` (any run) and `?` (any one character); matching is case-sensitive. */
function wildcardMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's').test(value);
}

/** Values for the tag filters every taggable resource supports: `tag:<key>`, `tag-key`, `tag-value`. */
export function tagFilterValues(tags: Tags, name: string): readonly string[] | undefined {
  if (name.startsWith('tag:')) {
    const value = tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  if (name === 'tag-key') return [...tags.keys()];
  if (name === 'tag-value') return [...tags.values()];
  return undefined;
}

/**
 * True when the resource satisfies every filter (AND across filters, OR across one filter's values).
 * `unknown` is called with a filter name the resource type does not support, and should throw
 * `InvalidParameterValue` as AWS does.
 */
export function matchesFilters<T>(resource: T, filters: readonly Filter[], valuesOf: FilterValues<T>, unknown: (name: string) => never): boolean {
  for (const filter of filters) {
    const actual = valuesOf(resource, filter.name) ?? unknown(filter.name);
    if (!filter.values.some((pattern) => actual.some((value) => wildcardMatches(pattern, value)))) return false;
  }
  return true;
}

/** Tags in the order EC2 lists them (sorted by key), as `{ key, value }` records. */
export function tagList(tags: Tags): Tag[] {
  return [...tags.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value }));
}
