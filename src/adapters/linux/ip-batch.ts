import type { CommandResult, CommandRunner, RunOptions } from '../../ports/command-runner.ts';

/** A command that exited with a non-zero status, with what it said. */
export class CommandFailedError extends Error {
  readonly result: CommandResult;

  constructor(command: string, result: CommandResult) {
    super(`${command} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'CommandFailedError';
    this.result = result;
  }
}

/** Runs a command and throws `CommandFailedError` unless it exits with 0; returns its stdout. */
export async function runChecked(runner: CommandRunner, file: string, args: readonly string[], options?: RunOptions): Promise<string> {
  const result = await runner.run(file, args, options);
  if (result.code !== 0) throw new CommandFailedError([file, ...args].join(' '), result);
  return result.stdout;
}

/** Where and how to run an `ip -batch`. */
export interface IpBatchOptions {
  /** A named network namespace (`ip -n NAME`); the caller's namespace when absent. */
  readonly netns?: string;
  /** Keep going after a failing line (`-force`); the batch still fails if any line failed. */
  readonly force?: boolean;
  /** The `ip` binary; `ip` from PATH by default. */
  readonly ipPath?: string;
}

/**
 * Runs many `ip` commands (each without the leading `ip`, e.g. `route replace 10.0.0.5/32 dev eth1`) in
 * one `ip -batch -` process, which costs about as much as a single `ip` call. Does nothing for no commands.
 */
export async function ipBatch(runner: CommandRunner, commands: readonly string[], options: IpBatchOptions = {}): Promise<void> {
  if (commands.length === 0) return;
  const args = [...(options.netns === undefined ? [] : ['-n', options.netns]), ...(options.force === true ? ['-force'] : []), '-batch', '-'];
  await runChecked(runner, options.ipPath ?? 'ip', args, { input: `${commands.join('\n')}\n` });
}
