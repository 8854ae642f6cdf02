/**
 * `ip -batch -` in the host namespace or in a pod's, with per-line tolerance of "already there" and
 * "already gone" failures, so that ADD can be repeated and DEL can run on a half-deleted pod.
 *
 * A pod namespace arrives as a path (`CNI_NETNS`). `ip -n NAME` only takes names under /var/run/netns, so a
 * path there becomes `ip -n <name>` (one exec); any other path (docker's /var/run/docker/netns/x,
 * /proc/<pid>/ns/net) goes through `nsenter --net=<path> ip` (~1 ms more). `ip link ... netns <path>`
 * accepts a path as it is.
 */
import type { CommandRunner } from '../ports/command-runner.ts';

/** What a failing line may fail with without failing the batch. */
export type Tolerance = 'none' | 'exists' | 'missing';

/** One `ip` command without the leading `ip`, e.g. `route replace 10.0.0.5/32 dev eni1 scope link`. */
export interface BatchLine {
  readonly command: string;
  readonly tolerate?: Tolerance;
}

/** Where a batch runs: the host (the plugin's own namespace) or a pod namespace path. */
export type NetnsTarget = { readonly kind: 'host' } | { readonly kind: 'pod'; readonly path: string };

/** The host namespace. */
export const HOST: NetnsTarget = Object.freeze({ kind: 'host' });

/** A pod namespace given by `CNI_NETNS`. */
export function podNetns(path: string): NetnsTarget {
  return { kind: 'pod', path };
}

/** A batch line that failed for a reason it did not tolerate, or a batch that could not run at all. */
export class NetnsBatchError extends Error {
  /** The namespace could not be entered (deleted pod): nothing in the batch ran. */
  readonly netnsGone: boolean;

  constructor(message: string, netnsGone: boolean) {
    super(message);
    this.name = 'NetnsBatchError';
    this.netnsGone = netnsGone;
  }
}

const NAMED_NETNS = /^(?:\/var)?\/run\/netns\/([^/]+)$/;
const PATTERNS: Readonly<Record<Exclude<Tolerance, 'none'>, RegExp>> = {
  exists: /File exists/,
  missing: /No such file or directory|No such process|Cannot find device|does not exist/,
};
const NETNS_GONE = /Cannot open network namespace|nsenter: cannot open|nsenter: reassociate to namespace/;

/** The program and leading arguments that run `ip` in `target`. */
export function ipInvocation(target: NetnsTarget): { readonly file: string; readonly args: readonly string[] } {
  if (target.kind === 'host') return { file: 'ip', args: [] };
  const name = NAMED_NETNS.exec(target.path)?.[1];
  if (name !== undefined) return { file: 'ip', args: ['-n', name] };
  return { file: 'nsenter', args: [`--net=${target.path}`, 'ip'] };
}

/** Line number (1-based) -> what `ip -force -batch` printed for it, read from stderr. */
export function failedLines(stderr: string): Map<number, string> {
  const failures = new Map<number, string>();
  let pending: string[] = [];
  for (const line of stderr.split('\n')) {
    const failed = /^Command failed -:(\d+)\s*$/.exec(line);
    if (failed?.[1] === undefined) {
      if (line.trim() !== '') pending.push(line.trim());
      continue;
    }
    failures.set(Number(failed[1]), pending.join('; '));
    pending = [];
  }
  return failures;
}

function describeTarget(target: NetnsTarget): string {
  return target.kind === 'host' ? 'the host namespace' : `netns ${target.path}`;
}

/**
 * Runs `lines` in one `ip -force -batch -` in `target` and returns its stdout (with `json`, one JSON array per
 * line that printed something). Throws `NetnsBatchError` naming each failed line whose failure it does not
 * tolerate, or when the namespace cannot be entered.
 */
export async function runNetnsBatch(runner: CommandRunner, target: NetnsTarget, lines: readonly BatchLine[], json = false): Promise<string> {
  if (lines.length === 0) return '';
  const { file, args } = ipInvocation(target);
  const input = `${lines.map((line) => line.command).join('\n')}\n`;
  const result = await runner.run(file, [...args, ...(json ? ['-json'] : []), '-force', '-batch', '-'], { input });
  if (result.code === 0) return result.stdout;
  const failures = failedLines(result.stderr);
  if (failures.size === 0) {
    const gone = NETNS_GONE.test(result.stderr);
    throw new NetnsBatchError(`cannot run ip in ${describeTarget(target)}: ${result.stderr.trim() || `exit ${result.code}`}`, gone);
  }
  const fatal = [...failures].filter(([number, text]) => {
    const tolerate = lines[number - 1]?.tolerate ?? 'none';
    return tolerate === 'none' || !PATTERNS[tolerate].test(text);
  });
  if (fatal.length > 0) {
    const described = fatal.map(([number, text]) => `"ip ${lines[number - 1]?.command ?? '?'}": ${text}`).join('; ');
    throw new NetnsBatchError(`ip failed in ${describeTarget(target)}: ${described}`, false);
  }
  return result.stdout;
}

/**
 * Runs `show` commands (e.g. `route show table main`) as one `ip -json -force -batch -` in `target`; each
 * entry is the parsed JSON list that command printed, or undefined when it failed (device not found...).
 * Throws `NetnsBatchError` when the namespace cannot be entered.
 */
export async function queryNetns(runner: CommandRunner, target: NetnsTarget, commands: readonly string[]): Promise<Array<readonly unknown[] | undefined>> {
  const { file, args } = ipInvocation(target);
  const result = await runner.run(file, [...args, '-json', '-force', '-batch', '-'], { input: `${commands.join('\n')}\n` });
  const failures = result.code === 0 ? new Map<number, string>() : failedLines(result.stderr);
  if (result.code !== 0 && failures.size === 0) {
    throw new NetnsBatchError(`cannot run ip in ${describeTarget(target)}: ${result.stderr.trim() || `exit ${result.code}`}`, NETNS_GONE.test(result.stderr));
  }
  const outputs = result.stdout.split('\n').filter((line) => line.trim() !== '');
  return commands.map((_, index) => {
    if (failures.has(index + 1)) return undefined;
    const parsed: unknown = JSON.parse(outputs.shift() ?? '[]');
    return Array.isArray(parsed) ? parsed : undefined;
  });
}
