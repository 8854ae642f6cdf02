import { rm } from 'node:fs/promises';
import { ExecFileRunner } from '../../adapters/linux/exec-file-runner.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import type { Ec2Model } from '../ec2/model/model.ts';
import { desiredFabric } from './desired.ts';
import { setupInternet, setupRouter, startEchoServer } from './internet.ts';
import { EniLinkNames, LabNames, newLabId } from './naming.ts';
import { deleteNamespace, killPids, listNamespaces } from './netns.ts';
import type { FabricState } from './reconcile.ts';
import { reconcile } from './reconcile.ts';
import { RouterTable } from './router-table.ts';
import { SerialQueue } from './serial-queue.ts';
import type { FabricServiceOptions, RunningServices } from './services.ts';
import { startServices } from './services.ts';

/** How to build a fabric. */
export interface FabricOptions {
  readonly model: Ec2Model;
  /** Names everything `vpcl<labId>...`; a fresh random id by default. */
  readonly labId?: string;
  readonly runner?: CommandRunner;
  /** Told about a change the fabric could not apply (it retries on the next model event). */
  readonly onError?: (error: unknown) => void;
  /** AWS services reachable from inside every instance (IMDS, the EC2 API); none by default. */
  readonly services?: FabricServiceOptions;
}

/**
 * Removes what a lab with this id left behind (after a crash): every namespace named `vpcl<labId>-...`
 * with the processes inside it (which takes their links and nftables tables with them) and its run
 * directory. Touches nothing else.
 */
export async function cleanupStale(labId: string, runner: CommandRunner = new ExecFileRunner()): Promise<string[]> {
  const names = new LabNames(labId);
  const owned = (await listNamespaces(runner)).filter((name) => names.ownsNamespace(name));
  for (const namespace of owned) await deleteNamespace(runner, namespace);
  await rm(names.runDirectory, { recursive: true, force: true });
  return owned;
}

/**
 * The EC2 model made real with network namespaces: one namespace per running instance, a veth pair per
 * attached ENI into a VPC router namespace that routes every assigned address and prefix, checks source
 * addresses, enforces security groups and NATs public IPs to an internet namespace with an echo server.
 * With `services`, IMDS and the EC2 API answer inside every instance (see `startServices()`).
 * Nothing is linked or routed to the machine's own network. Model events only trigger a reconciliation,
 * queued so that changes apply one at a time.
 */
export class Fabric {
  readonly names: LabNames;
  #model: Ec2Model;
  #runner: CommandRunner;
  #onError: (error: unknown) => void;
  #queue = new SerialQueue();
  #state: FabricState;
  #unsubscribe: (() => void) | undefined;
  #reconcileQueued = false;
  #echoPid: number | undefined;
  #serviceOptions: FabricServiceOptions;
  #services: RunningServices | undefined;

  constructor(options: FabricOptions) {
    this.#model = options.model;
    this.#runner = options.runner ?? new ExecFileRunner();
    this.#onError = options.onError ?? (() => undefined);
    this.names = new LabNames(options.labId ?? newLabId());
    this.#serviceOptions = options.services ?? {};
    this.#state = {
      names: this.names,
      runner: this.#runner,
      instances: new Set(),
      plugged: new Map(),
      linkNames: new EniLinkNames(),
      router: new RouterTable(),
      ruleset: '',
      publicIpCidr: this.#model.publicIpCidr,
    };
  }

  /** Builds the router and internet namespaces, then everything the model already holds. */
  async start(): Promise<void> {
    await this.#queue.run(async () => {
      if (this.#unsubscribe !== undefined) throw new Error('fabric already started');
      if ((await listNamespaces(this.#runner)).some((name) => this.names.ownsNamespace(name))) {
        throw new Error(`lab ${this.names.labId} already has namespaces: stop it or run cleanupStale() first`);
      }
      await setupRouter(this.#runner, this.names);
      await setupInternet(this.#runner, this.names, this.#model.publicIpCidr);
      this.#echoPid = await startEchoServer(this.#runner, this.names);
      this.#services = await startServices({ names: this.names, model: this.#model, runner: this.#runner }, this.#serviceOptions);
      this.#unsubscribe = this.#model.subscribe(() => this.#requestReconcile());
      await reconcile(this.#state, desiredFabric(this.#model));
    });
  }

  /** Resolves once every change queued so far is applied; never rejects (failures go to `onError`). */
  async settled(): Promise<void> {
    await this.#queue.idle();
  }

  /** Stops following the model and removes every namespace, process and file this fabric created. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#queue.run(async () => {
      await this.#services?.stop();
      this.#services = undefined;
      if (this.#echoPid !== undefined) await killPids([this.#echoPid]);
      this.#echoPid = undefined;
      const namespaces = [...this.#state.instances].map((id) => this.names.instanceNamespace(id));
      for (const namespace of [...namespaces, this.names.internetNamespace, this.names.routerNamespace]) {
        await deleteNamespace(this.#runner, namespace);
      }
      this.#state.instances.clear();
      this.#state.plugged.clear();
      await rm(this.names.runDirectory, { recursive: true, force: true });
    });
  }

  /** The namespace of an instance (it exists while the instance is running or shutting down). */
  instanceNamespace(instanceId: string): string {
    return this.names.instanceNamespace(instanceId);
  }

  #requestReconcile(): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    this.#queue
      .run(async () => {
        this.#reconcileQueued = false;
        if (this.#unsubscribe === undefined) return;
        await reconcile(this.#state, desiredFabric(this.#model));
      })
      .catch(this.#onError);
  }
}
