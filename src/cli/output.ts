/** Where a command writes: injected so commands can be run and checked in-process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Writes to the process's stdout and stderr. */
export function processOutput(): Output {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}
