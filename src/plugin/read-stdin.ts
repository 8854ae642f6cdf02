/**
 * Reads all of standard input synchronously. `process.stdin` is deliberately not touched: creating it makes
 * fd 0 non-blocking, after which a plain `readFileSync(0)` fails with EAGAIN whenever the runtime has not
 * written the config yet (seen under 30 concurrent ADDs). A descriptor inherited non-blocking is handled
 * too: EAGAIN waits a millisecond and reads again. A terminal (any character device) or a closed stdin reads
 * as ''. `node:tty` is not used: loading it costs ~5 ms of start-up (it pulls in `node:net`).
 */
import { fstatSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;

/** All bytes until end of file on `fd` (default 0), as UTF-8. */
export function readStdinSync(fd = 0): string {
  try {
    if (fstatSync(fd).isCharacterDevice()) return '';
  } catch {
    return '';
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (;;) {
    let bytes: number;
    try {
      bytes = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF') break;
      throw error;
    }
    if (bytes === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, bytes)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
