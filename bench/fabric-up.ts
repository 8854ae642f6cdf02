/**
 * Bench: how long the lab fabric takes to bring up 3 instances with 3 ENIs each (namespaces, veth pairs,
 * addresses, routes, nftables), measured from the model operations to `fabric.settled()`, against a
 * baseline measured in the same run: the same namespaces, veth pairs, addresses and routes made with
 * plain sequential `ip` commands (one process per command, no batching, no nftables, no sysctls, no
 * echo server), named with the lab prefix and removed afterwards. Runs alternate fabric and baseline.
 * Run as root: `npx node bench/fabric-up.ts [runs]`; prints a markdown table for bench/RESULTS.md.
 */
import { performance } from 'node:perf_hooks';
import { ExecFileRunner } from '../src/adapters/linux/exec-file-runner.ts';
import { runChecked } from '../src/adapters/linux/ip-batch.ts';
import { attachNetworkInterface } from '../src/lab/ec2/model/eni-attachments.ts';
import { runInstances } from '../src/lab/ec2/model/instances.ts';
import { Ec2Model } from '../src/lab/ec2/model/model.ts';
import { createNetworkInterface } from '../src/lab/ec2/model/network-interfaces.ts';
import { createSubnet } from '../src/lab/ec2/model/subnets.ts';
import { createVpc } from '../src/lab/ec2/model/vpcs.ts';
import { desiredFabric } from '../src/lab/fabric/desired.ts';
import { Fabric, LAB_ADDRESSES } from '../src/lab/fabric/index.ts';
import { EniLinkNames, LabNames, newLabId } from '../src/lab/fabric/naming.ts';
import { plugInstanceCommands, plugRouterCommands, routesToEni } from '../src/lab/fabric/plumbing.ts';

const INSTANCES = 3;
const ENIS_PER_INSTANCE = 3;
const SECONDARY_IPS_PER_ENI = 5;
const runner = new ExecFileRunner();

/** One run's phases: router + internet, the instances and their ENIs, and removing it all. */
interface RunTimes {
  readonly startMs: number;
  readonly upMs: number;
  readonly stopMs: number;
}

function bringUp(model: Ec2Model, subnetId: string): void {
  const launched = runInstances(model, {
    imageId: 'ami-0bench00000000001', instanceType: 't3.medium', minCount: INSTANCES, maxCount: INSTANCES, subnetId,
  });
  for (const instance of launched.instances) {
    for (let deviceIndex = 1; deviceIndex < ENIS_PER_INSTANCE; deviceIndex++) {
      const eni = createNetworkInterface(model, { subnetId, secondaryPrivateIpAddressCount: SECONDARY_IPS_PER_ENI });
      attachNetworkInterface(model, { networkInterfaceId: eni.networkInterfaceId, instanceId: instance.instanceId, deviceIndex });
    }
  }
}

function benchVpc(): { model: Ec2Model; subnetId: string } {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  const subnet = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.0.0/20', availabilityZone: 'us-west-2a' });
  return { model, subnetId: subnet.subnetId };
}

async function fabricRun(): Promise<RunTimes> {
  const { model, subnetId } = benchVpc();
  const errors: unknown[] = [];
  const fabric = new Fabric({ model, onError: (error) => errors.push(error) });
  const t0 = performance.now();
  let t1 = t0;
  let t2 = t0;
  try {
    await fabric.start();
    t1 = performance.now();
    bringUp(model, subnetId);
    await fabric.settled();
    t2 = performance.now();
  } finally {
    await fabric.stop();
  }
  if (errors.length > 0) throw new Error(`fabric errors: ${String(errors[0])}`);
  return { startMs: t1 - t0, upMs: t2 - t1, stopMs: performance.now() - t2 };
}

/** Runs `ip <args>` in a namespace (or the current one), one process per command. */
async function ip(netns: string | undefined, command: string): Promise<void> {
  const args = [...(netns === undefined ? [] : ['-n', netns]), ...command.split(' ')];
  await runChecked(runner, 'ip', args);
}

/** The baseline's router and internet namespaces and the veth pair between them, as `setupInternet()` builds it. */
async function baselineStart(names: LabNames, created: string[], publicIpCidr: string): Promise<void> {
  const { routerUplink, internetUplink, uplinkPrefixLength, echoServer } = LAB_ADDRESSES;
  for (const namespace of [names.routerNamespace, names.internetNamespace]) {
    await ip(undefined, `netns add ${namespace}`);
    created.push(namespace);
    await ip(namespace, 'link set lo up');
  }
  const router = names.routerNamespace;
  const internet = names.internetNamespace;
  await ip(router, `link add igw0 type veth peer name wan0 netns ${internet}`);
  await ip(router, `addr add ${routerUplink}/${uplinkPrefixLength} dev igw0`);
  await ip(router, 'link set igw0 up');
  await ip(router, `route replace default via ${internetUplink} dev igw0`);
  await ip(internet, `addr add ${internetUplink}/${uplinkPrefixLength} dev wan0`);
  await ip(internet, 'link set wan0 up');
  await ip(internet, `addr add ${echoServer}/32 dev lo`);
  await ip(internet, `route replace ${publicIpCidr} via ${routerUplink} dev wan0`);
}

/** The same instance namespaces, veth pairs, addresses and routes as the fabric makes for the model. */
async function baselineUp(names: LabNames, created: string[], model: Ec2Model): Promise<void> {
  const want = desiredFabric(model);
  const router = names.routerNamespace;
  for (const instanceId of want.instanceIds) {
    const namespace = names.instanceNamespace(instanceId);
    await ip(undefined, `netns add ${namespace}`);
    created.push(namespace);
    await ip(namespace, 'link set lo up');
  }
  const links = new EniLinkNames();
  for (const eni of want.enis.values()) {
    const link = links.nameOf(eni.networkInterfaceId);
    const namespace = names.instanceNamespace(eni.instanceId);
    for (const command of plugRouterCommands(eni, link, namespace)) await ip(router, command);
    for (const command of plugInstanceCommands(eni)) await ip(namespace, command);
    for (const [destination, route] of routesToEni(eni, link)) await ip(router, `route replace ${destination} ${route.spec}`);
  }
  for (const gateway of want.gateways) await ip(router, `addr add ${gateway}/32 dev lo`);
  for (const cidr of [...want.vpcCidrs, model.publicIpCidr]) await ip(router, `route replace unreachable ${cidr}`);
}

async function baselineRun(): Promise<RunTimes> {
  const { model, subnetId } = benchVpc();
  const names = new LabNames(newLabId());
  const created: string[] = [];
  const t0 = performance.now();
  let t1 = t0;
  let t2 = t0;
  try {
    await baselineStart(names, created, model.publicIpCidr);
    t1 = performance.now();
    bringUp(model, subnetId);
    await baselineUp(names, created, model);
    t2 = performance.now();
  } finally {
    for (const namespace of created.reverse()) await runner.run('ip', ['netns', 'del', namespace]);
  }
  return { startMs: t1 - t0, upMs: t2 - t1, stopMs: performance.now() - t2 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

type Phase = (times: RunTimes) => number;

const PHASES: readonly (readonly [string, Phase])[] = [
  ['start: router + internet namespaces (fabric: + nft, sysctls, echo server)', (r) => r.startMs],
  [`bring-up: ${INSTANCES} instances x ${ENIS_PER_INSTANCE} ENIs to settled`, (r) => r.upMs],
  ['start + bring-up', (r) => r.startMs + r.upMs],
  ['teardown', (r) => r.stopMs],
];

function cell(results: readonly RunTimes[], phase: Phase): string {
  const values = results.map(phase);
  return `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`;
}

const runs = Number(process.argv[2] ?? 5);
const fabricResults: RunTimes[] = [];
const baselineResults: RunTimes[] = [];
for (let i = 0; i < runs; i++) {
  fabricResults.push(await fabricRun());
  baselineResults.push(await baselineRun());
}
const lines = [
  `fabric-up: ${INSTANCES} instances x ${ENIS_PER_INSTANCE} ENIs (${SECONDARY_IPS_PER_ENI} secondary IPs on each added ENI), ${runs} runs each, alternating`,
  '',
  '| phase | fabric ms, median (min-max) | baseline ms, median (min-max) | fabric/baseline |',
  '|---|---|---|---|',
  ...PHASES.map(([label, phase]) => {
    const ratio = median(fabricResults.map(phase)) / median(baselineResults.map(phase));
    return `| ${label} | ${cell(fabricResults, phase)} | ${cell(baselineResults, phase)} | ${ratio.toFixed(2)} |`;
  }),
  '',
  'baseline: the same namespaces, veth pairs, addresses and routes with one `ip` process per command, sequentially.',
];
process.stdout.write(`${lines.join('\n')}\n`);
