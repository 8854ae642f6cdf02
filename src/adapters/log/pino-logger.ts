/**
 * The daemon's `Logger`: one JSON object per line in upstream's zap shape
 * `{"level":"info","ts":"2025-03-24T06:01:36.088Z","caller":"daemon/rpc-server.ts:88","msg":"...",<fields>}`,
 * written by pino to stdout, stderr or a size-rotated file (upstream: `/var/log/aws-routed-eni/ipamd.log`).
 * The CNI plugin must not use this module (it keeps pino out of the plugin): it writes its own lines.
 */
import { pino } from 'pino';
import type { LogLevel } from '../../core/config/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger, LogFields } from '../../ports/logger.ts';
import { callerOf } from './caller.ts';
import { openRotatingLogFile } from './rotating-log-file.ts';
import type { RotationPolicy } from './rotating-log-file.ts';

/** How to log. */
export interface LoggerOptions {
  /** A file path, `stdout` or `stderr` (case-insensitive; '' means stderr, as upstream). */
  readonly file: string;
  readonly level: LogLevel;
  /** Rotation of a log file; defaults to upstream's (100 MiB, 5 files kept, gzip). */
  readonly rotation?: RotationPolicy;
  /** Source of `ts`; defaults to the system clock. */
  readonly clock?: Clock;
}

/** A `Logger` that can be flushed and closed at shutdown. */
export interface DaemonLogger extends Logger {
  /** Resolves once every line logged so far has been handed to the operating system. */
  flush(): Promise<void>;
  /** Flushes and closes the file; later lines are dropped. */
  close(): Promise<void>;
}

type Method = 'debug' | 'info' | 'warn' | 'error';

// Keys of the line itself: a field with one of these names is written as `field.<name>` instead.
const RESERVED = new Set(['level', 'ts', 'caller', 'msg']);

/** Creates the logger; throws when the log directory cannot be created. */
export function createLogger(options: LoggerOptions): DaemonLogger {
  const clock = options.clock ?? { now: () => Date.now() };
  const sink = createSink(options);
  const logger = pino(
    {
      level: options.level,
      base: null,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      timestamp: () => `,"ts":"${new Date(clock.now()).toISOString()}"`,
    },
    sink,
  );
  const emit = (method: Method, message: string, fields: LogFields | undefined): void => {
    if (!logger.isLevelEnabled(method)) return;
    // Depth 1: past the public method below, to the code that logs.
    logger[method](entry(callerOf(1), message, fields));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    flush: () => sink.flush(),
    close: () => sink.close(),
  };
}

/** The line's members in zap's order: caller, msg, then the fields (pino adds level and ts first). */
function entry(caller: string, message: string, fields: LogFields | undefined): Record<string, unknown> {
  const line: Record<string, unknown> = { caller, msg: message };
  for (const [key, value] of Object.entries(fields ?? {})) {
    line[RESERVED.has(key) ? `field.${key}` : key] = value instanceof Error ? value.message : value;
  }
  return line;
}

interface Sink {
  write(line: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

function createSink(options: LoggerOptions): Sink {
  const target = options.file.toLowerCase();
  if (target === '' || target === 'stderr') return standardSink(2);
  if (target === 'stdout') return standardSink(1);
  return fileSink(options.file, options.rotation);
}

function standardSink(fd: 1 | 2): Sink {
  // Synchronous, so that nothing is lost when the daemon exits right after logging.
  const destination = pino.destination({ dest: fd, sync: true });
  return {
    write: (line) => void destination.write(line),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/**
 * A rotating file; if it fails (disk gone, permissions), lines go to stderr instead of being lost, with
 * one line saying why.
 */
function fileSink(path: string, rotation: RotationPolicy | undefined): Sink {
  const stream = openRotatingLogFile(path, rotation);
  let failed = false;
  let closed = false;
  stream.on('error', (error: Error) => {
    if (failed) return;
    failed = true;
    const line = { level: 'error', ts: new Date().toISOString(), caller: 'log/pino-logger.ts', msg: 'Cannot write the log file; logging to stderr', file: path, error: error.message };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  });
  stream.on('warning', (error: Error) => {
    if (!failed && !closed) stream.write(`${JSON.stringify({ level: 'warn', ts: new Date().toISOString(), caller: 'log/pino-logger.ts', msg: 'Log rotation problem', file: path, error: error.message })}\n`);
  });
  const flush = (): Promise<void> => (failed || closed ? Promise.resolve() : new Promise((resolve) => stream.write('', () => resolve())));
  return {
    write: (line) => {
      if (closed) return;
      if (failed) process.stderr.write(line);
      else stream.write(line);
    },
    flush,
    close: async () => {
      if (closed) return;
      await flush();
      closed = true;
      if (failed) return;
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}
