/** The daemon's logger: upstream zap-shaped JSON lines through pino, to stdout, stderr or a size-rotated file. */
export { createLogger } from './pino-logger.ts';
export type { DaemonLogger, LoggerOptions } from './pino-logger.ts';
export { rotatedName, UPSTREAM_ROTATION } from './rotating-log-file.ts';
export type { RotationPolicy } from './rotating-log-file.ts';
