import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecFileRunner } from './exec-file-runner.ts';

const runner = new ExecFileRunner();

test('ExecFileRunner.run() returns stdout and exit code 0', async () => {
  const result = await runner.run('/bin/echo', ['hello', 'world']);
  assert.deepEqual(result, { code: 0, stdout: 'hello world\n', stderr: '' });
});

test('ExecFileRunner.run() feeds input on stdin', async () => {
  const result = await runner.run('/bin/cat', [], { input: 'line one\nline two\n' });
  assert.equal(result.stdout, 'line one\nline two\n');
});

test('ExecFileRunner.run() reports a non-zero exit status with stderr instead of throwing', async () => {
  const result = await runner.run('/bin/sh', ['-c', 'echo oops >&2; exit 3']);
  assert.equal(result.code, 3);
  assert.equal(result.stderr, 'oops\n');
});

test('ExecFileRunner.run() passes arguments without a shell', async () => {
  const result = await runner.run('/bin/echo', ['$HOME; rm -rf /', '*']);
  assert.equal(result.stdout, '$HOME; rm -rf / *\n');
});

test('ExecFileRunner.run() gives code -1 for a program that does not exist', async () => {
  const result = await runner.run('/nonexistent/program', []);
  assert.equal(result.code, -1);
  assert.match(result.stderr, /ENOENT/);
});

test('ExecFileRunner.run() tolerates a program that ignores its input', async () => {
  const result = await runner.run('/bin/true', [], { input: 'x'.repeat(1024 * 1024) });
  assert.equal(result.code, 0);
});
