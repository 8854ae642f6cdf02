/**
 * Kernel settings of the plugin's own network namespace, written straight to /proc/sys (about 0.1 ms, where
 * spawning `sysctl` costs a process). Only correct when the plugin runs in the host namespace, which is where
 * a runtime runs it; tests that point the runner at another namespace use `sysctlThroughRunner` instead.
 */
import { writeFileSync } from 'node:fs';
import type { CommandRunner } from '../ports/command-runner.ts';

/** Sets sysctls given as `net/ipv6/conf/<if>/accept_ra` -> '0'; keys that do not exist (IPv6 off) are skipped. */
export type SysctlWriter = (settings: ReadonlyMap<string, string>) => Promise<void>;

/** Writes each setting to /proc/sys/<key> in this process's namespace. */
export const writeProcSys: SysctlWriter = (settings) => {
  for (const [key, value] of settings) {
    try {
      writeFileSync(`/proc/sys/${key}`, value);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return Promise.reject(new Error(`cannot set ${key}=${value}: ${(error as Error).message}`));
    }
  }
  return Promise.resolve();
};

/** Sets the sysctls with one `sysctl -q -e -w` run through `runner` (in whatever namespace it runs in). */
export function sysctlThroughRunner(runner: CommandRunner): SysctlWriter {
  return async (settings) => {
    const result = await runner.run('sysctl', ['-q', '-e', '-w', ...[...settings].map(([key, value]) => `${key}=${value}`)]);
    if (result.code !== 0) throw new Error(`cannot set the host veth sysctls: ${result.stderr.trim() || `sysctl exited with ${result.code}`}`);
  };
}
