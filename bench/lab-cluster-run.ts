/**
 * bench/lab.ts, the lab side: `vpcnet lab up` and `lab down` as CLI subprocesses (timed to their exit, each
 * line of output stamped as it arrives), a deployment scaled through the control API (`LabClient` on the
 * home's socket, polled every 100 ms), and vpcnet-ipamd's own start-up read from each node's log.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabClient } from '../src/lab/cluster/control-client.ts';
import { labHome } from '../src/lab/cluster/lab-home.ts';
import type { LabPod } from '../src/lab/cluster/objects.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const POLL_MS = 100;
const SCALE_TIMEOUT_MS = 5 * 60_000;

/** One line of a CLI's stdout and when it arrived (ms since the process was started; epoch ms). */
export interface StampedLine {
  readonly text: string;
  readonly atMs: number;
  readonly epochMs: number;
}

/** A finished CLI run. */
export interface CliRun {
  readonly ms: number;
  readonly code: number | null;
  readonly lines: readonly StampedLine[];
  readonly stderr: string;
}

/** Runs `vpcnet <args>` with `VPCNET_LAB_HOME=<home>` and times it to its exit. */
export function runVpcnet(home: string, args: readonly string[]): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'src/bin/vpcnet.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, VPCNET_LAB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: StampedLine[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => lines.push({ text, atMs: performance.now() - started, epochMs: Date.now() }));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exitMs = 0;
  child.once('exit', () => {
    exitMs = performance.now() - started;
  });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ ms: exitMs, code, lines, stderr }));
  });
}

/** `lab up`'s progress lines, as ms since the CLI was started; `undefined` where a line is missing. */
export interface UpMarks {
  /** The CLI's first line ("Bringing up cluster ..."): its own start-up. */
  readonly cliFirstLine: number | undefined;
  /** The line printed just before the supervisor is spawned. */
  readonly supervisorSpawn: number | undefined;
  readonly emulator: number | undefined;
  readonly fabric: number | undefined;
  readonly vpc: number | undefined;
  readonly instancesRunning: number | undefined;
  readonly instancesRunningEpoch: number | undefined;
  readonly lastNodeReady: number | undefined;
  readonly exit: number;
}

function firstLine(run: CliRun, pattern: RegExp): StampedLine | undefined {
  return run.lines.find((line) => pattern.test(line.text));
}

/** Finds the progress lines `lab up` prints (see startLabCluster) in a run's output. */
export function upMarks(run: CliRun): UpMarks {
  const running = firstLine(run, /instances running, one network namespace each/);
  return {
    cliFirstLine: run.lines[0]?.atMs,
    supervisorSpawn: firstLine(run, /✓ vpcnet-cni executable/)?.atMs,
    emulator: firstLine(run, /✓ emulated EC2 API/)?.atMs,
    fabric: firstLine(run, /✓ fabric:/)?.atMs,
    vpc: firstLine(run, /✓ VPC vpc-/)?.atMs,
    instancesRunning: running?.atMs,
    instancesRunningEpoch: running?.epochMs,
    lastNodeReady: run.lines.filter((line) => /✓ node .* ready: vpcnet-ipamd up/.test(line.text)).at(-1)?.atMs,
    exit: run.ms,
  };
}

/** One node's vpcnet-ipamd, from its log: when its first line was written and when it had initialized the node. */
export interface DaemonMarks {
  readonly startingEpochMs: number;
  readonly initializedEpochMs: number;
  /** Every "Attached a new ENI" line (the warm pool growing). */
  readonly eniAttachedEpochMs: readonly number[];
}

function logTimes(lines: readonly string[], message: string): number[] {
  return lines.filter((line) => line.includes(`"msg":"${message}"`)).map((line) => Date.parse((JSON.parse(line) as { ts?: string }).ts ?? '')).filter((ms) => !Number.isNaN(ms));
}

/** Reads every node's ipamd log (and console log) in the lab home (before `lab down` removes it). */
export async function daemonMarks(home: string): Promise<DaemonMarks[]> {
  const nodesDir = join(home, 'nodes');
  const marks: DaemonMarks[] = [];
  for (const instanceId of await readdir(nodesDir).catch(() => [])) {
    const files = ['log/ipamd.log', 'log/ipamd.console.log'].map((file) => readFile(join(nodesDir, instanceId, file), 'utf8').catch(() => ''));
    const text = (await Promise.all(files)).join('\n');
    const lines = text.split('\n').filter((line) => line.startsWith('{'));
    const [startingEpochMs] = logTimes(lines, 'Starting vpcnet-ipamd');
    const [initializedEpochMs] = logTimes(lines, 'Node initialized');
    const eniAttachedEpochMs = logTimes(lines, 'Attached a new ENI');
    if (startingEpochMs !== undefined && initializedEpochMs !== undefined) marks.push({ startingEpochMs, initializedEpochMs, eniAttachedEpochMs });
  }
  return marks;
}

/** vpcnet-cni's own work per call, from its log: ms from "Received CNI command" to its last line. */
export interface PluginTimes {
  /** ADD: received → "Assigned addresses" (the daemon's reply). */
  readonly addDaemonMs: number[];
  /** ADD: received → "Pod network set up". */
  readonly addMs: number[];
  /** DEL: received → "Pod network deleted". */
  readonly delMs: number[];
}

interface PluginLine {
  readonly ts: string;
  readonly caller?: string;
  readonly msg: string;
  readonly containerId?: string;
}

function callDurations(lines: readonly PluginLine[], command: 'ADD' | 'DEL', endMessage: string): Map<string, number> {
  const received = new Map<string, number>();
  const durations = new Map<string, number>();
  for (const line of lines.filter((l) => l.caller === `vpcnet-cni/${command}` && l.containerId !== undefined)) {
    const id = line.containerId!;
    if (line.msg === 'Received CNI command') received.set(id, Date.parse(line.ts));
    const start = received.get(id);
    if (line.msg === endMessage && start !== undefined) durations.set(id, Date.parse(line.ts) - start);
  }
  return durations;
}

/** Reads every node's plugin log in the lab home (before `lab down` removes it). */
export async function pluginTimes(home: string): Promise<PluginTimes> {
  const nodesDir = join(home, 'nodes');
  const times: PluginTimes = { addDaemonMs: [], addMs: [], delMs: [] };
  for (const instanceId of await readdir(nodesDir).catch(() => [])) {
    const text = await readFile(join(nodesDir, instanceId, 'log/plugin.log'), 'utf8').catch(() => '');
    const lines = text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as PluginLine);
    times.addDaemonMs.push(...callDurations(lines, 'ADD', 'Assigned addresses').values());
    times.addMs.push(...callDurations(lines, 'ADD', 'Pod network set up').values());
    times.delMs.push(...callDurations(lines, 'DEL', 'Pod network deleted').values());
  }
  return times;
}

/** How long a scale took: to the first pod that reached the goal's state, and to all of them. */
export interface ScaleTimes {
  readonly firstMs: number;
  readonly allMs: number;
  /** When the scale began (epoch ms), to line up with daemon logs. */
  readonly startedEpochMs: number;
  /** Warning events of the deployment's pods (e.g. FailedCreatePodSandBox, counted with repeats); lab only. */
  readonly warnings?: number;
}

/** The lab's control API, for one deployment in `default`. */
export class BenchDeployment {
  readonly #client: LabClient;
  readonly #name: string;

  constructor(home: string, name: string) {
    this.#client = new LabClient(labHome(home).socket);
    this.#name = name;
  }

  /** Creates the deployment with no replicas. */
  async create(): Promise<void> {
    await this.#client.createDeployment({ namespace: 'default', name: this.#name, image: 'busybox', replicas: 0 });
  }

  /** Scales to `replicas` and waits until exactly that many of its pods are Running. */
  scaleUp(replicas: number): Promise<ScaleTimes> {
    return this.#scale(replicas, (pods) => pods.filter((pod) => pod.status === 'Running').length, (pods) => pods.length === replicas && pods.every((pod) => pod.status === 'Running'));
  }

  /** Scales to 0 and waits until none of its pods is left (CNI DEL done, namespace removed). */
  scaleToZero(before: number): Promise<ScaleTimes> {
    return this.#scale(0, (pods) => before - pods.length, (pods) => pods.length === 0);
  }

  async #scale(replicas: number, progressed: (pods: LabPod[]) => number, done: (pods: LabPod[]) => boolean): Promise<ScaleTimes> {
    const started = performance.now();
    const startedEpochMs = Date.now();
    await this.#client.scaleDeployment('default', this.#name, replicas);
    let firstMs: number | undefined;
    for (;;) {
      const { snapshot } = await this.#client.view();
      const pods = snapshot.pods.filter((pod) => pod.namespace === 'default' && pod.owner === this.#name);
      const now = performance.now() - started;
      if (firstMs === undefined && progressed(pods) > 0) firstMs = now;
      if (done(pods)) {
        const warnings = snapshot.events.filter((e) => e.type === 'Warning' && e.involved.kind === 'Pod' && e.involved.name.startsWith(`${this.#name}-`));
        return { firstMs: firstMs ?? now, allMs: now, startedEpochMs, warnings: warnings.reduce((sum, e) => sum + e.count, 0) };
      }
      if (now > SCALE_TIMEOUT_MS) throw new Error(`scaling ${this.#name} to ${replicas} did not finish in ${SCALE_TIMEOUT_MS / 1000} s: ${describe(pods)}`);
      await sleep(POLL_MS);
    }
  }
}

function describe(pods: readonly LabPod[]): string {
  const counts = new Map<string, number>();
  for (const pod of pods) counts.set(pod.status, (counts.get(pod.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ') || 'no pods';
}
