import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createLogger } from './pino-logger.ts';
import { rotatedName, UPSTREAM_ROTATION } from './rotating-log-file.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-rotate-'));
after(() => rm(dir, { recursive: true, force: true }));

test('rotatedName() names backups as lumberjack does, in UTC', () => {
  const time = new Date(Date.UTC(2025, 2, 24, 6, 1, 36, 88));
  assert.equal(rotatedName('ipamd.log', time, 1), 'ipamd-2025-03-24T06-01-36.088.log');
  assert.equal(rotatedName('ipamd.log', time, 3), 'ipamd-2025-03-24T06-01-36.088-3.log');
  assert.equal(rotatedName('plugin', time, 1), 'plugin-2025-03-24T06-01-36.088');
});

test('UPSTREAM_ROTATION is lumberjack 100 MB, 5 backups, gzip', () => {
  assert.deepEqual(UPSTREAM_ROTATION, { maxBytes: 100 * 1024 * 1024, maxFiles: 5, compress: true });
});

test('createLogger() rotates by size, gzips backups and keeps only the newest five, losing no line among them', async () => {
  const path = join(dir, 'gzip', 'ipamd.log');
  const logger = createLogger({ file: path, level: 'info', rotation: { maxBytes: 2000, maxFiles: 5 } });
  const total = 400;
  for (let index = 0; index < total; index++) {
    logger.info('Assigned IP', { index, padding: 'x'.repeat(60) });
    if (index % 50 === 49) await logger.flush();
  }
  await logger.close();
  const names = await readdir(join(dir, 'gzip'));
  const backups = names.filter((name) => /^ipamd-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}(-\d+)?\.log\.gz$/.test(name)).sort();
  assert.equal(backups.length, 5, names.join(' '));
  assert.deepEqual(names.filter((name) => !backups.includes(name)).sort(), ['.ipamd.log.history', 'ipamd.log']);
  const indexes: number[] = [];
  for (const name of backups) {
    const text = gunzipSync(await readFile(join(dir, 'gzip', name))).toString('utf8');
    assert.ok(text.length >= 2000 && text.length < 2000 + 200, `${name} holds about the size limit (${text.length} bytes)`);
    for (const line of text.trimEnd().split('\n')) indexes.push((JSON.parse(line) as { index: number }).index);
  }
  const current = await readFile(path, 'utf8');
  for (const line of current.split('\n').filter((text) => text !== '')) indexes.push((JSON.parse(line) as { index: number }).index);
  indexes.sort((a, b) => a - b);
  const first = indexes[0] ?? -1;
  assert.deepEqual(indexes, Array.from({ length: total - first }, (_, offset) => first + offset), 'the kept files hold the newest lines, none missing');
  assert.ok(first > 0, 'older backups were removed');
});

test('createLogger() can keep backups uncompressed', async () => {
  const path = join(dir, 'plain', 'ipamd.log');
  const logger = createLogger({ file: path, level: 'info', rotation: { maxBytes: 500, maxFiles: 2, compress: false } });
  for (let index = 0; index < 40; index++) logger.info('line', { index, padding: 'y'.repeat(40) });
  await logger.close();
  const backups = (await readdir(join(dir, 'plain'))).filter((name) => name.startsWith('ipamd-'));
  assert.equal(backups.length, 2);
  for (const name of backups) {
    assert.ok(name.endsWith('.log'));
    const first = (await readFile(join(dir, 'plain', name), 'utf8')).split('\n')[0] ?? '';
    assert.equal((JSON.parse(first) as { msg: string }).msg, 'line');
  }
});
