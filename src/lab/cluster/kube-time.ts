/**
 * Times as kubectl prints them: ages with apimachinery's `duration.HumanDuration` (the AGE column and event
 * ages), RFC 1123 dates in `describe`, and RFC 3339 seconds in JSON. Pure: the current time is a parameter.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAYS_PER_YEAR = 365;

/** `<n><unit>`, or `<n><unit><m><subunit>` when the remainder is not zero (`3m12s`, `2h`, `3d5h`). */
function withRemainder(whole: number, unit: string, remainder: number, subunit: string): string {
  return remainder === 0 ? `${whole}${unit}` : `${whole}${unit}${remainder}${subunit}`;
}

function humanDays(hours: number): string {
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 24 * DAYS_PER_YEAR * 2) return `${days}d`;
  const years = Math.trunc(days / DAYS_PER_YEAR);
  if (hours < 24 * DAYS_PER_YEAR * 8) return withRemainder(years, 'y', days % DAYS_PER_YEAR, 'd');
  return `${years}y`;
}

/**
 * apimachinery's `duration.HumanDuration`: about 2-3 significant figures (`45s`, `119s`, `3m12s`, `15m`,
 * `2h3m`, `10h`, `3d5h`, `30d`, `2y45d`, `9y`). A duration up to 2 seconds in the future reads `0s` (clock
 * skew); further ahead is `<invalid>`. Every division truncates, as Go's integer conversions do.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND_MS);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE_MS);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR_MS);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  return humanDays(hours);
}

function parse(iso: string | undefined): Date | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** kubectl's `translateTimestampSince`: the age of a timestamp, `<unknown>` when there is none. */
export function ageSince(iso: string | undefined, now: Date): string {
  const date = parse(iso);
  return date === undefined ? '<unknown>' : humanDuration(now.getTime() - date.getTime());
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** Go's `time.RFC1123Z` in UTC, as describe prints times: `Mon, 15 Jan 2024 10:00:00 +0000`. */
export function rfc1123z(iso: string): string {
  const date = parse(iso);
  if (date === undefined) return '<unknown>';
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(twoDigits).join(':');
  const day = `${WEEKDAYS[date.getUTCDay()] ?? ''}, ${twoDigits(date.getUTCDate())} ${MONTHS[date.getUTCMonth()] ?? ''}`;
  return `${day} ${date.getUTCFullYear()} ${time} +0000`;
}

/** A `metav1.Time` in JSON: RFC 3339 in UTC with whole seconds (`2024-01-15T10:00:00Z`). */
export function kubeTimestamp(iso: string): string {
  const date = parse(iso);
  return date === undefined ? iso : `${date.toISOString().slice(0, 19)}Z`;
}
