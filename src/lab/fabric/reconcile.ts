import { ipBatch, runChecked } from '../../adapters/linux/ip-batch.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import type { DesiredEni, DesiredFabric } from './desired.ts';
import { UPLINK_NAMES } from './internet.ts';
import type { EniLinkNames, LabNames } from './naming.ts';
import { addNamespace, deleteNamespace, setSysctls } from './netns.ts';
import { plugInstanceCommands, plugRouterCommands, routesToEni } from './plumbing.ts';
import type { RouterRoute } from './plumbing.ts';
import type { RouterTable } from './router-table.ts';
import { renderRuleset } from './ruleset.ts';

/** Sysctls of an instance's namespace: strict reverse-path filtering, as Amazon Linux 2 ships. */
const INSTANCE_SYSCTLS = ['net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.default.rp_filter=1'];

/** An ENI whose veth pair exists. */
export interface PluggedEni {
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly link: string;
}

/** What the fabric has built so far; `reconcile()` moves it towards the model. */
export interface FabricState {
  readonly names: LabNames;
  readonly runner: CommandRunner;
  /** Instances whose namespace exists. */
  readonly instances: Set<string>;
  readonly plugged: Map<string, PluggedEni>;
  readonly linkNames: EniLinkNames;
  readonly router: RouterTable;
  /** The nftables script last loaded into the router. */
  ruleset: string;
  /** Where instances' public IPv4 addresses come from (unreachable in the router unless mapped). */
  readonly publicIpCidr: string;
}

function isStale(state: FabricState, want: DesiredFabric, eniId: string, plugged: PluggedEni): boolean {
  const wanted = want.enis.get(eniId);
  return wanted === undefined || wanted.instanceId !== plugged.instanceId || wanted.deviceIndex !== plugged.deviceIndex || !want.instanceIds.has(plugged.instanceId);
}

/** Removes the veth pairs of ENIs that were detached or moved, and the namespaces of gone instances. */
async function removeStale(state: FabricState, want: DesiredFabric): Promise<void> {
  const commands: string[] = [];
  for (const [eniId, plugged] of state.plugged) {
    if (!isStale(state, want, eniId, plugged)) continue;
    if (want.instanceIds.has(plugged.instanceId)) commands.push(`link del ${plugged.link}`);
    state.router.forgetLink(plugged.link);
    state.linkNames.release(eniId);
    state.plugged.delete(eniId);
  }
  await ipBatch(state.runner, commands, { netns: state.names.routerNamespace, force: true });
  const gone = [...state.instances].filter((id) => !want.instanceIds.has(id));
  await Promise.all(gone.map(async (instanceId) => {
    await deleteNamespace(state.runner, state.names.instanceNamespace(instanceId));
    state.instances.delete(instanceId);
  }));
}

async function addInstance(state: FabricState, instanceId: string): Promise<void> {
  const namespace = state.names.instanceNamespace(instanceId);
  await addNamespace(state.runner, namespace);
  state.instances.add(instanceId);
  await setSysctls(state.runner, namespace, INSTANCE_SYSCTLS);
}

async function plugEni(state: FabricState, eni: DesiredEni): Promise<void> {
  const link = state.linkNames.nameOf(eni.networkInterfaceId);
  const namespace = state.names.instanceNamespace(eni.instanceId);
  await ipBatch(state.runner, plugRouterCommands(eni, link, namespace), { netns: state.names.routerNamespace });
  state.plugged.set(eni.networkInterfaceId, { instanceId: eni.instanceId, deviceIndex: eni.deviceIndex, link });
  await ipBatch(state.runner, plugInstanceCommands(eni), { netns: namespace });
}

/** Creates namespaces of new instances, then the veth pairs of newly attached ENIs. */
async function addMissing(state: FabricState, want: DesiredFabric): Promise<void> {
  const newInstances = [...want.instanceIds].filter((id) => !state.instances.has(id));
  await settleAll(newInstances.map((id) => addInstance(state, id)));
  const newEnis = [...want.enis.values()].filter((eni) => !state.plugged.has(eni.networkInterfaceId) && state.instances.has(eni.instanceId));
  await settleAll(newEnis.map((eni) => plugEni(state, eni)));
}

/** Awaits every promise, then throws the first failure, if any. */
async function settleAll(promises: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

async function syncRouter(state: FabricState, want: DesiredFabric): Promise<void> {
  const routes = new Map<string, RouterRoute>();
  for (const [eniId, plugged] of state.plugged) {
    const eni = want.enis.get(eniId);
    if (eni !== undefined) for (const [destination, route] of routesToEni(eni, plugged.link)) routes.set(destination, route);
  }
  const commands = state.router.update({ routes, gateways: want.gateways, unreachable: [...want.vpcCidrs, state.publicIpCidr] });
  await ipBatch(state.runner, commands, { netns: state.names.routerNamespace, force: true });
}

/** Loads the rules of every wanted ENI, before its link exists (rules match link names, not links). */
async function syncRuleset(state: FabricState, want: DesiredFabric): Promise<void> {
  const eniLinks = new Map([...want.enis.keys()].map((eniId) => [eniId, state.linkNames.nameOf(eniId)]));
  const text = renderRuleset(want, { table: state.names.nftTable, eniLinks, internetLink: UPLINK_NAMES.router });
  if (text === state.ruleset) return;
  await runChecked(state.runner, 'ip', ['netns', 'exec', state.names.routerNamespace, 'nft', '-f', '-'], { input: text });
  state.ruleset = text;
}

/**
 * Moves the fabric to `want`: removes what is gone, loads the nftables table (so that a new ENI is
 * filtered from its first packet), adds what is new, then updates the router's routes. Safe to run again after a failure: every step starts from what exists.
 */
export async function reconcile(state: FabricState, want: DesiredFabric): Promise<void> {
  await removeStale(state, want);
  await syncRuleset(state, want);
  try {
    await addMissing(state, want);
  } finally {
    await syncRouter(state, want);
  }
}
