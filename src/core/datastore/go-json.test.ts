import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goJson, goJsonString, goObject, goRawNumber, goSortedMap } from './go-json.ts';

test('goJsonString() escapes as Go encoding/json does (HTML-safe)', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['quote " and \\', '"quote \\" and \\\\"'],
    ['\n\t\r\b\f', '"\\n\\t\\r\\b\\f"'],
    ['\u0001\u001f', '"\\u0001\\u001f"'],
    ['line\u2028sep\u2029', '"line\\u2028sep\\u2029"'],
    ['ünïcödé ☃', '"ünïcödé ☃"'],
  ];
  for (const [input, expected] of cases) assert.equal(goJsonString(input), expected, input);
});

test('goJson() writes members in the given order, maps sorted by key bytes, compact', () => {
  const value = goObject([
    ['z', 1],
    ['a', goSortedMap([['10', true], ['9', false], ['1', null]])],
    ['list', [goRawNumber('1647904840550836685'), 'x', goObject([])]],
  ]);
  assert.equal(goJson(value), '{"z":1,"a":{"1":null,"10":true,"9":false},"list":[1647904840550836685,"x",{}]}');
});

test('goJson() refuses numbers it cannot write exactly', () => {
  assert.throws(() => goJson(1.5), RangeError);
  assert.throws(() => goJson(2 ** 60), RangeError);
  assert.throws(() => goRawNumber('1e9'), SyntaxError);
});
