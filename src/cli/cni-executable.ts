import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is src/cli/cni-executable.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Where `npm run build:cni` puts the plugin executable. */
export const DIST_CNI_EXECUTABLE = join(REPO_ROOT, 'dist/vpcnet-cni');

async function newestSourceMs(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The vpcnet-cni executable for the lab's nodes: `dist/vpcnet-cni`, built first (scripts/build-cni.ts)
 * when it is missing or older than the sources. Returns its path and whether it was built now.
 */
export async function ensureCniExecutable(): Promise<{ path: string; built: boolean }> {
  const built = await mtimeMs(DIST_CNI_EXECUTABLE);
  if (built !== undefined && built >= (await newestSourceMs(join(REPO_ROOT, 'src')))) return { path: DIST_CNI_EXECUTABLE, built: false };
  await run(process.execPath, [join(REPO_ROOT, 'scripts/build-cni.ts')], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return { path: DIST_CNI_EXECUTABLE, built: true };
}
