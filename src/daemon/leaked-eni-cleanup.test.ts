import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leakedEniFilters, parseRfc3339 } from './leaked-eni-cleanup.ts';

test('leakedEniFilters() are ipamd\'s filters, scoped to the cluster when it is named', () => {
  assert.deepEqual(leakedEniFilters('vpc-1', undefined), { 'tag-key': ['node.k8s.amazonaws.com/instance_id'], status: ['available'], 'vpc-id': ['vpc-1'] });
  assert.deepEqual(leakedEniFilters('vpc-1', 'prod')['tag:cluster.k8s.amazonaws.com/name'], ['prod']);
});

test('parseRfc3339() reads RFC 3339 date-times and refuses anything else', () => {
  assert.equal(parseRfc3339('2024-05-01T10:00:00Z'), Date.UTC(2024, 4, 1, 10));
  assert.equal(parseRfc3339('2024-05-01T12:00:00+02:00'), Date.UTC(2024, 4, 1, 10));
  for (const bad of [undefined, '', 'yesterday', '2024-05-01', '1714557600']) assert.ok(Number.isNaN(parseRfc3339(bad)), String(bad));
});
