/** What a finished command reported. `code` is the exit status, or -1 when it was killed or failed to start. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one command run. */
export interface RunOptions {
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
}

/** Runs a program with arguments (never through a shell) and reports its exit status and output. */
export interface CommandRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
}
