/**
 * Bench: the lab cluster as a person uses it, against baselines measured in the same run on this machine.
 *
 * 1. `vpcnet lab up` for the default cluster (3 × t3.medium, `--latency fast`), timed as a CLI subprocess to
 *    its exit (= ready), with each progress line timed as it arrives; then `lab down`, timed the same way.
 *    Baseline: the same VPC and 3 instances made real by the fabric alone (bench/lab-baselines.ts).
 * 2. A busybox deployment scaled 0 → N (default 40) until all N are Running, then N → 0 until none is left,
 *    through the control API (polled every 100 ms). Baseline: N pods made and removed the same way with
 *    Debian's ptp + host-local, 3 nodes × 4 sandboxes at a time.
 *
 * Runs alternate which side goes first. Run as root: `npm run bench:lab -- [--runs 3] [--pods 40]
 * [--no-write]`; prints markdown and updates the "Lab cluster" section of bench/RESULTS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildCni } from '../scripts/build-cni.ts';
import { fabricAlone, referencePods } from './lab-baselines.ts';
import type { FabricTimes } from './lab-baselines.ts';
import { BenchDeployment, daemonMarks, pluginTimes, runVpcnet, upMarks } from './lab-cluster-run.ts';
import type { DaemonMarks, PluginTimes, ScaleTimes, UpMarks } from './lab-cluster-run.ts';
import { machineFacts, table, updateResults } from './lab-report.ts';
import type { Samples } from './lab-report.ts';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '3' }, pods: { type: 'string', default: '40' }, 'no-write': { type: 'boolean', default: false } } });
const RUNS = Number(flags.runs);
const PODS = Number(flags.pods);
const NODES = 3;
const SANDBOXES_PER_NODE = 4; // NodeAgent's MAX_PARALLEL_SANDBOXES
const SETTLE_MS = 2_000;

/** One run of the lab side. */
interface LabRun {
  /** `vpcnet lab --help` right before `lab up`: one CLI process's start-up floor. */
  readonly helpMs: number;
  readonly up: UpMarks;
  readonly downMs: number;
  readonly scaleUp: ScaleTimes;
  readonly scaleDown: ScaleTimes;
  readonly daemons: readonly DaemonMarks[];
  readonly plugin: PluginTimes;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function labRun(cni: string): Promise<LabRun> {
  const home = await mkdtemp(join(tmpdir(), 'vpcnet-bench-lab-'));
  let downMs = Number.NaN;
  try {
    const helpMs = (await runVpcnet(home, ['lab', '--help'])).ms;
    const upRun = await runVpcnet(home, ['lab', 'up', '--cni', cni]);
    if (upRun.code !== 0) throw new Error(`lab up failed (${upRun.code}): ${upRun.stderr}${upRun.lines.map((l) => l.text).join('\n')}`);
    const deployment = new BenchDeployment(home, 'web');
    await deployment.create();
    const scaleUp = await deployment.scaleUp(PODS);
    await sleep(SETTLE_MS);
    const scaleDown = await deployment.scaleToZero(PODS);
    const plugin = await pluginTimes(home);
    const daemons = await daemonMarks(home);
    const downRun = await runVpcnet(home, ['lab', 'down']);
    downMs = downRun.ms;
    if (downRun.code !== 0) throw new Error(`lab down failed (${downRun.code}): ${downRun.stderr}`);
    return { helpMs, up: upMarks(upRun), downMs, scaleUp, scaleDown, daemons, plugin };
  } finally {
    if (Number.isNaN(downMs)) await runVpcnet(home, ['lab', 'down']);
    await rm(home, { recursive: true, force: true });
  }
}

/** Differences between two marks, for every run where both exist. */
function between(runs: readonly LabRun[], from: (up: UpMarks) => number | undefined, to: (up: UpMarks) => number | undefined): Samples {
  return runs.flatMap(({ up }) => {
    const a = from(up);
    const b = to(up);
    return a === undefined || b === undefined ? [] : [b - a];
  });
}

function upTable(lab: readonly LabRun[], fabric: readonly FabricTimes[]): string {
  const zero = (): number => 0;
  const pick = (key: keyof FabricTimes): Samples => fabric.map((f) => f[key]);
  return table('`lab up` phase', 'fabric alone', [
    { label: 'CLI start-up, to its first line', lab: between(lab, zero, (u) => u.cliFirstLine) },
    { label: 'supervisor process start-up and the emulated EC2 API (baseline: the emulator, in-process)', lab: between(lab, (u) => u.supervisorSpawn, (u) => u.emulator), baseline: pick('emulatorMs') },
    { label: 'fabric start: router, internet, IMDS + EC2 API forwarder', lab: between(lab, (u) => u.emulator, (u) => u.fabric), baseline: pick('fabricStartMs') },
    { label: 'VPC, subnets, gateway, 3 instances through the EC2 API', lab: between(lab, (u) => u.fabric, (u) => u.vpc), baseline: pick('vpcMs') },
    { label: 'instances running, their namespaces settled', lab: between(lab, (u) => u.vpc, (u) => u.instancesRunning), baseline: pick('instancesMs') },
    { label: '3 nodes: CNI files, vpcnet-ipamd started until ready (in parallel)', lab: between(lab, (u) => u.instancesRunning, (u) => u.lastNodeReady) },
    { label: 'control API, lab.json, CLI sees ready and exits', lab: between(lab, (u) => u.lastNodeReady, (u) => u.exit) },
    { label: '**`lab up` to ready (CLI exit)**', lab: lab.map((r) => r.up.exit), baseline: pick('upMs') },
    { label: '**`lab down`** (baseline: fabric.stop + emulator close)', lab: lab.map((r) => r.downMs), baseline: pick('downMs') },
  ]);
}

function startupTable(lab: readonly LabRun[]): string {
  const starts = lab.flatMap((run) => run.daemons.map((d) => d.startingEpochMs - (run.up.instancesRunningEpoch ?? d.startingEpochMs)));
  const inits = lab.flatMap((run) => run.daemons.map((d) => d.initializedEpochMs - d.startingEpochMs));
  return table('process start-up behind the phases', undefined, [
    { label: 'one `vpcnet lab --help` (Node, type stripping, loading the CLI\'s modules), just before `lab up`', lab: lab.map((r) => r.helpMs) },
    { label: 'vpcnet-ipamd per node: instances running → its first log line (3 daemons starting at once)', lab: starts },
    { label: 'vpcnet-ipamd per node: first log line → "Node initialized" (IMDS, EC2 calls, host network, first pool round)', lab: inits },
  ]);
}

function scaleTable(lab: readonly LabRun[], reference: readonly { up: ScaleTimes; down: ScaleTimes }[]): string {
  return table(`busybox pods, ${NODES} nodes`, 'ptp + host-local', [
    { label: `0 → ${PODS}: first pod Running`, lab: lab.map((r) => r.scaleUp.firstMs), baseline: reference.map((r) => r.up.firstMs) },
    { label: `**0 → ${PODS}: all ${PODS} Running**`, lab: lab.map((r) => r.scaleUp.allMs), baseline: reference.map((r) => r.up.allMs) },
    { label: `${PODS} → 0: first pod gone`, lab: lab.map((r) => r.scaleDown.firstMs), baseline: reference.map((r) => r.down.firstMs) },
    { label: `**${PODS} → 0: all gone**`, lab: lab.map((r) => r.scaleDown.allMs), baseline: reference.map((r) => r.down.allMs) },
  ]);
}

/** Per node: ENIs the warm pool attached while scaling up, and when the last one came (ms after the scale began). */
function eniGrowth(lab: readonly LabRun[]): { counts: Samples; lastMs: Samples } {
  const perNode = lab.flatMap((run) => run.daemons.map((daemon) => {
    const end = run.scaleUp.startedEpochMs + run.scaleUp.allMs;
    return daemon.eniAttachedEpochMs.filter((at) => at >= run.scaleUp.startedEpochMs && at <= end).map((at) => at - run.scaleUp.startedEpochMs);
  }));
  return { counts: perNode.map((attaches) => attaches.length), lastMs: perNode.flatMap((attaches) => (attaches.length === 0 ? [] : [Math.max(...attaches)])) };
}

function pluginTable(lab: readonly LabRun[]): string {
  const all = (pick: (times: PluginTimes) => number[]): Samples => lab.flatMap((run) => pick(run.plugin));
  const growth = eniGrowth(lab);
  const counts = [...new Set(growth.counts)].sort((a, b) => a - b).join(' or ');
  return table('inside the nodes: vpcnet-ipamd and vpcnet-cni logs (every node / call of all runs)', undefined, [
    { label: `0 → ${PODS}: scale began → the node's last new ENI attached (${counts || 'no'} ENIs per node)`, lab: growth.lastMs },
    { label: 'ADD: received → the daemon\'s reply ("Assigned addresses")', lab: all((t) => t.addDaemonMs) },
    { label: 'ADD: received → "Pod network set up"', lab: all((t) => t.addMs) },
    { label: 'DEL: received → "Pod network deleted"', lab: all((t) => t.delMs) },
  ]);
}

function generated(facts: string, runtimeS: number, tables: readonly string[]): string {
  return [
    `\`npm run bench:lab -- --runs ${RUNS}\` as root; the whole bench took ${Math.round(runtimeS)} s.`,
    `Machine: ${facts}.`,
    'The default cluster (3 × t3.medium, one per AZ, `--latency fast`, throttling on) with vpcnet-cni built once',
    `into a temp dir (\`lab up --cni\`). ${RUNS} runs of each side, alternating which goes first; each figure is the`,
    'median (min–max).',
    '',
    ...tables.flatMap((text) => [text, '']),
    'What each number measures:',
    '- `lab up` and `lab down`: the CLI as a subprocess, from spawn to its exit (`lab up` exits when the supervisor',
    '  reports ready: every node\'s vpcnet-ipamd answers STATUS ready and the control API serves). The phases are the',
    '  times `lab up` printed each progress line (it polls the supervisor\'s log every 100 ms, so ±0.1 s).',
    '- fabric alone: in this process, `startEmulator` + `Fabric` with IMDS and the EC2 API services, the same',
    '  `createClusterVpc` calls, until the instances run and the fabric has settled; no CLI or supervisor process, no',
    '  vpcnet-ipamd, no CNI files, no control plane. Its teardown is `fabric.stop()` and closing the emulator.',
    '- process start-up: `vpcnet lab --help` timed like `lab up`; vpcnet-ipamd (all nodes of all runs) from the time',
    '  `lab up` printed "instances running" to the daemon\'s first log line, and from there to its "Node initialized"',
    '  line (timestamps of its own log, `ipamd.log`).',
    `- scaling: \`PUT .../deployments/web/scale\` on the control API, then \`GET /v1/snapshot\` every 100 ms until all ${PODS} of`,
    '  the deployment\'s pods are Running (CNI ADD done, busybox running), or until none is left (CNI DEL done,',
    `  namespace removed). ${SETTLE_MS / 1000} s pause in between. Baseline: ${PODS} pods through the same \`createSandbox\` /`,
    '  `removeSandbox` the node agents use (netns, loopback, conflist ADD, busybox shell), with `ptp` + `host-local` +',
    `  \`portmap\` from /usr/lib/cni, round-robin over ${NODES} node namespaces, ${SANDBOXES_PER_NODE} at a time per node; no daemon, scheduler or API.`,
    '- inside the node: "Attached a new ENI" lines of `ipamd.log` during the scale-up; vpcnet-cni\'s own log lines',
    '  (`plugin.log`, every node) from "Received CNI command" on: the part of an ADD or DEL after',
    '  the executable has started and read its input; what a sandbox costs beyond that is process start-up (nsenter,',
    '  the Node.js single executable, loopback, portmap), `ip netns` and the busybox process.',
  ].join('\n');
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (namespaces, veth pairs, nftables)');
  if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(PODS) || PODS < 1) throw new Error('--runs and --pods take whole numbers ≥ 1');
  const started = performance.now();
  const facts = await machineFacts();
  const dir = await mkdtemp(join(tmpdir(), 'vpcnet-bench-lab-cni-'));
  const lab: LabRun[] = [];
  const fabric: FabricTimes[] = [];
  const reference: { up: ScaleTimes; down: ScaleTimes }[] = [];
  try {
    log('building vpcnet-cni into a temp dir (not timed)');
    const cni = (await buildCni({ outDir: join(dir, 'bin') })).executable;
    for (let run = 0; run < RUNS; run++) {
      const labSide = async (): Promise<void> => {
        lab.push(await labRun(cni));
        log(`run ${run + 1}: lab up ${(lab.at(-1)!.up.exit / 1000).toFixed(1)} s, 0→${PODS} ${(lab.at(-1)!.scaleUp.allMs / 1000).toFixed(1)} s (${lab.at(-1)!.scaleUp.warnings ?? 0} pod warnings), ${PODS}→0 ${(lab.at(-1)!.scaleDown.allMs / 1000).toFixed(1)} s, down ${(lab.at(-1)!.downMs / 1000).toFixed(1)} s`);
      };
      const baselines = async (): Promise<void> => {
        fabric.push(await fabricAlone());
        reference.push(await referencePods({ pods: PODS, nodes: NODES, parallelPerNode: SANDBOXES_PER_NODE, dir: join(dir, `ref-${run}`) }));
        log(`run ${run + 1}: fabric alone ${(fabric.at(-1)!.upMs / 1000).toFixed(1)} s, reference 0→${PODS} ${(reference.at(-1)!.up.allMs / 1000).toFixed(1)} s, ${PODS}→0 ${(reference.at(-1)!.down.allMs / 1000).toFixed(1)} s`);
      };
      for (const side of run % 2 === 0 ? [labSide, baselines] : [baselines, labSide]) await side();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const text = generated(facts, (performance.now() - started) / 1000, [upTable(lab, fabric), startupTable(lab), scaleTable(lab, reference), pluginTable(lab)]);
  process.stdout.write(`${text}\n`);
  if (!flags['no-write']) await updateResults(resolve(import.meta.dirname, 'RESULTS.md'), text);
}

await main();
