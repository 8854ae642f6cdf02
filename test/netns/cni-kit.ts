/**
 * Test support for the CNI plugin's namespace tests and benchmark: a fake daemon behind the real RPC server
 * (unix socket, real protocol), runners that run inside a "node" namespace or fail on purpose, a small
 * node + VPC topology, and queries of the node's routing state.
 *
 * Topology (every namespace named `<prefix>-...`, nothing in the root namespace):
 *   <prefix>-node  eth0 192.168.1.10/24 (main table: default via 192.168.1.1)
 *                  eth1 192.168.2.10/24 (table 2: default via 192.168.2.1), ip_forward=1
 *   <prefix>-vpc   n0 192.168.1.1 <-> eth0, n1 192.168.2.1 <-> eth1, 10.99.0.1 on lo; pods in 10.0.1.0/24 are
 *                  routed back via eth0, pods in 10.0.2.0/24 via eth1, with strict rp_filter: a packet from a
 *                  10.0.2.x pod that left the node through eth0 (ignoring table 2) is dropped.
 */
import { randomBytes } from 'node:crypto';
import { ExecFileRunner } from '../../src/adapters/linux/exec-file-runner.ts';
import { runChecked } from '../../src/adapters/linux/ip-batch.ts';
import type { AddReply, AddRequest, DelReply, DelRequest, PodAddress, StatusReply } from '../../src/core/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../src/core/protocol/index.ts';
import type { IpamdService, RpcServer } from '../../src/daemon/rpc-server.ts';
import { startRpcServer } from '../../src/daemon/rpc-server.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/ports/command-runner.ts';
import type { Logger } from '../../src/ports/logger.ts';

export const host = new ExecFileRunner();

/** A logger that drops everything. */
export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A unique namespace prefix for one test file or benchmark run. */
export function uniquePrefix(tag: string): string {
  return `vcni${tag}-${randomBytes(3).toString('hex')}`;
}

/** An address in the fake daemon's pool, optionally reserved for one pod name. */
export interface PoolAddress extends PodAddress {
  readonly forPod?: string;
}

/** A daemon that hands out addresses from a fixed pool, idempotently per IPAM key, and records every DEL. */
export class FakeIpamdService implements IpamdService {
  readonly assigned = new Map<string, PodAddress>();
  readonly dels: DelRequest[] = [];
  ready = true;
  readonly #free: PoolAddress[];

  constructor(pool: readonly PoolAddress[]) {
    this.#free = [...pool];
  }

  add(request: AddRequest): Promise<AddReply> {
    const key = keyOf(request);
    const existing = this.assigned.get(key);
    if (existing !== undefined) return Promise.resolve(ok(existing));
    const index = this.#free.findIndex((entry) => entry.forPod === undefined || entry.forPod === request.pod.name);
    const picked = this.#free[index];
    if (picked === undefined) return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'pool-empty', message: 'warm pool empty' });
    this.#free.splice(index, 1);
    const address: PodAddress = { ipv4: picked.ipv4, deviceNumber: picked.deviceNumber, routeTableId: picked.routeTableId };
    this.assigned.set(key, address);
    return Promise.resolve(ok(address));
  }

  del(request: DelRequest): Promise<DelReply> {
    this.dels.push(request);
    const key = keyOf(request);
    const address = this.assigned.get(key);
    if (address === undefined) return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'unknown-pod', message: 'datastore: unknown pod' });
    this.assigned.delete(key);
    this.#free.push(address);
    return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'ok', addresses: [address] });
  }

  status(): StatusReply {
    return { version: PROTOCOL_VERSION, ready: this.ready, message: this.ready ? '' : 'not ready' };
  }
}

function keyOf(request: AddRequest | DelRequest): string {
  return `${request.key.networkName}/${request.key.containerId}/${request.key.ifName}`;
}

function ok(address: PodAddress): AddReply {
  return { version: PROTOCOL_VERSION, reason: 'ok', addresses: [address], vpcCidrs: ['10.0.0.0/16'], useExternalSnat: false };
}

/** Serves `service` on `socketPath` with the daemon's real RPC server. */
export function startFakeDaemon(socketPath: string, service: IpamdService): Promise<RpcServer> {
  return startRpcServer({ socketPath, service, logger: silentLogger, drainTimeoutMs: 500 });
}

/** Runs every command inside the namespace `<name>` (as if the plugin ran on that node). */
export class NetnsRunner implements CommandRunner {
  readonly #path: string;
  constructor(namespace: string) {
    this.#path = `/var/run/netns/${namespace}`;
  }
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return host.run('nsenter', [`--net=${this.#path}`, file, ...args], options);
  }
}

/** Fails the `failAt`-th command (1-based) without running it; runs the others through `inner`. */
export class FailingRunner implements CommandRunner {
  calls = 0;
  readonly #inner: CommandRunner;
  readonly #failAt: number;
  constructor(inner: CommandRunner, failAt: number) {
    this.#inner = inner;
    this.#failAt = failAt;
  }
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.calls++;
    if (this.calls === this.#failAt) return Promise.resolve({ code: 2, stdout: '', stderr: `injected failure of command ${this.calls}\n` });
    return this.#inner.run(file, args, options);
  }
}

/** Runs a shell command line inside a namespace; throws when it fails. */
export function inNs(namespace: string, script: string): Promise<string> {
  return runChecked(host, 'ip', ['netns', 'exec', namespace, 'sh', '-c', script]);
}

/** True when one ping from `namespace` to `address` is answered within a second. */
export async function pings(namespace: string, address: string): Promise<boolean> {
  return (await host.run('ip', ['netns', 'exec', namespace, 'busybox', 'ping', '-c', '1', '-W', '1', address])).code === 0;
}

/** Creates an empty namespace with loopback up. */
export async function addNamespace(name: string): Promise<string> {
  await runChecked(host, 'ip', ['netns', 'add', name]);
  await runChecked(host, 'ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return `/var/run/netns/${name}`;
}

/** Deletes every namespace whose name starts with `prefix`. */
export async function deleteNamespaces(prefix: string): Promise<void> {
  const listed = await host.run('ip', ['netns', 'list']);
  const names = listed.stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(prefix));
  await Promise.all(names.map((name) => host.run('ip', ['netns', 'del', name])));
}

/** Builds the node and VPC namespaces described at the top; returns the node namespace's name. */
export async function buildNodeTopology(prefix: string): Promise<{ node: string; vpc: string }> {
  const node = `${prefix}-node`;
  const vpc = `${prefix}-vpc`;
  await addNamespace(node);
  await addNamespace(vpc);
  await inNs(node, [
    `ip link add eth0 type veth peer name n0 netns ${vpc}`, `ip link add eth1 type veth peer name n1 netns ${vpc}`,
    'ip addr add 192.168.1.10/24 dev eth0', 'ip addr add 192.168.2.10/24 dev eth1', 'ip link set eth0 up', 'ip link set eth1 up',
    'ip route add default via 192.168.1.1 dev eth0', 'ip route add 192.168.2.0/24 dev eth1 table 2', 'ip route add default via 192.168.2.1 dev eth1 table 2',
    'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0',
  ].join(' && '));
  await inNs(vpc, [
    'ip addr add 192.168.1.1/24 dev n0', 'ip addr add 192.168.2.1/24 dev n1', 'ip addr add 10.99.0.1/32 dev lo', 'ip link set n0 up', 'ip link set n1 up',
    'ip route add 10.0.1.0/24 via 192.168.1.10', 'ip route add 10.0.2.0/24 via 192.168.2.10',
    'sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.n0.rp_filter=1 net.ipv4.conf.n1.rp_filter=1',
  ].join(' && '));
  return { node, vpc };
}

type Json = Record<string, unknown>;

async function showJson(namespace: string, args: readonly string[]): Promise<Json[]> {
  return JSON.parse(await runChecked(host, 'ip', ['-n', namespace, '-json', ...args])) as Json[];
}

/** What the node has for one pod address: rules naming it, its main-table route, and whether a link exists. */
export async function nodeStateFor(node: string, ipv4: string, hostVeth: string): Promise<{ rules: string[]; routes: string[]; vethExists: boolean }> {
  const rules = (await showJson(node, ['rule', 'show'])).filter((rule) => rule.src === ipv4 || rule.dst === ipv4);
  const routes = (await showJson(node, ['route', 'show', 'table', 'main'])).filter((route) => route.dst === ipv4);
  const links = await showJson(node, ['link', 'show']);
  return {
    rules: rules.map((rule) => `${rule.src === ipv4 ? `from ${ipv4}` : `to ${ipv4}`} lookup ${String(rule.table)} prio ${String(rule.priority)}`),
    routes: routes.map((route) => `${ipv4} dev ${String(route.dev)}`),
    vethExists: links.some((link) => link.ifname === hostVeth),
  };
}
