/**
 * Serving on a UNIX socket whose every connection starts with a PROXY protocol v1 line
 * (`PROXY TCP4 <src> <dst> <sport> <dport>\r\n`, haproxy's spec), as the lab fabric's forwarder sends
 * it from the VPC router's namespace: the line says who really called, and the rest of the stream is
 * handed on as if it had arrived directly.
 */
import { unlink } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import { createServer } from 'node:net';

/** The addresses a PROXY line reports. */
export interface ProxiedAddresses {
  readonly sourceAddress: string;
  readonly destinationAddress: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
}

/** The longest PROXY v1 line allowed by the spec, CRLF included. */
export const MAX_PROXY_LINE_BYTES = 107;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PORT = /^(0|[1-9]\d{0,4})$/;

function port(text: string): number | undefined {
  const value = PORT.test(text) ? Number(text) : Number.NaN;
  return value <= 65535 ? value : undefined;
}

/**
 * Parses one PROXY v1 line without its CRLF: the addresses of a `TCP4` line, `'unknown'` for
 * `PROXY UNKNOWN ...`, undefined for anything malformed (TCP6 is not used by the lab and is refused).
 */
export function parseProxyLine(line: string): ProxiedAddresses | 'unknown' | undefined {
  const fields = line.split(' ');
  if (fields[0] !== 'PROXY') return undefined;
  if (fields[1] === 'UNKNOWN') return 'unknown';
  const [, protocol, source = '', destination = '', sourcePortText = '', destinationPortText = ''] = fields;
  if (fields.length !== 6 || protocol !== 'TCP4' || !IPV4.test(source) || !IPV4.test(destination)) return undefined;
  const sourcePort = port(sourcePortText);
  const destinationPort = port(destinationPortText);
  if (sourcePort === undefined || destinationPort === undefined) return undefined;
  return { sourceAddress: source, destinationAddress: destination, sourcePort, destinationPort };
}

const proxiedBySocket = new WeakMap<Socket, ProxiedAddresses>();

/** The addresses the PROXY line of this connection reported, if it came through `listenProxied()`. */
export function proxiedAddressesOf(socket: Socket): ProxiedAddresses | undefined {
  return proxiedBySocket.get(socket);
}

/** A listening UNIX socket; `close()` stops it, ends its connections and removes the socket file. */
export interface ProxiedListener {
  readonly path: string;
  close(): Promise<void>;
}

/** How `listenProxied()` hands over connections. */
export interface ProxiedListenOptions {
  /** Called with each connection once its PROXY line is read, paused, with the rest of the stream unread. */
  readonly onConnection: (socket: Socket, addresses: ProxiedAddresses | undefined) => void;
  /** Time allowed for the PROXY line; defaults to 5 s. */
  readonly headerTimeoutMs?: number;
}

/**
 * Listens on a UNIX socket (replacing a stale socket file at `path`). A connection whose first line is
 * not a valid PROXY v1 line, or that sends none in time, is closed; the others go to `onConnection`.
 */
export async function listenProxied(path: string, options: ProxiedListenOptions): Promise<ProxiedListener> {
  const connections = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    readProxyLine(socket, options);
  });
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await listen(server, path);
  return { path, close: () => closeListener(server, connections) };
}

function readProxyLine(socket: Socket, options: ProxiedListenOptions): void {
  socket.on('error', () => socket.destroy());
  let received = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), options.headerTimeoutMs ?? 5000);
  const onData = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf('\r\n');
    if (end < 0) {
      if (received.length >= MAX_PROXY_LINE_BYTES) finish(undefined);
      return;
    }
    finish(end);
  };
  const finish = (end: number | undefined): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.pause();
    const parsed = end === undefined ? undefined : parseProxyLine(received.subarray(0, end).toString('latin1'));
    if (parsed === undefined) {
      socket.destroy();
      return;
    }
    const rest = received.subarray((end ?? 0) + 2);
    if (rest.length > 0) socket.unshift(rest);
    if (parsed !== 'unknown') proxiedBySocket.set(socket, parsed);
    options.onConnection(socket, parsed === 'unknown' ? undefined : parsed);
  };
  socket.on('data', onData);
  socket.resume();
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeListener(server: Server, connections: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of connections) socket.destroy();
  await closed;
}
