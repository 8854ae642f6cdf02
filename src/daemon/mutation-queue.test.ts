import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutationQueue } from './mutation-queue.ts';

test('MutationQueue.run() runs tasks one at a time in queue order', async () => {
  const queue = new MutationQueue();
  const events: string[] = [];
  const task = (name: string, ms: number) => async () => {
    events.push(`start ${name}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    events.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([queue.run(task('a', 20)), queue.run(task('b', 1)), queue.run(() => 'c')]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b']);
});

test('MutationQueue.run() passes a task\'s error to its caller only and goes on', async () => {
  const queue = new MutationQueue();
  const failed = queue.run(() => {
    throw new Error('boom');
  });
  const next = queue.run(() => 42);
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 42);
  await queue.idle();
  assert.equal(queue.pending, 0);
});
