import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCallSites } from 'node:util';
import { after, test } from 'node:test';
import { createLogger } from './pino-logger.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-log-'));
after(() => rm(dir, { recursive: true, force: true }));

const FIXED = { now: () => Date.UTC(2025, 2, 24, 6, 1, 36, 88) };

async function linesOf(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('createLogger() writes upstream zap-shaped JSON lines: level, ts, caller, msg, then fields', async () => {
  const path = join(dir, 'shape', 'ipamd.log');
  const logger = createLogger({ file: path, level: 'debug', clock: FIXED });
  logger.info('Starting L-IPAMD', { version: 'v0.1.0', enis: 3, nested: { a: [1, 2] } }); const line = getCallSites(1)[0]?.lineNumber;
  logger.debug('debug line');
  logger.warn('warn line');
  logger.error('error line', { error: new Error('boom') });
  await logger.close();
  const text = await readFile(path, 'utf8');
  const first = text.split('\n')[0];
  assert.equal(first, `{"level":"info","ts":"2025-03-24T06:01:36.088Z","caller":"log/pino-logger.test.ts:${line}","msg":"Starting L-IPAMD","version":"v0.1.0","enis":3,"nested":{"a":[1,2]}}`);
  const lines = await linesOf(path);
  assert.deepEqual(lines.map((entry) => entry.level), ['info', 'debug', 'warn', 'error']);
  assert.equal(lines[3]?.error, 'boom', 'an Error field is written as its message');
});

test('createLogger() drops lines below the level', async () => {
  const path = join(dir, 'level.log');
  const logger = createLogger({ file: path, level: 'warn' });
  logger.debug('no');
  logger.info('no');
  logger.warn('yes');
  logger.error('yes');
  await logger.close();
  assert.deepEqual((await linesOf(path)).map((entry) => entry.msg), ['yes', 'yes']);
  const fatal = join(dir, 'fatal.log');
  const quiet = createLogger({ file: fatal, level: 'fatal' });
  quiet.error('no');
  await quiet.close();
  assert.equal(await readFile(fatal, 'utf8'), '');
});

test('createLogger() renames fields that would overwrite the line keys', async () => {
  const path = join(dir, 'reserved.log');
  const logger = createLogger({ file: path, level: 'info', clock: FIXED });
  logger.info('real message', { msg: 'field', level: 'field', ts: 1, caller: 'x', ok: undefined });
  await logger.close();
  const [line] = await linesOf(path);
  assert.deepEqual(line, {
    'level': 'info',
    'ts': '2025-03-24T06:01:36.088Z',
    'caller': line?.caller,
    'msg': 'real message',
    'field.msg': 'field',
    'field.level': 'field',
    'field.ts': 1,
    'field.caller': 'x',
  });
});

test('createLogger() creates the log directory and flush() makes lines readable', async () => {
  const path = join(dir, 'var', 'log', 'aws-routed-eni', 'ipamd.log');
  const logger = createLogger({ file: path, level: 'info' });
  assert.ok((await stat(join(dir, 'var', 'log', 'aws-routed-eni'))).isDirectory());
  for (let index = 0; index < 100; index++) logger.info('line', { index });
  await logger.flush();
  assert.equal((await linesOf(path)).length, 100);
  await logger.close();
  logger.info('after close');
  await logger.close();
  assert.equal((await linesOf(path)).length, 100, 'lines after close() are dropped, not crashing');
});

test('createLogger() writes to stdout or stderr as asked', () => {
  const script = (target: string): string =>
    `import { createLogger } from ${JSON.stringify(new URL('./pino-logger.ts', import.meta.url).href)};` +
    `const log = createLogger({ file: ${JSON.stringify(target)}, level: 'info' }); log.info('hello', { to: ${JSON.stringify(target)} });`;
  for (const [target, stream] of [['stdout', 'stdout'], ['STDERR', 'stderr'], ['', 'stderr']] as const) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script(target)], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const line = JSON.parse(child[stream].trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'hello');
    assert.equal(line.level, 'info');
    assert.equal(child[stream === 'stdout' ? 'stderr' : 'stdout'].trim(), '');
  }
});

test('createLogger() falls back to stderr when the log file cannot be written', () => {
  const script =
    `import { mkdirSync } from 'node:fs';` +
    `import { createLogger } from ${JSON.stringify(new URL('./pino-logger.ts', import.meta.url).href)};` +
    `const path = ${JSON.stringify(join(dir, 'blocked', 'ipamd.log'))}; mkdirSync(path, { recursive: true });` +
    `const log = createLogger({ file: path, level: 'info' }); log.info('first');` +
    `setTimeout(() => log.info('second'), 200);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const lines = child.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines[0]?.msg, 'Cannot write the log file; logging to stderr');
  assert.ok(lines.some((line) => line.msg === 'second'), 'later lines are not lost');
});

test('createLogger() throws when the log directory cannot be created', async () => {
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  assert.throws(() => createLogger({ file: join(file, 'sub', 'ipamd.log'), level: 'info' }), /ENOTDIR|EEXIST/);
});
