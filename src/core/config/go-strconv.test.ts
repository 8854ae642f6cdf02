import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoAtoi, parseGoBool, parseGoIntBase0 } from './go-strconv.ts';

test('parseGoBool() accepts exactly the twelve strconv.ParseBool spellings', () => {
  for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(text), true, text);
  for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(text), false, text);
  for (const text of ['', 'yes', 'no', 'tRUE', 'on', ' true', 'true ', '2', 'fAlse']) assert.equal(parseGoBool(text), undefined, text);
});

test('parseGoAtoi() parses like strconv.Atoi', () => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ['0', 0], ['30', 30], ['+5', 5], ['-1', -1], ['007', 7], ['9001', 9001],
    ['', undefined], [' 5', undefined], ['5 ', undefined], ['1_000', undefined], ['0x10', undefined],
    ['1.5', undefined], ['1e3', undefined], ['+', undefined], ['--1', undefined], ['abc', undefined],
    ['99999999999999999999', undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseGoAtoi(text), expected, JSON.stringify(text));
});

test('parseGoIntBase0() parses like strconv.ParseInt(v, 0, 64)', () => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ['0x80', 128], ['0X80', 128], ['128', 128], ['0200', 128], ['0o200', 128], ['0b10000000', 128],
    ['0x_80', 128], ['1_28', 128], ['-0x80', -128], ['+128', 128], ['0', 0], ['0xffffffff', 4294967295],
    ['', undefined], ['08', undefined], ['0x', undefined], ['1__28', undefined], ['_128', undefined], ['128_', undefined],
    ['0xg', undefined], [' 128', undefined], ['0b2', undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseGoIntBase0(text), expected, JSON.stringify(text));
});
