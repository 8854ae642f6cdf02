/**
 * A kit for end-to-end tests that drive `vpcnet lab ...` as a person does: the CLI as a subprocess with
 * its own VPCNET_LAB_HOME, its output parsed from what it prints. Nothing here reaches into the lab's
 * process: every fact comes from a command's output.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cidrContains, parseCidr, parseIpv4 } from '../../src/core/ip/index.ts';

const REPO_ROOT = join(import.meta.dirname, '../..');
const VPCNET = join(REPO_ROOT, 'src/bin/vpcnet.ts');

/** What a finished command printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command left running in the background (tcpdump, a long ping). */
export interface BackgroundCommand {
  readonly child: ChildProcess;
  /** Resolves when it exits, with everything it printed. */
  readonly exited: Promise<CliResult>;
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string };
}

/** `get nodes -o json` items (the fields the tests read). */
export interface KubeNode {
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** `aws:///<zone>/<instance-id>`. */
  readonly spec: { readonly providerID: string };
  readonly status: { readonly addresses: readonly { readonly type: string; readonly address: string }[] };
}

/** `get pods -o json` items (the fields the tests read). */
export interface KubePod {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly nodeName?: string; readonly hostNetwork?: boolean };
  readonly status: {
    readonly phase: string; readonly podIP?: string;
    readonly containerStatuses?: readonly { readonly state: { readonly running?: { readonly startedAt: string } } }[];
  };
}

/** `lab status -o json` (the fields the tests read). */
export interface LabStatus {
  readonly labId: string;
  readonly vpcId: string;
  readonly supervisorPid: number;
  readonly home: string;
  readonly nodes: readonly {
    readonly name: string; readonly instanceId: string; readonly internalIp: string; readonly externalIp: string | null;
    readonly maxPods: number; readonly pods: number; readonly netns: string;
    readonly vpcnetIpamd: { readonly pid?: number; readonly restarts: number; readonly phase: string };
  }[];
  readonly pods: { readonly total: number; readonly running: number; readonly pending: number; readonly containerCreating: number; readonly terminating: number };
}

/** One address in vpcnet-ipamd's `/v1/enis` (upstream's `AddressInfo`). */
export interface EnisAddress {
  readonly Address: string;
  readonly IPAMKey: { readonly networkName: string };
  readonly IPAMMetadata: { readonly k8sPodNamespace?: string; readonly k8sPodName?: string };
  readonly AssignedTime: string;
  readonly UnassignedTime: string;
}

/** vpcnet-ipamd's `/v1/enis`: network card → ENIs → blocks → addresses. */
export type EnisView = Readonly<Record<string, {
  readonly TotalIPs: number;
  readonly AssignedIPs: number;
  readonly ENIs: Readonly<Record<string, {
    readonly ID: string; readonly IsPrimary: boolean; readonly DeviceNumber: number;
    readonly AvailableIPv4Cidrs: Readonly<Record<string, { readonly IPAddresses: Readonly<Record<string, EnisAddress>> }>>;
  }>>;
}>>;

/** Go's zero time, as `/v1/enis` prints an unset AssignedTime/UnassignedTime. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Every address record of a node's `/v1/enis`, with the ENI it is on. */
export function enisAddresses(view: EnisView): { eniId: string; record: EnisAddress }[] {
  return Object.values(view).flatMap((card) => Object.values(card.ENIs).flatMap((eni) => Object.values(eni.AvailableIPv4Cidrs)
    .flatMap((cidr) => Object.values(cidr.IPAddresses).map((record) => ({ eniId: eni.ID, record })))));
}

/** Builds vpcnet-cni into `outDir` (scripts/build-cni.ts); returns the executable's path. */
export async function buildCniExecutable(outDir: string): Promise<string> {
  const result = await runProcess(process.execPath, [join(REPO_ROOT, 'scripts/build-cni.ts'), '--out-dir', outDir], process.env);
  if (result.code !== 0) throw new Error(`building vpcnet-cni failed:\n${result.stdout}\n${result.stderr}`);
  return join(outDir, 'vpcnet-cni');
}

/**
 * Runs a process; its stdout goes through a file rather than a pipe, so a CLI that ends with
 * `process.exit()` cannot lose the tail of a long output (see the pipe test in lab-cluster.e2e.test.ts).
 */
async function runProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<CliResult> {
  const out = stdoutFile === undefined ? undefined : await open(stdoutFile, 'w+');
  try {
    const child = spawn(file, [...args], { env, cwd: REPO_ROOT, stdio: ['ignore', out?.fd ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
    });
    if (stdoutFile !== undefined) stdout = await readFile(stdoutFile, 'utf8');
    return { code, stdout, stderr };
  } finally {
    await out?.close();
    if (stdoutFile !== undefined) await rm(stdoutFile, { force: true });
  }
}

function describeRun(args: readonly string[], result: CliResult): string {
  return `vpcnet ${args.join(' ')} exited with ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}

/** `vpcnet lab ...` against one lab home. */
export class LabCli {
  readonly home: string;
  readonly #scratch: string;
  #runs = 0;

  /** `home`: the lab's VPCNET_LAB_HOME; `scratch`: a directory for captured output. */
  constructor(home: string, scratch: string) {
    this.home = home;
    this.#scratch = scratch;
  }

  #env(): NodeJS.ProcessEnv {
    return { ...process.env, VPCNET_LAB_HOME: this.home };
  }

  /** Runs `vpcnet lab <args>` and returns what it printed (whatever its exit code). */
  async run(args: readonly string[]): Promise<CliResult> {
    this.#runs += 1;
    return runProcess(process.execPath, [VPCNET, 'lab', ...args], this.#env(), join(this.#scratch, `stdout-${process.pid}-${this.#runs}.txt`));
  }

  /**
   * Runs `vpcnet lab <args> | jq`-style in a shell: a real pipe (64 KiB, not the larger socket pair Node's
   * spawn makes) read by a reader that takes a moment to start, so output the CLI has not flushed when it
   * exits is lost here as it would be for a person.
   */
  async runPiped(args: readonly string[]): Promise<CliResult> {
    return runProcess('/bin/sh', ['-c', '"$0" "$@" | { sleep 1; cat; }', process.execPath, VPCNET, 'lab', ...args], this.#env());
  }

  /** Runs `vpcnet lab <args>`, fails unless it exits 0, returns its stdout. */
  async ok(args: readonly string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0) throw new Error(describeRun(args, result));
    return result.stdout;
  }

  /** Runs `vpcnet lab <args>` and parses its stdout as JSON. */
  async json<T>(args: readonly string[]): Promise<T> {
    const stdout = await this.ok(args);
    return JSON.parse(stdout) as T;
  }

  /** Starts `vpcnet lab <args>` in the background. */
  start(args: readonly string[]): BackgroundCommand {
    const child = spawn(process.execPath, [VPCNET, 'lab', ...args], { env: this.#env(), cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<CliResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr }));
    });
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  status(): Promise<LabStatus> {
    return this.json<LabStatus>(['status', '-o', 'json']);
  }

  async nodes(): Promise<KubeNode[]> {
    return (await this.json<{ items: KubeNode[] }>(['get', 'nodes', '-o', 'json'])).items;
  }

  /** The workload pods of the default namespace. */
  async pods(): Promise<KubePod[]> {
    return (await this.json<{ items: KubePod[] }>(['get', 'pods', '-o', 'json'])).items;
  }

  /** `vpcnet lab node <node> -- <argv>`: its stdout (fails unless it exits 0). */
  onNode(node: string, argv: readonly string[]): Promise<string> {
    return this.ok(['node', node, '--', ...argv]);
  }

  /** `vpcnet lab exec <pod> -- <argv>`: its stdout (fails unless it exits 0). */
  inPod(pod: string, argv: readonly string[]): Promise<string> {
    return this.ok(['exec', pod, '--', ...argv]);
  }

  /** The node's vpcnet-ipamd introspection, as `curl http://localhost:61679/v1/enis` shows it on the node. */
  async enis(node: string): Promise<EnisView> {
    return JSON.parse(await this.onNode(node, ['curl', '-sf', '--max-time', '10', 'http://localhost:61679/v1/enis'])) as EnisView;
  }
}

/** Polls `probe` until it returns a value (not undefined); fails naming `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs?: number; last?: () => string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${what}${options.last === undefined ? '' : `; last seen: ${options.last()}`}`);
    await sleep(options.intervalMs ?? 1_000);
  }
}

/** True when the IPv4 address lies inside the CIDR block. */
export function inCidr(address: string, cidr: string): boolean {
  return cidrContains(parseCidr(cidr), parseIpv4(address));
}

/** The node's address of one type (InternalIP, ExternalIP). */
export function nodeAddress(node: KubeNode, type: string): string | undefined {
  return node.status.addresses.find((entry) => entry.type === type)?.address;
}

/** True when a process with this PID exists (zombies included: /proc still lists them). */
export function processAlive(pid: number): boolean {
  return pid > 0 && existsSync(`/proc/${pid}`);
}

/** The direct children of a process (from /proc), to signal exactly the command a CLI started. */
export async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.trim().split(/\s+/).filter((word) => word !== '').map(Number));
}

/** Escapes text for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A running pod as the tests use it: its name, node and address. */
export interface PlacedPod {
  readonly name: string;
  readonly node: string;
  readonly ip: string;
}

/** The running pods of a `get pods -o json` list. */
export function runningPods(pods: readonly KubePod[]): PlacedPod[] {
  return pods.filter((pod) => pod.status.phase === 'Running' && pod.spec.hostNetwork !== true)
    .map((pod) => ({ name: pod.metadata.name, node: pod.spec.nodeName ?? '', ip: pod.status.podIP ?? '' }));
}

/** Waits until `lab status` counts exactly these workload pods, and nothing creating or terminating. */
export async function waitForWorkloads(cli: LabCli, expected: { running: number; pending: number }, timeoutMs: number): Promise<LabStatus> {
  let last: LabStatus | undefined;
  return waitFor(`${expected.running} running and ${expected.pending} pending pods`, async () => {
    last = await cli.status();
    const pods = last.pods;
    const settled = pods.running === expected.running && pods.pending === expected.pending && pods.containerCreating === 0 && pods.terminating === 0;
    return settled && pods.total === expected.running + expected.pending ? last : undefined;
  }, { timeoutMs, intervalMs: 2_000, last: () => JSON.stringify(last?.pods) });
}

/** One packet as `tcpdump -ni any` prints it (LINUX_SLL2: interface and direction, then the packet). */
export interface CapturedPacket {
  readonly iface: string;
  readonly direction: 'In' | 'Out';
  readonly source: string;
  readonly destination: string;
  readonly summary: string;
}

/** Parses tcpdump's lines; a line of another shape is kept with an empty interface, so a test sees it. */
export function parseCapture(text: string): CapturedPacket[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const match = /^\S+ (\S+)\s+(In|Out)\s+IP (\S+) > (\S+?):? (.*)$/.exec(line);
    if (match === null) return { iface: '', direction: 'In', source: '', destination: '', summary: line };
    const [, iface = '', direction = 'In', source = '', destination = '', summary = ''] = match;
    return { iface, direction: direction === 'Out' ? 'Out' : 'In', source, destination, summary };
  });
}
