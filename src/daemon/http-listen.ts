/**
 * Where the daemon's HTTP servers listen (a TCP `host:port` or a unix socket), how they start and how they
 * stop. Shared by the plugin API, introspection and metrics servers.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

/** A listening address: TCP (an empty host means every interface, as Go's `:61678`) or a unix socket. */
export type BindAddress = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

// host:port as Go's net.Listen takes it: an empty host means every interface, an IPv6 host is bracketed.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]*):([0-9]{1,5})$/;

/** Parses `127.0.0.1:61679`, `:61678`, `[::1]:61679` or `unix:/run/x.sock`; throws `RangeError` otherwise. */
export function parseBindAddress(text: string): BindAddress {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (path === '') throw new RangeError(`Cannot listen on "${text}": the unix socket path is empty`);
    return { kind: 'unix', path };
  }
  const match = HOST_PORT.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new RangeError(`Cannot listen on "${text}": expected host:port (port 0 to 65535) or unix:<socket path>`);
  }
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { kind: 'tcp', host, port };
}

/** A bound address as text: `127.0.0.1:41234`, `[::1]:61679`, `:61678` or `unix:/run/x.sock`. */
export function formatBindAddress(address: BindAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** How to create a unix socket. */
export interface UnixSocketOptions {
  /** File mode of the socket once listening (upstream's ipamd.sock is 0660); unchanged when undefined. */
  readonly mode?: number;
}

/**
 * Starts `server` on `address` and returns the address actually bound (the real port when 0 was asked).
 * For a unix socket, creates the parent directory (0755), removes a stale socket file first and refuses
 * to replace a socket another process is still serving, or a path that is not a socket.
 */
export async function listenOn(server: Server, address: BindAddress, options: UnixSocketOptions = {}): Promise<BindAddress> {
  if (address.kind === 'tcp') {
    // An empty host: every interface (IPv6 and IPv4 where the system allows), as Go's ":port".
    await listen(server, (onListening) => (address.host === '' ? server.listen(address.port, onListening) : server.listen(address.port, address.host, onListening)));
    return { kind: 'tcp', host: address.host, port: (server.address() as AddressInfo).port };
  }
  await prepareUnixSocket(address.path);
  await listen(server, (onListening) => server.listen(address.path, onListening));
  if (options.mode !== undefined) await chmod(address.path, options.mode);
  return address;
}

function listen(server: Server, bind: (onListening: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    bind(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function prepareUnixSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const existing = await lstat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) return;
  if (!existing.isSocket()) throw new Error(`Cannot listen on unix socket "${path}": the path exists and is not a socket`);
  if (await isServed(path)) throw new Error(`Cannot listen on unix socket "${path}": another process is serving it`);
  await unlink(path);
}

/** True when something accepts connections on the socket (a live daemon), false for a stale file. */
function isServed(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (served: boolean): void => {
      socket.destroy();
      resolve(served);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Removes a unix socket file, ignoring one that is already gone. */
export async function removeSocketFile(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
}

/**
 * Stops accepting connections and drops idle keep-alive ones; connections still busy after `graceMs` are
 * dropped too. Resolves once the server is closed.
 */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
