import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialQueue } from './serial-queue.ts';

test('SerialQueue.run() runs tasks one at a time in order', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  const task = (name: string, ms: number) => async () => {
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([queue.run(task('a', 20)), queue.run(task('b', 1)), queue.run(task('c', 5))]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('SerialQueue.run() keeps going after a failing task', async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => Promise.reject(new Error('boom')));
  const next = queue.run(() => Promise.resolve(42));
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 42);
});

test('SerialQueue.idle() waits for every task queued before it', async () => {
  const queue = new SerialQueue();
  let done = false;
  void queue.run(async () => {
    await sleep(10);
    done = true;
  });
  await queue.idle();
  assert.ok(done);
});
