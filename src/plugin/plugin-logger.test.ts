import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PluginFileLogger } from './plugin-logger.ts';

const dir = await mkdtemp(join(tmpdir(), 'vpcnet-plugin-log-'));
after(() => rm(dir, { recursive: true, force: true }));

async function lines(file: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('PluginFileLogger appends level, ts, caller, msg and the fields as one JSON line, creating the directory', async () => {
  const file = join(dir, 'nested', 'aws-routed-eni', 'plugin.log');
  const logger = new PluginFileLogger({ file, level: 'debug', caller: 'vpcnet-cni/ADD', now: () => new Date('2026-01-02T03:04:05.678Z') });
  logger.info('Assigned addresses', { pod: 'default/web-1', error: new Error('boom'), msg: 'cannot override' });
  logger.debug('second');
  assert.deepEqual(await lines(file), [
    { level: 'info', ts: '2026-01-02T03:04:05.678Z', caller: 'vpcnet-cni/ADD', msg: 'Assigned addresses', pod: 'default/web-1', error: 'boom' },
    { level: 'debug', ts: '2026-01-02T03:04:05.678Z', caller: 'vpcnet-cni/ADD', msg: 'second' },
  ]);
});

test('PluginFileLogger leaves out lines below its level', async () => {
  const file = join(dir, 'levels.log');
  const logger = new PluginFileLogger({ file, level: 'warn', caller: 'vpcnet-cni/DEL' });
  logger.debug('no');
  logger.info('no');
  logger.warn('yes');
  logger.error('yes too');
  assert.deepEqual((await lines(file)).map((line) => line.level), ['warn', 'error']);
});

test('PluginFileLogger never throws when the file cannot be written', () => {
  const logger = new PluginFileLogger({ file: '/proc/version/not-a-dir/plugin.log', level: 'debug', caller: 'x' });
  assert.doesNotThrow(() => logger.error('lost'));
});
