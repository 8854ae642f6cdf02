import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CheckpointStore } from '../../ports/checkpoint-store.ts';

/** Mode of the directory created for the checkpoint (upstream DaemonSet: hostPath DirectoryOrCreate). */
const DIRECTORY_MODE = 0o755;
/** Mode of the checkpoint file: what Go's `os.CreateTemp` gives upstream's `ipam.json`. */
const FILE_MODE = 0o600;

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // Already gone, or cannot be removed: the stray file is harmless (readers only look at the real path).
  }
}

/** Makes a rename durable: fsync the directory that holds the entry. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The checkpoint as one file (upstream `/var/run/aws-node/ipam.json`), replaced atomically: the text goes to
 * `<path>.tmp<random>` in the same directory (as upstream's `ipam.json.tmp*`), is fsynced, renamed over the
 * file, and the directory is fsynced. A crash at any point leaves the old or the new text, never a mix.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** The file's text, or undefined when there is no file yet (a fresh node). */
  async read(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Replaces the file with `text`, creating its directory (0755) if needed. */
  async write(text: string): Promise<void> {
    const directory = dirname(this.path);
    if ((await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE })) !== undefined) await chmod(directory, DIRECTORY_MODE);
    const temporary = join(directory, `${basename(this.path)}.tmp${randomBytes(8).toString('hex')}`);
    try {
      const handle = await open(temporary, 'wx', FILE_MODE);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await removeQuietly(temporary);
      throw error;
    }
    await syncDirectory(directory);
  }

  /**
   * Deletes `<path>.tmp*` files a crash left behind (upstream's too). Call once at startup, before the first
   * write: a concurrent writer's temporary file would be deleted too.
   */
  async removeStaleTemporaryFiles(): Promise<string[]> {
    const directory = dirname(this.path);
    const prefix = `${basename(this.path)}.tmp`;
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const stale = names.filter((name) => name.startsWith(prefix)).map((name) => join(directory, name));
    await Promise.all(stale.map(removeQuietly));
    return stale;
  }
}
