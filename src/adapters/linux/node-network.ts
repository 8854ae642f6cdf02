import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnmarkBackend, NodeRulesInput, SnatPlanInput } from '../../core/node-network/index.ts';
import { LinkNotFoundError, NODE_RULE_PRIORITIES, planNftConnmark, planNodeRules, planSecondaryEni, planSnatRules, routeTableId } from '../../core/node-network/index.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import type { NodeNetwork, PrimaryEniSetup, SecondaryEniSetup, SnatSettings } from '../../ports/node-network.ts';
import { CommandFailedError, ipBatch, runChecked } from './ip-batch.ts';
import type { IptablesCommands } from './iptables-snat.ts';
import { applyIptablesPlan, DEFAULT_IPTABLES_COMMANDS } from './iptables-snat.ts';
import type { IptablesVersion } from './iptables-version.ts';
import { parseIptablesVersion } from './iptables-version.ts';
import { applyNftConnmark } from './nft-connmark.ts';
import { ensurePodRuleCommands, nodeRuleCommands, podRuleCommands, secondaryEniCommands } from './node-network-commands.ts';
import type { LinkState, RouteState, RuleState } from './node-network-iproute.ts';
import { parseLinks, parseRoutes, parseRules } from './node-network-iproute.ts';

/** How {@link LinuxNodeNetwork} runs its tools. */
export interface LinuxNodeNetworkOptions {
  /** Every command goes through it (tests prefix `ip netns exec <ns>`). */
  readonly runner: CommandRunner;
  /** The `ip` program; `ip` by default. */
  readonly ip?: string;
  /** The iptables programs; `iptables`, `iptables-save`, `iptables-restore` by default. */
  readonly iptables?: IptablesCommands;
  /** The `nft` program; `nft` by default. */
  readonly nft?: string;
  /** Finding an ENI's link by MAC: tries and pause between them (upstream: 5 × 3 s). */
  readonly linkLookup?: { readonly attempts: number; readonly intervalMs: number };
}

const DEFAULT_LINK_LOOKUP = { attempts: 5, intervalMs: 3000 };

/**
 * {@link NodeNetwork} with iproute2 (`ip -json` to read, `ip -batch` to write), iptables-save/-restore and
 * nft. Operations run one at a time, so two callers never interleave a read and a write.
 */
export class LinuxNodeNetwork implements NodeNetwork {
  readonly #runner: CommandRunner;
  readonly #ip: string;
  readonly #iptables: IptablesCommands;
  readonly #nft: string;
  readonly #linkLookup: { readonly attempts: number; readonly intervalMs: number };
  #iptablesVersion: IptablesVersion | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LinuxNodeNetworkOptions) {
    this.#runner = options.runner;
    this.#ip = options.ip ?? 'ip';
    this.#iptables = options.iptables ?? DEFAULT_IPTABLES_COMMANDS;
    this.#nft = options.nft ?? 'nft';
    this.#linkLookup = options.linkLookup ?? DEFAULT_LINK_LOOKUP;
  }

  /** `ip link set dev <primary> mtu <mtu>` when it differs. */
  setupPrimaryEni(setup: PrimaryEniSetup): Promise<void> {
    return this.#serial(async () => {
      const link = await this.#linkByMac(setup.mac);
      if (link.mtu !== setup.mtu) await this.#batch([`link set dev ${link.name} mtu ${setup.mtu}`]);
    });
  }

  /** Configures a secondary ENI as section d says (see `planSecondaryEni`). */
  setupSecondaryEni(setup: SecondaryEniSetup): Promise<void> {
    return this.#serial(async () => {
      const link = await this.#linkByMac(setup.mac);
      const plan = planSecondaryEni({ ...setup, interfaceName: link.name });
      const state = {
        link,
        tableRoutes: await this.#routes(String(routeTableId(setup))),
        mainRoutes: await this.#routes('main'),
        rules: await this.#rules(),
      };
      await this.#batch(secondaryEniCommands(plan, state));
    });
  }

  /** Converges iptables and the nftables connmark table; the nftables table is added before iptables changes and removed after. */
  applySnat(settings: SnatSettings): Promise<void> {
    return this.#serial(async () => {
      const version = await this.#version();
      const link = await this.#linkByMac(settings.primaryMac);
      const input: SnatPlanInput = {
        ...settings,
        primaryInterface: link.name,
        connmarkBackend: settings.connmarkBackend ?? version.connmarkBackend,
        randomFullySupported: version.randomFullySupported,
      };
      const nftPlan = planNftConnmark(input);
      if (nftPlan !== undefined) await applyNftConnmark(this.#runner, this.#nft, nftPlan);
      await applyIptablesPlan(this.#runner, this.#iptables, planSnatRules(input));
      if (nftPlan === undefined) await applyNftConnmark(this.#runner, this.#nft, undefined);
    });
  }

  /** Converges the rules at 1024, 1535 and 32765. */
  applyNodeRules(input: NodeRulesInput): Promise<void> {
    return this.#serial(async () => {
      await this.#batch(nodeRuleCommands(await this.#rules(), planNodeRules(input), NODE_RULE_PRIORITIES));
    });
  }

  /** Deletes the 512 and 1536 rules of one pod address. */
  removePodRules(podIp: string): Promise<void> {
    return this.#serial(async () => {
      await this.#batch(podRuleCommands(await this.#rules(), podIp));
    });
  }

  /** Converges the 512 and 1536 rules of one pod address (see `ensurePodRuleCommands`); no command when in place. */
  ensurePodRules(podIp: string, routeTableId: number): Promise<void> {
    return this.#serial(async () => {
      await this.#batch(ensurePodRuleCommands(await this.#rules(), podIp, routeTableId));
    });
  }

  /** Names from `ip -json link show`. */
  linkNames(): Promise<readonly string[]> {
    return this.#serial(async () => parseLinks(await this.#read(['-json', 'link', 'show'])).map((link) => link.name));
  }

  /** From `iptables --version`, asked once. */
  connmarkBackend(): Promise<ConnmarkBackend> {
    return this.#serial(async () => (await this.#version()).connmarkBackend);
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #linkByMac(mac: string): Promise<LinkState> {
    const wanted = mac.toLowerCase();
    for (let attempt = 1; attempt <= this.#linkLookup.attempts; attempt++) {
      if (attempt > 1) await sleep(this.#linkLookup.intervalMs);
      const link = parseLinks(await this.#read(['-json', 'addr', 'show'])).find((candidate) => candidate.mac === wanted);
      if (link !== undefined) return link;
    }
    throw new LinkNotFoundError(mac, this.#linkLookup.attempts);
  }

  /** Routes of a table; none when the kernel has no such table yet (before its first route). */
  async #routes(table: string): Promise<RouteState[]> {
    const args = ['-json', '-4', 'route', 'show', 'table', table];
    const result = await this.#runner.run(this.#ip, args);
    if (result.code === 0) return parseRoutes(result.stdout);
    if (/FIB table does not exist/.test(result.stderr)) return [];
    throw new CommandFailedError([this.#ip, ...args].join(' '), result);
  }

  async #rules(): Promise<RuleState[]> {
    return parseRules(await this.#read(['-N', '-json', '-4', 'rule', 'show']));
  }

  #read(args: readonly string[]): Promise<string> {
    return runChecked(this.#runner, this.#ip, args);
  }

  #batch(commands: readonly string[]): Promise<void> {
    return ipBatch(this.#runner, commands, { ipPath: this.#ip });
  }

  async #version(): Promise<IptablesVersion> {
    this.#iptablesVersion ??= parseIptablesVersion(await runChecked(this.#runner, this.#iptables.iptables, ['--version']));
    return this.#iptablesVersion;
  }
}
