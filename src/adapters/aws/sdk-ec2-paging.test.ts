import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ec2Error } from '../../core/aws/ec2-error.ts';
import { serviceError } from './aws-errors.test-support.ts';
import { toEc2Error } from './aws-errors.ts';
import { missingEniIdsOf, paginate, withoutMissingEnis } from './sdk-ec2-paging.ts';

function notFound(message: string): Ec2Error {
  return toEc2Error('DescribeNetworkInterfaces', serviceError('InvalidNetworkInterfaceID.NotFound', 400, message));
}

test('paginate() follows NextToken to the last page', async () => {
  const pages: Record<string, { items: number[]; nextToken?: string }> = { start: { items: [1, 2], nextToken: 't1' }, t1: { items: [3], nextToken: 't2' }, t2: { items: [4] } };
  const asked: (string | undefined)[] = [];
  const items = await paginate((token) => {
    asked.push(token);
    return Promise.resolve(pages[token ?? 'start'] ?? { items: [] });
  });
  assert.deepEqual(items, [1, 2, 3, 4]);
  assert.deepEqual(asked, [undefined, 't1', 't2']);
});

test('paginate() stops on an empty token', async () => {
  assert.deepEqual(await paginate(() => Promise.resolve({ items: ['a'], nextToken: '' })), ['a']);
});

test('missingEniIdsOf() reads the quoted id, as ipamd parses the NotFound message', () => {
  const error = notFound("The networkInterface ID 'eni-0abc123' does not exist");
  assert.deepEqual(missingEniIdsOf(error, ['eni-1', 'eni-0abc123']), ['eni-0abc123']);
  assert.deepEqual(missingEniIdsOf(notFound("The networkInterface IDs 'eni-a, eni-b' do not exist"), ['eni-a', 'eni-b', 'eni-c']), ['eni-a', 'eni-b']);
  assert.deepEqual(missingEniIdsOf(error, ['eni-1']), [], 'an id not asked for is not dropped');
  assert.deepEqual(missingEniIdsOf(toEc2Error('X', serviceError('InvalidParameterValue', 400, "'eni-1'")), ['eni-1']), []);
});

test('withoutMissingEnis() drops each unknown id and asks again with the rest', async () => {
  const known = new Set(['eni-1', 'eni-3']);
  const asked: string[][] = [];
  const result = await withoutMissingEnis(['eni-1', 'eni-2', 'eni-3', 'eni-4', 'eni-1'], (ids) => {
    asked.push([...ids]);
    const gone = ids.find((id) => !known.has(id));
    return gone === undefined ? Promise.resolve([...ids]) : Promise.reject(notFound(`The networkInterface ID '${gone}' does not exist`));
  });
  assert.deepEqual(result, { found: ['eni-1', 'eni-3'], missing: ['eni-2', 'eni-4'] });
  assert.deepEqual(asked, [['eni-1', 'eni-2', 'eni-3', 'eni-4'], ['eni-1', 'eni-3', 'eni-4'], ['eni-1', 'eni-3']]);
});

test('withoutMissingEnis() makes no call for no ids, and none left when every id is gone', async () => {
  let calls = 0;
  assert.deepEqual(await withoutMissingEnis([], () => Promise.resolve([calls++])), { found: [], missing: [] });
  const gone = await withoutMissingEnis(['eni-9'], () => {
    calls++;
    return Promise.reject(notFound("The networkInterface ID 'eni-9' does not exist"));
  });
  assert.deepEqual(gone, { found: [], missing: ['eni-9'] });
  assert.equal(calls, 1);
});

test('withoutMissingEnis() passes other errors through', async () => {
  const denied = toEc2Error('DescribeNetworkInterfaces', serviceError('UnauthorizedOperation', 403));
  await assert.rejects(withoutMissingEnis(['eni-1'], () => Promise.reject(denied)), (error) => error === denied);
});
