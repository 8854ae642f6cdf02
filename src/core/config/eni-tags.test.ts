import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAdditionalEniTags } from './eni-tags.ts';

test('parseAdditionalEniTags() returns the tags of a JSON object of strings', () => {
  assert.deepEqual(parseAdditionalEniTags('{"team":"net","cost-center":""}'), { ok: true, tags: { team: 'net', 'cost-center': '' } });
  assert.deepEqual(parseAdditionalEniTags('null'), { ok: true, tags: {} });
});

test('parseAdditionalEniTags() refuses what upstream drops or EC2 would reject', () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['{team:net}', /not valid JSON/],
    ['["a"]', /not a JSON object/],
    ['"a"', /not a JSON object/],
    ['{"n":1}', /value of "n" is not a string/],
    ['{"node.k8s.amazonaws.com/x":"y"}', /reserved "k8s.amazonaws.com"/],
    ['{"aws:x":"y"}', /reserved "aws:" prefix/],
    ['{"":"y"}', /not 1 to 128 characters/],
    [JSON.stringify({ k: 'v'.repeat(257) }), /longer than 256/],
  ];
  for (const [text, reason] of cases) {
    const result = parseAdditionalEniTags(text);
    assert.equal(result.ok, false, text);
    if (!result.ok) assert.match(result.reason, reason, text);
  }
});
