#!/usr/bin/env node
// Composition root of the `vpcnet` CLI: the only place that touches argv, signals and the exit code.
import { CommanderError } from 'commander';
import { buildProgram } from '../cli/program.ts';
import { processOutput } from '../cli/output.ts';

const output = processOutput();

/** Waits until stdout and stderr have handed everything to the OS (writes to a pipe are asynchronous). */
async function flushOutput(): Promise<void> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
}
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
  await flushOutput();
  process.exit(exitCode);
} catch (error) {
  // Commander has already printed its own usage errors and help.
  if (error instanceof CommanderError) {
    await flushOutput();
    process.exit(error.exitCode);
  }
  output.err(`vpcnet: ${error instanceof Error ? error.message : String(error)}`);
  await flushOutput();
  process.exit(1);
}
