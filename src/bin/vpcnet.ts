#!/usr/bin/env node
// Composition root of the `vpcnet` CLI: the only place that touches argv, signals and the exit code.
import { CommanderError } from 'commander';
import { buildProgram } from '../cli/program.ts';
import { processOutput } from '../cli/output.ts';

const output = processOutput();
const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

try {
  let exitCode = 0;
  const context = {
    output, stopped, setExitCode: (code: number) => { exitCode = code; },
    labHomeDir: process.env.VPCNET_LAB_HOME, selfCommand: [process.execPath, import.meta.filename],
  };
  await buildProgram(context).parseAsync(process.argv);
  process.exit(exitCode);
} catch (error) {
  // Commander has already printed its own usage errors and help.
  if (error instanceof CommanderError) process.exit(error.exitCode);
  output.err(`vpcnet: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
