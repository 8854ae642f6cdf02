import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const MODULE = new URL('./read-stdin.ts', import.meta.url).href;

/** Runs a child that prints what readStdinSync() read; writes `chunks` to it slowly. */
async function echoThroughChild(chunks: readonly string[], touchStdinFirst: boolean): Promise<string> {
  const touch = touchStdinFirst ? 'void process.stdin.isTTY;' : '';
  const script = `${touch} const { readStdinSync } = await import(${JSON.stringify(MODULE)}); process.stdout.write(readStdinSync());`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  for (const chunk of chunks) {
    await sleep(150);
    child.stdin.write(chunk);
  }
  child.stdin.end();
  assert.equal(await exited, 0);
  return output;
}

test('readStdinSync() waits for a writer that is slow to send the config', async () => {
  assert.equal(await echoThroughChild(['{"cniVersion":', '"1.0.0"}'], false), '{"cniVersion":"1.0.0"}');
});

test('readStdinSync() reads a non-blocking stdin (EAGAIN) to the end', async () => {
  assert.equal(await echoThroughChild(['{"name":', '"aws-cni"}'], true), '{"name":"aws-cni"}');
});
