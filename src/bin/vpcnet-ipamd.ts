#!/usr/bin/env node
// Composition root of vpcnet-ipamd: the only place that reads the environment, argv and signals.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/config/index.ts';
import { runDaemonProcess } from '../daemon/daemon-process.ts';
import { readDaemonSettings } from '../daemon/daemon-settings.ts';

let settings;
try {
  settings = readDaemonSettings(process.env, process.argv, (path) => readFileSync(path, 'utf8'));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`vpcnet-ipamd: refusing to start: ${error.message}\n`);
  process.exit(1);
}
const stopped = new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});
process.exit(await runDaemonProcess({ ...settings, stopped }));
