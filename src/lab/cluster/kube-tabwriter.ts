/**
 * Go's `text/tabwriter` (padding with spaces, no flags), which kubectl prints every table and `describe`
 * through. Cells end at a tab; the text after a line's last tab is not part of any column. A column is
 * aligned over each run of consecutive lines that have a cell in it, so a line without a tab ends every
 * column block: that is what makes `describe` sections align separately.
 */

/** Go tabwriter's `minwidth` and `padding` (both in characters). */
export interface TabwriterOptions {
  readonly minWidth: number;
  readonly padding: number;
}

/** kubectl get's table writer: `tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)`. */
export const GET_TABWRITER: TabwriterOptions = { minWidth: 6, padding: 3 };

/** kubectl describe's writer: `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`. */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minWidth: 0, padding: 2 };

/** Go counts a cell's width in UTF-8 runes. */
function runeCount(text: string): number {
  return [...text].length;
}

class Formatter {
  readonly #lines: readonly (readonly string[])[];
  readonly #options: TabwriterOptions;
  readonly #out: string[] = [];

  constructor(lines: readonly (readonly string[])[], options: TabwriterOptions) {
    this.#lines = lines;
    this.#options = options;
  }

  run(): string[] {
    this.#format([], 0, this.#lines.length);
    return this.#out;
  }

  #cells(index: number): readonly string[] {
    return this.#lines[index] ?? [];
  }

  /** Whether line `index` has a tab-terminated cell in `column`. */
  #hasColumn(index: number, column: number): boolean {
    return column < this.#cells(index).length - 1;
  }

  /** Go's `format`: finds the blocks of `column`, sizes each, and recurses into the next column. */
  #format(widths: readonly number[], first: number, end: number): void {
    const column = widths.length;
    let unwritten = first;
    for (let index = first; index < end; index++) {
      if (!this.#hasColumn(index, column)) continue;
      this.#write(widths, unwritten, index);
      let width = this.#options.minWidth;
      let blockEnd = index;
      for (; blockEnd < end && this.#hasColumn(blockEnd, column); blockEnd++) {
        width = Math.max(width, runeCount(this.#cells(blockEnd)[column] ?? '') + this.#options.padding);
      }
      this.#format([...widths, width], index, blockEnd);
      unwritten = blockEnd;
      index = blockEnd - 1;
    }
    this.#write(widths, unwritten, end);
  }

  #write(widths: readonly number[], first: number, end: number): void {
    for (let index = first; index < end; index++) {
      const text = this.#cells(index).map((cell, column) => {
        const width = widths[column];
        return width === undefined ? cell : cell + ' '.repeat(Math.max(0, width - runeCount(cell)));
      });
      this.#out.push(text.join(''));
    }
  }
}

/** Aligns tab-separated text as Go's tabwriter does; a final newline is kept. */
export function tabwrite(text: string, options: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const body = endsWithNewline ? text.slice(0, -1) : text;
  if (body === '' && endsWithNewline) return '\n';
  const lines = body.split('\n').map((line) => line.split('\t'));
  const formatted = new Formatter(lines, options).run().join('\n');
  return endsWithNewline ? `${formatted}\n` : formatted;
}

/** Rows of cells joined with tabs, one line each, through the kubectl get writer. */
export function alignRows(rows: readonly (readonly string[])[]): string {
  return tabwrite(rows.map((row) => `${row.join('\t')}\n`).join(''), GET_TABWRITER);
}
