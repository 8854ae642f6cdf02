/**
 * The three Go `strconv` parsers ipamd applies to its environment, reproduced exactly so that a value upstream
 * accepts is accepted here with the same meaning, and a value it rejects is rejected.
 */

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`: `1 t T TRUE true True` / `0 f F FALSE false False`; undefined for anything else. */
export function parseGoBool(text: string): boolean | undefined {
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  return undefined;
}

function signed(text: string): { readonly negative: boolean; readonly body: string } {
  const sign = text[0];
  if (sign === '+' || sign === '-') return { negative: sign === '-', body: text.slice(1) };
  return { negative: false, body: text };
}

function safe(value: number, negative: boolean): number | undefined {
  // Go would accept up to int64; beyond 2^53 a JS number is inexact, and no setting needs such values.
  if (!Number.isSafeInteger(value)) return undefined;
  return negative ? -value : value;
}

/** Go `strconv.Atoi`: optional sign then decimal digits, nothing else (no spaces, no `_`); undefined if invalid. */
export function parseGoAtoi(text: string): number | undefined {
  const { negative, body } = signed(text);
  if (!/^[0-9]+$/.test(body)) return undefined;
  return safe(Number(body), negative);
}

// Go integer-literal syntax for base 0: a prefix picks the base; `_` may separate digits or follow the prefix.
const BASE_0_FORMS: ReadonlyArray<readonly [RegExp, number, number]> = [
  [/^0[xX](_?[0-9a-fA-F])+$/, 16, 2],
  [/^0[bB](_?[01])+$/, 2, 2],
  [/^0[oO](_?[0-7])+$/, 8, 2],
  [/^0(_?[0-7])+$/, 8, 1],
  [/^(0|[1-9](_?[0-9])*)$/, 10, 0],
];

/**
 * Go `strconv.ParseInt(text, 0, 64)`: decimal, `0x`/`0X` hex, `0b` binary, `0o` or leading-`0` octal, with
 * optional sign and Go's `_` digit separators (`0x80`, `128`, `0200` all mean 128); undefined if invalid.
 */
export function parseGoIntBase0(text: string): number | undefined {
  const { negative, body } = signed(text);
  for (const [form, radix, prefixLength] of BASE_0_FORMS) {
    if (!form.test(body)) continue;
    const digits = body.slice(prefixLength).replaceAll('_', '');
    let value = 0;
    for (const digit of digits) value = value * radix + Number.parseInt(digit, radix);
    return safe(value, negative);
  }
  return undefined;
}
