/**
 * Bench: CNI ADD+DEL through vpcnet (the single-executable build, as `aws-cni`, with a fake daemon over the
 * real unix-socket protocol) against Debian's ptp + host-local (the same datapath shape: veth + /32 host
 * route), on the same machine in the same run, both driven as a runtime drives them (one process per
 * plugin call, inside a "node" namespace, one fresh pod namespace per ADD, DEL with the namespace present).
 *
 * 1. start-up: `CNI_COMMAND=VERSION` of the SEA (with and without V8's code cache), of the bundle under this
 *    Node 24 and under the system Node, each with and without NODE_EXTRA_CA_CERTS=<the system CA bundle>.
 * 2. sequential: N pods, ADD then DEL, plugins alternating pod by pod.
 * 3. 30-way concurrent: 30 pods ADDed at once, then DELeted at once, for R rounds, plugins alternating.
 *
 * Run as root: `npx node bench/cni.ts [sequentialPods] [rounds]`; prints markdown tables for bench/RESULTS.md.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCni } from '../scripts/build-cni.ts';
import type { Conflist, RuntimeConf } from '../src/lab/cluster/cni-driver.ts';
import { CniDriver, PluginFailedError } from '../src/lab/cluster/cni-driver.ts';
import { addNamespace, buildNodeTopology, deleteNamespaces, FakeIpamdService, host, startFakeDaemon, uniquePrefix } from '../test/netns/cni-kit.ts';

const SEQUENTIAL_PODS = Number(process.argv[2] ?? 40);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 30;
const STARTUP_RUNS = 25;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

const prefix = uniquePrefix('b');
const dir = await mkdtemp(join(tmpdir(), 'vpcnet-bench-cni-'));
const socketPath = join(dir, 'ipamd.sock');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const ms = (value: number): string => value.toFixed(1);

function timeProcess(file: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error) => (error === null ? resolve(performance.now() - started) : reject(new Error(`${file} failed: ${error.message}`))));
    child.stdin?.on('error', () => undefined); // a plugin may exit without reading stdin
    child.stdin?.end('{"cniVersion":"1.0.0"}');
  });
}

async function startupTable(sea: string, seaNoCache: string, bundle: string): Promise<string> {
  const variants: Array<[string, string, string[]]> = [
    ['SEA (code cache)', sea, []],
    ['SEA (no code cache)', seaNoCache, []],
    [`bundle on node ${process.version}`, process.execPath, [bundle]],
    ['bundle on system node (/usr/bin/node)', '/usr/bin/node', [bundle]],
    [`node ${process.version} -e 0 (Node floor)`, process.execPath, ['-e', '0']],
    ['ptp VERSION (Go plugin floor)', '/usr/lib/cni/ptp', []],
  ];
  const times = new Map<string, number[]>();
  for (let run = 0; run < STARTUP_RUNS; run++) {
    for (const [name, file, args] of variants) {
      for (const ca of [false, true]) {
        const env = { CNI_COMMAND: 'VERSION', ...(ca ? { NODE_EXTRA_CA_CERTS: CA_BUNDLE } : {}) };
        const key = `${name}|${ca}`;
        times.set(key, [...(times.get(key) ?? []), await timeProcess(file, args, env)]);
      }
    }
  }
  const rows = variants.map(([name]) => {
    const clean = times.get(`${name}|false`) ?? [];
    const withCa = times.get(`${name}|true`) ?? [];
    return `| ${name} | ${ms(median(clean))} | ${ms(percentile(clean, 99))} | ${ms(median(withCa))} | ${ms(percentile(withCa, 99))} |`;
  });
  return [
    `VERSION start-up, ${STARTUP_RUNS} runs each, interleaved (ms):`, '',
    '| executable | median | p99 | median with NODE_EXTRA_CA_CERTS | p99 with it |', '|---|---|---|---|---|', ...rows,
  ].join('\n');
}

interface PluginUnderTest {
  readonly label: string;
  readonly list: Conflist;
}

interface Samples {
  add: number[];
  del: number[];
  wallMs: number;
}

function emptySamples(): Samples {
  return { add: [], del: [], wallMs: 0 };
}

let podCount = 0;

async function newRuntime(): Promise<RuntimeConf> {
  const name = `p${podCount++}`;
  const netns = await addNamespace(`${prefix}-${name}`);
  const containerId = `ctr-${name}-${randomBytes(3).toString('hex')}`;
  return { containerId, netns, ifName: 'eth0', args: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=${name};K8S_POD_INFRA_CONTAINER_ID=${containerId}`, capabilityArgs: {} };
}

async function timed(driver: CniDriver, plugin: PluginUnderTest, command: 'ADD' | 'DEL', runtime: RuntimeConf, prevResult?: string): Promise<{ ms: number; stdout: string }> {
  const conf = plugin.list.plugins[0];
  if (conf === undefined) throw new Error('empty list');
  const stdin = JSON.stringify({ ...conf, name: plugin.list.name, cniVersion: plugin.list.cniVersion, ...(prevResult === undefined ? {} : { prevResult: JSON.parse(prevResult) as unknown }) });
  const run = await driver.exec(conf.type, command, stdin, runtime);
  if (run.code !== 0) throw new PluginFailedError(conf.type, command, run);
  return { ms: run.ms, stdout: run.stdout };
}

async function addDel(driver: CniDriver, plugin: PluginUnderTest, runtimes: readonly RuntimeConf[], samples: Samples): Promise<void> {
  const started = performance.now();
  const added = await Promise.all(runtimes.map((runtime) => timed(driver, plugin, 'ADD', runtime)));
  const deleted = await Promise.all(runtimes.map((runtime, index) => timed(driver, plugin, 'DEL', runtime, added[index]?.stdout)));
  samples.wallMs += performance.now() - started;
  samples.add.push(...added.map((entry) => entry.ms));
  samples.del.push(...deleted.map((entry) => entry.ms));
}

async function dropNamespaces(runtimes: readonly RuntimeConf[]): Promise<void> {
  await Promise.all(runtimes.map((runtime) => host.run('ip', ['netns', 'del', runtime.netns.split('/').pop() ?? ''])));
}

/** ADD then DEL per pod, one pod at a time. */
async function sequential(driver: CniDriver, plugins: readonly PluginUnderTest[]): Promise<Map<string, Samples>> {
  const results = new Map(plugins.map((plugin) => [plugin.label, emptySamples()]));
  for (let pod = 0; pod < SEQUENTIAL_PODS; pod++) {
    for (const plugin of pod % 2 === 0 ? plugins : [...plugins].reverse()) {
      const runtime = await newRuntime();
      const samples = results.get(plugin.label);
      if (samples === undefined) continue;
      const started = performance.now();
      const added = await timed(driver, plugin, 'ADD', runtime);
      samples.add.push(added.ms);
      samples.del.push((await timed(driver, plugin, 'DEL', runtime, added.stdout)).ms);
      samples.wallMs += performance.now() - started;
      await dropNamespaces([runtime]);
    }
  }
  return results;
}

/** 30 pods ADDed at once then DELeted at once, R rounds per plugin, alternating. */
async function concurrent(driver: CniDriver, plugins: readonly PluginUnderTest[]): Promise<Map<string, Samples>> {
  const results = new Map(plugins.map((plugin) => [plugin.label, emptySamples()]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const plugin of round % 2 === 0 ? plugins : [...plugins].reverse()) {
      const runtimes = await Promise.all(Array.from({ length: CONCURRENCY }, () => newRuntime()));
      const samples = results.get(plugin.label);
      if (samples !== undefined) await addDel(driver, plugin, runtimes, samples);
      await dropNamespaces(runtimes);
    }
  }
  return results;
}

function latencyTable(title: string, results: Map<string, Samples>, baseline: string, candidate: string, operations: number): string {
  const rows = [...results].map(([label, samples]) => {
    return `| ${label} | ${ms(median(samples.add))} | ${ms(percentile(samples.add, 99))} | ${ms(median(samples.del))} | ${ms(percentile(samples.del, 99))} | ${ms(samples.wallMs)} |`;
  });
  const base = results.get(baseline);
  const cand = results.get(candidate);
  const ratio = (pick: (samples: Samples) => number): string => (base === undefined || cand === undefined ? '-' : (pick(cand) / pick(base)).toFixed(2));
  const cells = [(samples: Samples) => median(samples.add), (samples: Samples) => percentile(samples.add, 99), (samples: Samples) => median(samples.del), (samples: Samples) => percentile(samples.del, 99), (samples: Samples) => samples.wallMs];
  rows.push(`| ratio ${candidate} / ${baseline} | ${cells.map(ratio).join(' | ')} |`);
  return [`${title} (${operations} ADD+DEL per plugin, ms):`, '', '| plugin | ADD median | ADD p99 | DEL median | DEL p99 | wall total |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const seaDir = join(dir, 'bin');
  const built = await buildCni({ outDir: seaDir });
  const noCache = await buildCni({ outDir: join(dir, 'nocache'), useCodeCache: false });
  process.stdout.write(`${await startupTable(built.executable, noCache.executable, built.bundle)}\n\n`);

  const { node } = await buildNodeTopology(prefix);
  const pool = Array.from({ length: 200 }, (_, index) => ({ ipv4: `10.0.1.${index + 20}`, deviceNumber: 0, routeTableId: 254 }));
  const daemon = await startFakeDaemon(socketPath, new FakeIpamdService(pool));
  const driver = new CniDriver({ binDirs: [seaDir, '/usr/lib/cni'], hostNetns: `/var/run/netns/${node}` });
  const vpcnet: PluginUnderTest = {
    label: 'vpcnet (SEA)',
    list: { cniVersion: '0.4.0', name: 'aws-cni', plugins: [{ type: 'aws-cni', vethPrefix: 'eni', mtu: '9001', ipamdSocket: socketPath, pluginLogFile: join(dir, 'plugin.log'), pluginLogLevel: 'info' }] },
  };
  const ptp: PluginUnderTest = {
    label: 'ptp + host-local',
    list: { cniVersion: '0.4.0', name: 'ptpnet', plugins: [{ type: 'ptp', mtu: 9001, ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: '10.0.3.0/24' }]], dataDir: join(dir, 'host-local') } }] },
  };
  try {
    const plugins = [ptp, vpcnet];
    process.stdout.write(`${latencyTable('Sequential', await sequential(driver, plugins), ptp.label, vpcnet.label, SEQUENTIAL_PODS)}\n\n`);
    const together = await concurrent(driver, plugins);
    process.stdout.write(`${latencyTable(`${CONCURRENCY}-way concurrent (all 30 ADDs at once, then all 30 DELs)`, together, ptp.label, vpcnet.label, CONCURRENCY * ROUNDS)}\n`);
  } finally {
    await daemon.close();
    await deleteNamespaces(prefix);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
