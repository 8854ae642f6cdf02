import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LabNames } from './naming.ts';

/** The forwarder script, run by this same Node binary (it is TypeScript with erasable syntax only). */
export const FORWARDER_SCRIPT = fileURLToPath(new URL('./service-forwarder.ts', import.meta.url));

/** One listener of the forwarder: TCP `address:port` in the router namespace to a UNIX socket. */
export interface ForwardedService {
  readonly address: string;
  readonly port: number;
  readonly socketPath: string;
}

/** The forwarder's command line: `ip netns exec <router> <node> <script> vpcl<id> addr:port=path...`. */
export function forwarderCommand(names: LabNames, services: readonly ForwardedService[]): string[] {
  const relays = services.map((service) => `${service.address}:${service.port}=${service.socketPath}`);
  return ['netns', 'exec', names.routerNamespace, process.execPath, FORWARDER_SCRIPT, names.prefix, ...relays];
}

/**
 * Starts the service forwarder inside the router namespace and resolves with its PID once it listens
 * (`ip netns exec` execs node, so the PID is the forwarder's own). It exits by itself if this process
 * dies (its standard input closes); the caller kills it by PID. Rejects, leaving nothing running, if it
 * fails or is not ready within `timeoutMs`.
 */
export async function startForwarder(names: LabNames, services: readonly ForwardedService[], timeoutMs = 10_000): Promise<number> {
  const child = spawn('ip', forwarderCommand(names, services), { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service forwarder was not ready within ${timeoutMs} ms: ${errors.trim()}`)), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the service forwarder exited with ${String(code)}: ${errors.trim()}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('the service forwarder has no PID');
  detach(child);
  return pid;
}

/** Lets this process exit while the forwarder runs, keeping its stdin open (its lifeline) until then. */
function detach(child: ReturnType<typeof spawn>): void {
  child.removeAllListeners('exit');
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    if (stream instanceof Socket) stream.unref();
  }
}
