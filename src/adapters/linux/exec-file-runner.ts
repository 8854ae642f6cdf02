import { execFile } from 'node:child_process';
import type { CommandResult, CommandRunner, RunOptions } from '../../ports/command-runner.ts';

/** Largest output kept per stream; `ip route show` of a big lab stays far below it. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * A `CommandRunner` on `child_process.execFile`: no shell, arguments passed as they are. A non-zero exit
 * is a result, not an exception; a program that cannot be started gives code -1 and the reason in stderr.
 */
export class ExecFileRunner implements CommandRunner {
  /** Runs `file` with `args`, feeding `options.input` on stdin when given. */
  run(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return new Promise((resolve) => {
      const child = execFile(file, [...args], { encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES }, (error, stdout, stderr) => {
        resolve({ code: exitCode(error), stdout, stderr: error !== null && stderr === '' ? error.message : stderr });
      });
      child.stdin?.on('error', () => {
        // The program may exit without reading its input (EPIPE): its exit status tells the story.
      });
      child.stdin?.end(options.input ?? '');
    });
  }
}

function exitCode(error: (Error & { code?: unknown }) | null): number {
  if (error === null) return 0;
  return typeof error.code === 'number' ? error.code : -1;
}
