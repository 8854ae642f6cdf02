/**
 * Test support for running real container runtimes (containerd's CRI) against vpcnet-cni: a
 * busybox-static image built offline (rootfs tarball and single-layer OCI archive, as
 * /work/shared/tools/make-oci.sh builds it), runtime processes started inside the tests' "node" namespace
 * and stopped by PID, and clean-up of the mounts and leftover processes a runtime leaves under its temp dir.
 * Everything lives under one temp dir; the node namespace comes from test/netns/cni-kit.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChecked } from '../../src/adapters/linux/ip-batch.ts';
import type { AddReply, AddRequest } from '../../src/core/protocol/index.ts';
import { FakeIpamdService, host } from '../netns/cni-kit.ts';

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'ping', 'ip', 'cat', 'ls', 'hostname', 'true'];

/** A fresh temp dir for one test file. */
export function clientsTempDir(tag: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `vpcnet-clients-${tag}-`));
}

/** Writes a busybox-static rootfs tarball (`/bin/busybox` plus applet links) to `<dir>/rootfs.tar`. */
export async function busyboxRootfsTar(dir: string): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  for (const sub of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'run']) await mkdir(join(rootfs, sub), { recursive: true });
  await copyFile(BUSYBOX, join(rootfs, 'bin/busybox'));
  for (const applet of APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
  const tarball = join(dir, 'rootfs.tar');
  await runChecked(host, 'tar', ['--owner=0', '--group=0', '-C', rootfs, '-cf', tarball, '.']);
  await rm(rootfs, { recursive: true });
  return tarball;
}

async function writeBlob(blobs: string, content: Buffer): Promise<{ digest: string; size: number }> {
  const hex = createHash('sha256').update(content).digest('hex');
  await writeFile(join(blobs, hex), content);
  return { digest: `sha256:${hex}`, size: content.length };
}

/** Builds a single-layer OCI image archive named `name` from `layerTar` with command `cmd`; returns its path. */
export async function ociArchive(layerTar: string, name: string, cmd: readonly string[]): Promise<string> {
  const work = await mkdtemp(`${layerTar}-oci-`);
  const blobs = join(work, 'blobs/sha256');
  await mkdir(blobs, { recursive: true });
  const layer = await writeBlob(blobs, await readFile(layerTar));
  const imageConfig = { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin:/sbin:/usr/bin:/usr/sbin'], Cmd: cmd }, rootfs: { type: 'layers', diff_ids: [layer.digest] } };
  const config = await writeBlob(blobs, Buffer.from(JSON.stringify(imageConfig)));
  const manifest = await writeBlob(blobs, Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  })));
  const annotations = { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').at(-1) ?? 'latest' };
  await writeFile(join(work, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { architecture: 'amd64', os: 'linux' }, annotations }],
  }));
  await writeFile(join(work, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const archive = `${work}.tar`;
  await runChecked(host, 'tar', ['-C', work, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  await rm(work, { recursive: true });
  return archive;
}

/** A CNI bin dir: `vpcnet-cni` (the built executable) and Debian's `loopback`, both linked. */
export async function cniBinDir(dir: string, pluginExecutable: string): Promise<string> {
  const binDir = join(dir, 'cni-bin');
  await mkdir(binDir, { recursive: true });
  await symlink(pluginExecutable, join(binDir, 'vpcnet-cni'));
  await symlink('/usr/lib/cni/loopback', join(binDir, 'loopback'));
  return binDir;
}

/** The vpcnet plugin entry of a conflist, talking to the fake daemon on `socketPath`. */
export function vpcnetPluginConf(socketPath: string, logFile: string): Record<string, unknown> {
  return { type: 'vpcnet-cni', ipamdSocket: socketPath, vethPrefix: 'eni', mtu: '9001', pluginLogFile: logFile, pluginLogLevel: 'DEBUG' };
}

/** A long-running process started by a test, run inside a network namespace, with its output in a log file. */
export class NodeProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, logFile: string) {
    if (child.pid === undefined) throw new Error('process did not start');
    this.pid = child.pid;
    this.#child = child;
    this.logFile = logFile;
  }

  /** Starts `file args` in the namespace file `netns` (nsenter execs it: the PID is the program's own). */
  static async start(options: { netns: string; file: string; args: readonly string[]; logFile: string; env?: NodeJS.ProcessEnv }): Promise<NodeProcess> {
    const log = await open(options.logFile, 'a');
    try {
      const child = spawn('nsenter', [`--net=${options.netns}`, options.file, ...options.args], { stdio: ['ignore', log.fd, log.fd], env: options.env ?? process.env });
      await once(child, 'spawn');
      return new NodeProcess(child, options.logFile);
    } finally {
      await log.close();
    }
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = once(this.#child, 'exit');
    process.kill(this.pid, 'SIGTERM');
    const timer = setTimeout(() => { if (this.running) process.kill(this.pid, 'SIGKILL'); }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** The last `lines` lines of the log (for assertion messages). */
  async tail(lines = 30): Promise<string> {
    return (await readFile(this.logFile, 'utf8')).split('\n').slice(-lines).join('\n');
  }
}

/** Polls `probe` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** PIDs of processes whose command line mentions `needle` (for example a runtime's private socket path). */
export async function pidsMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(needle))) pids.push(Number(entry));
  }
  return pids;
}

/** Kills the given PIDs with SIGKILL (ignoring those already gone). */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Unmounts every mount point below `dir` (deepest first), so that the dir can be removed. */
export async function unmountBelow(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo.split('\n').map((line) => unescapeMountPath(line.split(' ')[4] ?? '')).filter((point) => point.startsWith(`${dir}/`));
  for (const point of points.sort((a, b) => b.length - a.length)) {
    if ((await host.run('umount', [point])).code !== 0) await host.run('umount', ['-l', point]);
  }
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Runs `nsenter --net=<netns> busybox ping -c 1 -W 1 <address>`; true when answered. */
export async function pingsFrom(netns: string, address: string): Promise<boolean> {
  return (await host.run('nsenter', [`--net=${netns}`, 'busybox', 'ping', '-c', '1', '-W', '1', address])).code === 0;
}

/** The IPv4 addresses on `eth0` inside the namespace file `netns`. */
export async function eth0Addresses(netns: string): Promise<string[]> {
  const out = await runChecked(host, 'nsenter', [`--net=${netns}`, 'ip', '-4', '-json', 'addr', 'show', 'dev', 'eth0']);
  const links = JSON.parse(out) as Array<{ addr_info?: Array<{ local?: string; prefixlen?: number }> }>;
  return links.flatMap((link) => (link.addr_info ?? []).map((info) => `${info.local ?? ''}/${String(info.prefixlen ?? '')}`));
}

/** The fake daemon of cni-kit.ts that also records every ADD request it answered. */
export class RecordingIpamdService extends FakeIpamdService {
  readonly adds: AddRequest[] = [];

  override add(request: AddRequest): Promise<AddReply> {
    this.adds.push(request);
    return super.add(request);
  }
}

/**
 * Paths outside the temp dir that a runtime creates whatever its config says (containerd's shim socket dir
 * `/run/containerd`, libcni's cache `/var/lib/cni`, podman's `/dev/shm/libpod_lock` and image blob cache):
 * remembers which did not exist before the test, and removes exactly those afterwards.
 */
export class HostLeftovers {
  readonly #created: string[] = [];

  private constructor(created: string[]) {
    this.#created = created;
  }

  /** Notes which of `paths` are absent now. */
  static async note(paths: readonly string[]): Promise<HostLeftovers> {
    const absent: string[] = [];
    for (const path of paths) if (!(await exists(path))) absent.push(path);
    return new HostLeftovers(absent);
  }

  /** Removes the paths that were absent when noted. */
  async remove(): Promise<void> {
    for (const path of this.#created) await rm(path, { recursive: true, force: true });
  }
}
