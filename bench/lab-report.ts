/**
 * bench/lab.ts, the report: medians with min and max, ratios against the baselines, markdown tables, and
 * the "Lab cluster" section of bench/RESULTS.md. The tables sit between two markers that a later run
 * replaces; whatever follows the end marker in that section (the written reading) is kept as it is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, release } from 'node:os';

/** The section's heading in bench/RESULTS.md. */
export const SECTION_HEADING = '## Lab cluster (`bench/lab.ts`)';
const BEGIN = '<!-- bench/lab.ts writes from here -->';
const END = '<!-- bench/lab.ts writes up to here; the reading below is written by hand -->';

/** Samples of one measure across runs, ms. */
export type Samples = readonly number[];

/** Median of the samples (mean of the two middle ones for an even count). */
export function median(values: Samples): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `12.34 (11.90–13.02)`: the median and range, in seconds. */
export function cell(values: Samples): string {
  if (values.length === 0) return '–';
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  return `${s(median(values))} (${s(Math.min(...values))}–${s(Math.max(...values))})`;
}

/** The candidate's median over the baseline's. */
export function ratio(candidate: Samples, baseline: Samples): string {
  if (candidate.length === 0 || baseline.length === 0) return '–';
  return (median(candidate) / median(baseline)).toFixed(2);
}

/** One row of a table comparing the lab with a baseline. */
export interface Row {
  readonly label: string;
  readonly lab: Samples;
  readonly baseline?: Samples;
}

/** A markdown table: phase, lab s, and (given a baseline name) baseline s and lab/baseline. */
export function table(title: string, baselineName: string | undefined, rows: readonly Row[]): string {
  if (baselineName === undefined) {
    return [`| ${title} | s: median (min–max) |`, '|---|---|', ...rows.map((row) => `| ${row.label} | ${cell(row.lab)} |`)].join('\n');
  }
  return [
    `| ${title} | lab, s: median (min–max) | ${baselineName}, s | lab / baseline |`,
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.label} | ${cell(row.lab)} | ${row.baseline === undefined ? '–' : cell(row.baseline)} | ${row.baseline === undefined ? '–' : ratio(row.lab, row.baseline)} |`),
  ].join('\n');
}

/** What the machine was when the run started. */
export async function machineFacts(): Promise<string> {
  const debian = (await readFile('/etc/debian_version', 'utf8').catch(() => '?')).trim();
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  return `${new Date().toISOString().slice(0, 10)}, Debian ${debian}, kernel ${release()}, ${availableParallelism()} cores, Node ${process.version}, load average at the start ${load}`;
}

function replaceGenerated(section: string, generated: string): string {
  const begin = section.indexOf(BEGIN);
  const end = section.indexOf(END);
  if (begin < 0 || end < begin) return `${SECTION_HEADING}\n\n${BEGIN}\n${generated}\n${END}\n\n${section.slice(SECTION_HEADING.length).trim()}\n`;
  return `${section.slice(0, begin)}${BEGIN}\n${generated}\n${END}${section.slice(end + END.length)}`;
}

/** Writes `generated` into the section (creating it at the end of the file if missing); other sections stay as they are. */
export async function updateResults(path: string, generated: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(`\n${SECTION_HEADING}\n`);
  if (start < 0) {
    const reading = '**Reading.** (to be written from the figures above)';
    await writeFile(path, `${text.trimEnd()}\n\n${SECTION_HEADING}\n\n${BEGIN}\n${generated}\n${END}\n\n${reading}\n`);
    return;
  }
  const bodyStart = start + 1;
  const next = text.indexOf('\n## ', bodyStart + SECTION_HEADING.length);
  const sectionEnd = next < 0 ? text.length : next + 1;
  const section = text.slice(bodyStart, sectionEnd);
  const updated = replaceGenerated(section, generated);
  await writeFile(path, `${text.slice(0, bodyStart)}${updated.trimEnd()}\n${next < 0 ? '' : `\n${text.slice(sectionEnd)}`}`);
}
