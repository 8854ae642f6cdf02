import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabInfo } from '../lab/cluster/lab-cluster.ts';
import { labHome, processAlive, readLabRecord } from '../lab/cluster/lab-home.ts';
import type { LabHome } from '../lab/cluster/lab-home.ts';
import { DEFAULT_CLUSTER_SPEC, parseClusterSpec } from '../lab/cluster/spec.ts';
import type { ClusterSpec } from '../lab/cluster/spec.ts';
import type { SupervisorLine } from '../lab/cluster/supervisor.ts';
import { superviseLab } from '../lab/cluster/supervisor.ts';
import { LATENCY_PROFILES } from '../lab/ec2/model/latency.ts';
import { newLabId } from '../lab/fabric/naming.ts';
import { ensureCniExecutable, REPO_ROOT } from './cni-executable.ts';
import { cleanupDeadLab, LabCliError } from './lab-context.ts';
import type { LabCliContext } from './lab-context.ts';

/** `lab up` options. */
export interface LabUpOptions {
  readonly file?: string;
  readonly latency: 'fast' | 'realistic';
  readonly throttle: boolean;
  /** A vpcnet-cni executable to install instead of dist/vpcnet-cni (tests, benchmarks). */
  readonly cni?: string;
}

const UP_TIMEOUT_MS = 5 * 60_000;

/** Reads and validates a cluster file, or returns the built-in default. */
export async function loadClusterSpec(file: string | undefined): Promise<ClusterSpec> {
  if (file === undefined) return DEFAULT_CLUSTER_SPEC;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LabCliError(`cannot read cluster file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseClusterSpec(text, file);
}

async function refuseRunningLab(home: LabHome, context: LabCliContext): Promise<void> {
  const record = await readLabRecord(home);
  if (record === undefined) return;
  if (processAlive(record.pid)) throw new LabCliError(`lab ${record.labId} (cluster "${record.clusterName}") is already up, supervisor pid ${record.pid}: run \`vpcnet lab down\` first`);
  const removed = await cleanupDeadLab(record);
  await rm(home.recordFile, { force: true });
  context.output.out(`Cleaned up lab ${record.labId}, whose supervisor had died (${removed.length} namespaces removed).`);
}

function readyLines(info: LabInfo, spec: ClusterSpec, seconds: number): string[] {
  return [
    `Cluster "${info.clusterName}" is up: lab ${info.labId}, ${spec.nodeGroups.reduce((n, g) => n + g.desiredCapacity, 0)} nodes, VPC ${info.vpcId}, in ${seconds.toFixed(1)} s.`,
    `  EC2 API     ${info.ec2Endpoint}   (vpcnet lab aws ec2 describe-instances)`,
    `  internet    ${info.internetEchoUrl} answers with the caller's address`,
    'Next: vpcnet lab get nodes -o wide; vpcnet lab create deployment web --image httpd --replicas 3; vpcnet lab --help',
  ];
}

/** Follows the supervisor's log until it is ready or failed; prints progress as it comes. */
async function followSupervisor(home: LabHome, child: { exited: () => boolean }, context: LabCliContext): Promise<LabInfo> {
  const deadline = Date.now() + UP_TIMEOUT_MS;
  let offset = 0;
  for (;;) {
    const text = await readFile(home.log, 'utf8').catch(() => '');
    const complete = text.slice(offset, text.lastIndexOf('\n') + 1);
    offset += complete.length;
    for (const line of complete.split('\n').filter((l) => l.startsWith('{'))) {
      const parsed = JSON.parse(line) as SupervisorLine;
      if ('progress' in parsed) context.output.out(`  ✓ ${parsed.progress}`);
      if ('ready' in parsed) return parsed.ready;
      if ('failed' in parsed) throw new LabCliError(`lab up failed: ${parsed.failed}\n(the supervisor's log: ${home.log})`);
    }
    if (child.exited()) throw new LabCliError(`the lab supervisor exited before the lab was ready; its log ends with:\n${text.split('\n').slice(-15).join('\n')}`);
    if (Date.now() > deadline) throw new LabCliError(`the lab was not ready after ${UP_TIMEOUT_MS / 1000} s: see ${home.log}`);
    await sleep(100);
  }
}

/**
 * `vpcnet lab up`: validates the cluster file, builds vpcnet-cni if needed, starts the lab's supervisor
 * in the background (`vpcnet lab supervise`, its output in `<home>/lab.log`) and shows its progress until
 * the cluster is ready.
 */
export async function runLabUp(options: LabUpOptions, context: LabCliContext): Promise<void> {
  const started = performance.now();
  const home = labHome(context.labHomeDir);
  const spec = await loadClusterSpec(options.file);
  if (process.getuid?.() !== 0) throw new LabCliError('the lab needs root (network namespaces, veth pairs, nftables): run it as root');
  await refuseRunningLab(home, context);
  context.output.out(`Bringing up cluster "${spec.name}" in ${spec.region}: ${spec.nodeGroups.map((g) => `${g.desiredCapacity} × ${g.instanceType}`).join(', ')} over ${spec.zones.join(', ')}`);
  const ensured = options.cni === undefined ? await ensureCniExecutable() : { path: options.cni, built: false };
  context.output.out(`  ✓ vpcnet-cni executable ${ensured.path}${ensured.built ? ' (built from the sources now)' : ''}`);
  const cni = ensured.path;
  await mkdir(home.dir, { recursive: true, mode: 0o700 });
  const log = await open(home.log, 'w');
  const labId = newLabId();
  const [file, ...args] = context.selfCommand;
  if (file === undefined) throw new Error('empty self command');
  const superviseArgs = ['lab', 'supervise', '--home', home.dir, '--lab-id', labId, '--latency', options.latency, '--cni', cni, ...(options.throttle ? [] : ['--no-throttle']), ...(options.file === undefined ? [] : ['-f', resolve(options.file)])];
  const child = spawn(file, [...args, ...superviseArgs], { detached: true, stdio: ['ignore', log.fd, log.fd], cwd: REPO_ROOT });
  await log.close();
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const info = await followSupervisor(home, { exited: () => exited }, context);
  for (const line of readyLines(info, spec, (performance.now() - started) / 1000)) context.output.out(line);
}

/** `vpcnet lab supervise` (internal): the lab's long-running process, started by `lab up`. */
export async function runLabSupervise(options: LabUpOptions & { home: string; labId: string; cni: string }, context: LabCliContext): Promise<void> {
  const spec = await loadClusterSpec(options.file);
  await superviseLab({
    spec, home: labHome(options.home), labId: options.labId, latency: LATENCY_PROFILES[options.latency], throttle: options.throttle,
    cniExecutable: options.cni, daemonCommand: [process.execPath, join(REPO_ROOT, 'src/bin/vpcnet-ipamd.ts')],
    emit: (line) => context.output.out(JSON.stringify(line)), stopped: context.stopped,
  });
}
