import { mkdirSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { createStream } from 'rotating-file-stream';
import type { RotatingFileStream } from 'rotating-file-stream';

/** Size-based rotation, as upstream's lumberjack settings (100 MB, 5 backups, gzip). */
export interface RotationPolicy {
  /** Rotate once the file reaches this size; defaults to 100 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept; defaults to 5. */
  readonly maxFiles?: number;
  /** Gzip rotated files; defaults to true. */
  readonly compress?: boolean;
}

/** Upstream's rotation: lumberjack `MaxSize: 100` (MB), `MaxBackups: 5`, `Compress: true`. */
export const UPSTREAM_ROTATION: Required<RotationPolicy> = { maxBytes: 100 * 1024 * 1024, maxFiles: 5, compress: true };

/**
 * A rotated file's name as lumberjack writes it: `ipamd-2025-03-24T06-01-36.088.log` (UTC), plus `.gz` when
 * compressed; `-2`, `-3`... before the extension when several rotations share a millisecond.
 */
export function rotatedName(fileName: string, time: Date, index: number): string {
  const extension = extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  const stamp = time.toISOString().replace(/:/g, '-').replace(/Z$/, '');
  return `${stem}-${stamp}${index > 1 ? `-${index}` : ''}${extension}`;
}

/**
 * Opens `path` for appending with size rotation; creates its directory (0755). The history of rotated
 * files is kept in a hidden `.<name>.history` file beside it.
 */
export function openRotatingLogFile(path: string, policy: RotationPolicy = {}): RotatingFileStream {
  const directory = dirname(path);
  const fileName = basename(path);
  const compress = policy.compress ?? UPSTREAM_ROTATION.compress;
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  const generator = (time: Date | number | null, index?: number): string => {
    if (!(time instanceof Date)) return fileName;
    return rotatedName(fileName, time, index ?? 1) + (compress ? '.gz' : '');
  };
  return createStream(generator, {
    path: directory,
    size: `${policy.maxBytes ?? UPSTREAM_ROTATION.maxBytes}B`,
    maxFiles: policy.maxFiles ?? UPSTREAM_ROTATION.maxFiles,
    history: `.${fileName}.history`,
    ...(compress ? { compress: 'gzip' } : {}),
  });
}
