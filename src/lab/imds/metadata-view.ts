/**
 * Lookup in a metadata tree the way IMDS answers a GET: a leaf returns its text, a directory lists its
 * children one per line (sub-directories with a trailing `/`), anything else is absent.
 */
import type { MetadataLeaves } from './metadata-tree.ts';

/** An immutable metadata tree with its directory listings precomputed. */
export class MetadataView {
  readonly #leaves: ReadonlyMap<string, string>;
  readonly #directories = new Map<string, Set<string>>();

  constructor(leaves: MetadataLeaves) {
    this.#leaves = new Map(leaves);
    for (const path of leaves.keys()) this.#index(path);
  }

  /** True when the instance has no metadata at all (unknown or terminated). */
  get isEmpty(): boolean {
    return this.#leaves.size === 0;
  }

  /** The leaves, path → text. */
  get leaves(): ReadonlyMap<string, string> {
    return this.#leaves;
  }

  /**
   * The text IMDS returns for `path` relative to `/latest/` (`meta-data/mac`, `meta-data/`,
   * `meta-data`; `''` is `/latest/` itself), or undefined for a 404. Directory paths may end with `/`.
   */
  lookup(path: string): string | undefined {
    const trimmed = path.replace(/\/+$/, '');
    const leaf = this.#leaves.get(trimmed);
    if (leaf !== undefined) return leaf;
    const children = this.#directories.get(trimmed);
    if (children === undefined) return undefined;
    // IMDS lists `/latest/` as `dynamic` and `meta-data`, without the trailing slash it uses deeper down.
    const names = [...children].sort();
    return (trimmed === '' ? names.map((name) => name.replace(/\/$/, '')) : names).join('\n');
  }

  /** True when both trees have the same leaves with the same text. */
  equals(other: MetadataView): boolean {
    if (other.#leaves.size !== this.#leaves.size) return false;
    for (const [path, text] of this.#leaves) if (other.#leaves.get(path) !== text) return false;
    return true;
  }

  #index(path: string): void {
    const segments = path.split('/');
    for (let depth = 0; depth < segments.length; depth++) {
      const directory = segments.slice(0, depth).join('/');
      const isLast = depth === segments.length - 1;
      const child = `${segments[depth] ?? ''}${isLast ? '' : '/'}`;
      let children = this.#directories.get(directory);
      if (children === undefined) {
        children = new Set();
        this.#directories.set(directory, children);
      }
      children.add(child);
    }
  }
}
