import { setTimeout as sleep } from 'node:timers/promises';
import { ipBatch, runChecked } from '../../adapters/linux/ip-batch.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';

/** Names of every network namespace `ip netns` knows, in `ip netns list` order. */
export async function listNamespaces(runner: CommandRunner): Promise<string[]> {
  const out = await runChecked(runner, 'ip', ['netns', 'list']);
  return out.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((name) => name !== '');
}

/** Creates a namespace with its loopback up. */
export async function addNamespace(runner: CommandRunner, name: string): Promise<void> {
  await runChecked(runner, 'ip', ['netns', 'add', name]);
  await ipBatch(runner, ['link set lo up'], { netns: name });
}

/** PIDs of the processes whose network namespace is this one. */
export async function namespacePids(runner: CommandRunner, name: string): Promise<number[]> {
  const result = await runner.run('ip', ['netns', 'pids', name]);
  if (result.code !== 0) return [];
  return result.stdout.split('\n').map((line) => Number(line.trim())).filter((pid) => Number.isInteger(pid) && pid > 0);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Sends SIGTERM to these exact PIDs, then SIGKILL to any still alive after `graceMs`. */
export async function killPids(pids: readonly number[], graceMs = 500): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(20);
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
}

/**
 * Deletes a namespace after ending every process still inside it (a process keeps a namespace, and its
 * links, alive after `ip netns del`). A namespace that is already gone is fine.
 */
export async function deleteNamespace(runner: CommandRunner, name: string): Promise<void> {
  await killPids(await namespacePids(runner, name));
  const result = await runner.run('ip', ['netns', 'del', name]);
  if (result.code !== 0 && !/No such file|Cannot remove namespace file/.test(result.stderr)) {
    throw new Error(`ip netns del ${name} failed: ${result.stderr.trim()}`);
  }
}

/** Sets sysctls inside a namespace (`key=value` pairs such as `net.ipv4.ip_forward=1`). */
export async function setSysctls(runner: CommandRunner, namespace: string, settings: readonly string[]): Promise<void> {
  await runChecked(runner, 'ip', ['netns', 'exec', namespace, 'sysctl', '-q', '-w', ...settings]);
}
