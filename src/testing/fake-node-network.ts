/**
 * A `NodeNetwork` for tests: it changes nothing on the host and records the desired state it was asked to
 * converge to (primary MTU, secondary ENIs, SNAT settings, node rules, removed pod rules). Link names and the
 * pods' ip rules (priorities 512 and 1536) are under the test's control, so a test can say which pod veths
 * and rules exist; failures can be injected.
 */
import type { ConnmarkBackend, IpRule, NodeRulesInput } from '../core/node-network/index.ts';
import { formatIpRule, hostCidr, isPodRule, LinkNotFoundError, MAIN_TABLE, planNodeRules, RULE_PRIORITY } from '../core/node-network/index.ts';
import type { NodeNetwork, PrimaryEniSetup, SecondaryEniSetup, SnatSettings } from '../ports/node-network.ts';

/** Names of the methods a failure can be injected into. */
export type FakeNodeNetworkMethod = 'setupPrimaryEni' | 'setupSecondaryEni' | 'applySnat' | 'applyNodeRules' | 'removePodRules' | 'ensurePodRules' | 'linkNames';

/** The rules `ensurePodRules` converges one pod address to: `to` main at 512, `from` its ENI's table at 1536 off main. */
function wantedPodRules(podIp: string, routeTableId: number): IpRule[] {
  if (!Number.isInteger(routeTableId) || routeTableId < 1 || routeTableId > 2 ** 32 - 1) throw new RangeError(`route table must be an integer 1..4294967295: current value is ${routeTableId}`);
  const host = hostCidr(podIp);
  const toPod: IpRule = { priority: RULE_PRIORITY.toPod, to: host, table: MAIN_TABLE };
  return routeTableId === MAIN_TABLE ? [toPod] : [toPod, { priority: RULE_PRIORITY.fromPod, from: host, table: routeTableId }];
}

/** Records what the daemon asked for. */
export class FakeNodeNetwork implements NodeNetwork {
  /** The last primary ENI setup. */
  primary: PrimaryEniSetup | undefined;
  /** Secondary ENIs set up, by lower-case MAC (the last setup of each). */
  readonly secondaryEnis = new Map<string, SecondaryEniSetup>();
  /** The last SNAT settings applied, and every application in order. */
  snat: SnatSettings | undefined;
  readonly snatHistory: SnatSettings[] = [];
  /** The last node rules input applied. */
  nodeRules: NodeRulesInput | undefined;
  /** Pod addresses whose rules were removed, in order. */
  readonly removedPodRules: string[] = [];
  /** The host's rules at 512 and 1536 (the plugin's, per pod address), in order; duplicates allowed, as on old kernels. */
  readonly podRules: IpRule[] = [];
  /** Every method call, in order (`setupSecondaryEni 0a:...`), for tests of ordering. */
  readonly calls: string[] = [];
  readonly #links = new Set<string>(['lo', 'eth0']);
  readonly #failures = new Map<FakeNodeNetworkMethod, Error[]>();
  /** MACs whose link does not exist (setupSecondaryEni throws LinkNotFoundError). */
  readonly missingMacs = new Set<string>();
  backend: ConnmarkBackend = 'iptables';

  /** Adds a link name (e.g. a pod's host veth, `eni` + 11 hex). */
  addLink(name: string): void {
    this.#links.add(name);
  }

  /** Removes a link name (the pod's veth is gone). */
  removeLink(name: string): void {
    this.#links.delete(name);
  }

  /** Makes the next call of `method` throw `error` (queued: several calls fail in turn). */
  failNext(method: FakeNodeNetworkMethod, error: Error): void {
    const queued = this.#failures.get(method) ?? [];
    queued.push(error);
    this.#failures.set(method, queued);
  }

  /** Adds a pod rule as the plugin (or anything else) would, duplicates included. */
  addPodRule(rule: IpRule): void {
    this.podRules.push(rule);
  }

  /** The pod rules as `ip rule` texts (`to 10.0.0.9 lookup main prio 512`, ...), in order. */
  podRuleTexts(): string[] {
    return this.podRules.map(formatIpRule);
  }

  /** The `ip rule` texts the last node rules input plans (`from 10.0.0.9 lookup 2 prio 32765`, ...). */
  plannedRules(): string[] {
    return this.nodeRules === undefined ? [] : planNodeRules(this.nodeRules).map(formatIpRule);
  }

  async setupPrimaryEni(setup: PrimaryEniSetup): Promise<void> {
    await this.#enter('setupPrimaryEni', setup.mac);
    this.primary = setup;
  }

  async setupSecondaryEni(setup: SecondaryEniSetup): Promise<void> {
    await this.#enter('setupSecondaryEni', setup.mac);
    const mac = setup.mac.toLowerCase();
    if (this.missingMacs.has(mac)) throw new LinkNotFoundError(mac, 1);
    this.secondaryEnis.set(mac, setup);
    this.#links.add(`eth${setup.deviceNumber}`);
  }

  async applySnat(settings: SnatSettings): Promise<void> {
    await this.#enter('applySnat', settings.vpcCidrs.join(','));
    this.snat = settings;
    this.snatHistory.push(settings);
  }

  async applyNodeRules(input: NodeRulesInput): Promise<void> {
    await this.#enter('applyNodeRules', input.secondaryEnis.map((eni) => eni.deviceNumber).join(','));
    this.nodeRules = input;
  }

  async removePodRules(podIp: string): Promise<void> {
    await this.#enter('removePodRules', podIp);
    this.removedPodRules.push(podIp);
    this.#keepPodRules((rule) => !isPodRule(rule, podIp));
  }

  async ensurePodRules(podIp: string, routeTableId: number): Promise<void> {
    await this.#enter('ensurePodRules', `${podIp} ${routeTableId}`);
    const wanted = wantedPodRules(podIp, routeTableId).map(formatIpRule);
    const seen = new Set<string>();
    this.#keepPodRules((rule) => {
      if (!isPodRule(rule, podIp)) return true;
      const text = formatIpRule(rule);
      const keep = wanted.includes(text) && !seen.has(text);
      seen.add(text);
      return keep;
    });
    for (const rule of wantedPodRules(podIp, routeTableId)) if (!seen.has(formatIpRule(rule))) this.podRules.push(rule);
  }

  async linkNames(): Promise<readonly string[]> {
    await this.#enter('linkNames', '');
    return [...this.#links];
  }

  connmarkBackend(): Promise<ConnmarkBackend> {
    return Promise.resolve(this.backend);
  }

  #keepPodRules(keep: (rule: IpRule) => boolean): void {
    const kept = this.podRules.filter(keep);
    this.podRules.splice(0, this.podRules.length, ...kept);
  }

  async #enter(method: FakeNodeNetworkMethod, detail: string): Promise<void> {
    this.calls.push(detail === '' ? method : `${method} ${detail}`);
    await Promise.resolve();
    const error = this.#failures.get(method)?.shift();
    if (error !== undefined) throw error;
  }
}
