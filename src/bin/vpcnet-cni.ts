#!/usr/bin/env node
// Composition root of the CNI plugin (`vpcnet-cni`, also installed as `aws-cni`): the only place that reads
// process.env and stdin, writes stdout and sets the exit code. No top-level await: the bundle is CommonJS,
// which a Node 24 single-executable application requires.
import { randomBytes } from 'node:crypto';
import { ExecFileRunner } from '../adapters/linux/exec-file-runner.ts';
import { connectIpamd } from '../plugin/ipamd-connection.ts';
import { PluginFileLogger } from '../plugin/plugin-logger.ts';
import { writeProcSys } from '../plugin/proc-sys.ts';
import { readStdinSync } from '../plugin/read-stdin.ts';
import { runCni } from '../plugin/run-cni.ts';

runCni(
  { env: process.env, stdin: readStdinSync() },
  {
    runner: new ExecFileRunner(),
    ipamd: (socketPath) => connectIpamd(socketPath),
    logger: (target) => new PluginFileLogger(target),
    random: (size) => randomBytes(size),
    sysctl: writeProcSys,
  },
).then(
  // Exit once stdout is flushed, whatever handles a slow daemon connection may leave open.
  ({ stdout, exitCode }) => process.stdout.write(stdout, () => process.exit(exitCode)),
  () => process.exit(1),
);
