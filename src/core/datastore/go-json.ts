/**
 * JSON text as Go's `encoding/json` writes it, so that vpcnet's checkpoint and introspection output are
 * byte-for-byte what upstream tools (and people diffing files) expect: object members in the order given
 * (Go writes struct fields in declaration order and map keys sorted), and `<`, `>`, `&`, U+2028, U+2029
 * escaped as `\u003c`... (Go's HTML-safe escaping, on by default in `json.Marshal` and `json.Encoder`).
 */

/** A JSON value; objects are member lists so that their order is explicit. */
export type GoJsonValue = string | number | boolean | null | GoJsonObject | GoRawNumber | readonly GoJsonValue[];

/** An object as an ordered list of members. */
export interface GoJsonObject {
  readonly members: readonly (readonly [string, GoJsonValue])[];
}

/** An integer already formatted exactly, for values beyond 2^53 (unix nanoseconds). */
export interface GoRawNumber {
  readonly digits: string;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

function escapeHtmlUnsafe(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A JSON string literal as Go writes it. */
export function goJsonString(text: string): string {
  return JSON.stringify(text).replace(HTML_UNSAFE, escapeHtmlUnsafe);
}

/** An object with its members in the given order. */
export function goObject(members: readonly (readonly [string, GoJsonValue])[]): GoJsonObject {
  return { members };
}

/** An object from a map: members sorted by key (code unit order: Go's byte order for ASCII keys). */
export function goSortedMap(entries: Iterable<readonly [string, GoJsonValue]>): GoJsonObject {
  const members = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { members };
}

/** An integer written as the given digits. */
export function goRawNumber(digits: string): GoRawNumber {
  if (!/^-?(0|[1-9][0-9]*)$/.test(digits)) throw new SyntaxError(`Cannot write JSON number "${digits}": not an integer`);
  return { digits };
}

/** Compact JSON text (what `json.Marshal` returns; `json.Encoder` adds a newline). Integers only for numbers. */
export function goJson(value: GoJsonValue): string {
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot write JSON number ${value}: only safe integers are supported`);
    return String(value);
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  if (isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if ('digits' in value) return value.digits;
  return `{${value.members.map(([key, member]) => `${goJsonString(key)}:${goJson(member)}`).join(',')}}`;
}

function isArray(value: GoJsonObject | GoRawNumber | readonly GoJsonValue[]): value is readonly GoJsonValue[] {
  return Array.isArray(value);
}
