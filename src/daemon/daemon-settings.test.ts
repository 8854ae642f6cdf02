import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/config/index.ts';
import { HOST_LOG_FILE, readDaemonSettings } from './daemon-settings.ts';

const noFile = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

test('readDaemonSettings() defaults to upstream names and the host log path', () => {
  const settings = readDaemonSettings({}, ['node', 'vpcnet-ipamd'], noFile);
  assert.equal(settings.config.log.file, HOST_LOG_FILE);
  assert.equal(settings.socketPath, '/var/run/aws-node/vpcnet-ipamd.sock');
  assert.equal(settings.addWaitMs, 10_000);
  assert.equal(settings.metricsPort, 61678);
  assert.equal(settings.config.warmTargets.warmEniTarget, 1);
});

test('readDaemonSettings() reads --config and lets the environment win', () => {
  const files: Record<string, string> = { '/etc/vpcnet/ipamd.env': 'WARM_IP_TARGET=5\nMINIMUM_IP_TARGET=10\nVPCNET_ADD_WAIT_MS=2000\n' };
  const settings = readDaemonSettings({ MINIMUM_IP_TARGET: '3' }, ['node', 'x', '--config', '/etc/vpcnet/ipamd.env'], (p) => files[p] ?? noFile(p));
  assert.equal(settings.config.warmTargets.warmIpTarget, 5);
  assert.equal(settings.config.warmTargets.minimumIpTarget, 3);
  assert.equal(settings.addWaitMs, 2000);
});

test('readDaemonSettings() refuses a missing file and invalid vpcnet settings with the name', () => {
  assert.throws(() => readDaemonSettings({ VPCNET_CONFIG_FILE: '/nope' }, [], noFile), (e) => e instanceof ConfigError && /--config "\/nope"/.test(e.message));
  assert.throws(() => readDaemonSettings({ VPCNET_ADD_WAIT_MS: 'soon' }, [], noFile), /VPCNET_ADD_WAIT_MS "soon"/);
  assert.throws(() => readDaemonSettings({ WARM_ENI_TARGET: 'x' }, [], noFile), /WARM_ENI_TARGET/);
});
