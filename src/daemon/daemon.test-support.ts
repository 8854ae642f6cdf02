/** Shared pieces of the daemon's server tests: a recording logger, a fake service and raw socket requests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddReply, AddRequest, DelReply, DelRequest, StatusReply } from '../core/protocol/index.ts';
import { PROTOCOL_VERSION } from '../core/protocol/index.ts';
import type { Logger, LogFields } from '../ports/logger.ts';
import type { IpamdService } from './rpc-server.ts';

/** One line a `RecordingLogger` received. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A `Logger` that keeps every line. */
export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];

  debug(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'debug', message, fields });
  }

  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }

  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }

  /** Lines whose message is `message`. */
  find(message: string): LoggedLine[] {
    return this.lines.filter((line) => line.message === message);
  }
}

/** A service that assigns 10.0.0.x addresses in order and remembers what it was asked. */
export class FakeService implements IpamdService {
  readonly adds: AddRequest[] = [];
  readonly dels: DelRequest[] = [];
  ready = true;
  #next = 10;
  /** When set, `add` calls this instead of assigning. */
  onAdd: ((request: AddRequest) => Promise<AddReply>) | undefined;

  add(request: AddRequest): Promise<AddReply> {
    this.adds.push(request);
    if (this.onAdd !== undefined) return this.onAdd(request);
    const ipv4 = `10.0.0.${this.#next++}`;
    return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [{ ipv4, deviceNumber: 0, routeTableId: 254 }], vpcCidrs: ['10.0.0.0/16'], useExternalSnat: false });
  }

  del(request: DelRequest): Promise<DelReply> {
    this.dels.push(request);
    return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [] });
  }

  status(): StatusReply {
    return { version: PROTOCOL_VERSION, ready: this.ready, message: this.ready ? 'ready' : 'starting' };
  }
}

/** A valid ADD body. */
export function addBody(containerId = '3f8a1c7e5b2d'): Record<string, unknown> {
  return {
    version: PROTOCOL_VERSION,
    key: { networkName: 'aws-cni', containerId, ifName: 'eth0' },
    pod: { namespace: 'default', name: 'web-1', infraContainerId: containerId, uid: '6c1f0a52' },
    netns: '/var/run/netns/cni-1',
  };
}

/** A fresh temporary directory and a function removing it. */
export async function tempDir(prefix: string): Promise<{ readonly path: string; readonly remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A JSON answer of the plugin API. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One request to the plugin API as the plugin sends it (POST JSON, or GET without a body). The daemon's
 * tests cannot import the plugin's client (module boundary), so this is a minimal one.
 */
export function callIpamd(socketPath: string, path: string, body?: unknown): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers = payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    const outgoing = request({ socketPath, path, method: payload === undefined ? 'GET' : 'POST', agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      response.on('error', reject);
    });
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error('no answer within 5000 ms')));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** What came back on a raw connection. */
export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/**
 * Writes raw bytes to a unix socket (in pieces, `pauseMs` apart) and reads until the server closes the
 * connection or `idleMs` passes without data.
 */
export function rawExchange(socketPath: string, pieces: readonly (string | Buffer)[], options: { pauseMs?: number; idleMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let idle: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(idle);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split < 0 ? '' : text.slice(split + 4) });
    };
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(finish, options.idleMs ?? 2000);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      arm();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish() : reject(error)));
    socket.on('connect', () => {
      arm();
      void writePieces(socket, pieces, options.pauseMs ?? 0);
    });
  });
}

async function writePieces(socket: ReturnType<typeof connect>, pieces: readonly (string | Buffer)[], pauseMs: number): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
