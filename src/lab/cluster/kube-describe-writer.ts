/**
 * The pieces every `kubectl describe` shares: its prefix writer (two spaces per level, one tabwriter over
 * the whole text, flushed before the Events table), multi-line label lists and the Events table.
 */
import { DESCRIBE_TABWRITER, tabwrite } from './kube-tabwriter.ts';
import { ageSince } from './kube-time.ts';
import type { LabEvent } from './objects.ts';

/** kubectl's `PrefixWriter` over a `tabbedString` buffer. */
export class DescribeWriter {
  #done = '';
  #pending = '';

  /** Writes `text` indented by `level` (two spaces each), as PrefixWriter.Write does. */
  write(level: number, text: string): void {
    this.#pending += '  '.repeat(level) + text;
  }

  /** Aligns what was written so far on its own, as the tabwriter's Flush does. */
  flush(): void {
    this.#done += tabwrite(this.#pending, DESCRIBE_TABWRITER);
    this.#pending = '';
  }

  /** The whole text, aligned. */
  text(): string {
    this.flush();
    return this.#done;
  }
}

/** kubectl's `printLabelsMultiline`: `Labels:` then `key=value` per line in key order, or `<none>`. */
export function writeLabels(w: DescribeWriter, title: string, labels: Readonly<Record<string, string>>): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((key, index) => {
    if (index > 0) w.write(0, '\t');
    w.write(0, `${key}=${labels[key] ?? ''}\n`);
  });
}

/** kubectl's `printLabelsMultiline` for a list of ready-made lines (taints, tolerations), or `<none>`. */
export function writeLines(w: DescribeWriter, title: string, lines: readonly string[]): void {
  w.write(0, `${title}:\t`);
  if (lines.length === 0) w.write(0, '<none>\n');
  lines.forEach((line, index) => w.write(0, `${index > 0 ? '\t' : ''}${line}\n`));
}

/** The events about one object, as kubectl's event search finds them. */
export function eventsAbout(events: readonly LabEvent[], involved: LabEvent['involved']): LabEvent[] {
  return events.filter((e) => e.involved.kind === involved.kind && e.involved.name === involved.name && e.involved.namespace === involved.namespace);
}

/** `<age>`, or `<age of last> (x<count> over <age of first>)` for an event seen more than once. */
function eventAge(event: LabEvent, now: Date): string {
  const first = ageSince(event.firstTimestamp, now);
  return event.count > 1 ? `${ageSince(event.lastTimestamp, now)} (x${event.count} over ${first})` : first;
}

/** kubectl's `DescribeEvents`: `Events:  <none>`, or a table oldest (by last time seen) first. */
export function writeEvents(w: DescribeWriter, events: readonly LabEvent[], now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => Date.parse(a.lastTimestamp) - Date.parse(b.lastTimestamp));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const event of sorted) {
    w.write(1, `${event.type}\t${event.reason}\t${eventAge(event, now)}\t${event.source}\t${event.message.trim()}\n`);
  }
}
