/**
 * A small libcni: runs a conflist's plugins as executables, the way container runtimes do. Each plugin gets
 * `CNI_*` in its environment and, on stdin, its own config object plus the list's `name` and `cniVersion`,
 * the previous plugin's result as `prevResult` (ADD), the list's cached result (CHECK, DEL), and
 * `runtimeConfig` with the capability arguments it declares. ADD runs the plugins in order, CHECK and DEL
 * in reverse. Plugins run inside a chosen network namespace (`nsenter --net`), as on a node.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** One plugin entry of a conflist. */
export type PluginConf = Readonly<Record<string, unknown>> & { readonly type: string; readonly capabilities?: Readonly<Record<string, boolean>> };

/** A network configuration list. */
export interface Conflist {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly PluginConf[];
}

/** What the runtime knows about the attachment (libcni's RuntimeConf). */
export interface RuntimeConf {
  readonly containerId: string;
  /** '' is passed as an empty CNI_NETNS. */
  readonly netns: string;
  readonly ifName: string;
  /** CNI_ARGS, e.g. `IgnoreUnknown=1;K8S_POD_NAME=web`. */
  readonly args: string;
  /** Capability arguments, e.g. `{ portMappings: [...] }`; each plugin sees those it declares. */
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
}

/** How one plugin process ended. */
export interface PluginRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A plugin that exited non-zero; `stdout` holds its CNI error JSON. */
export class PluginFailedError extends Error {
  readonly run: PluginRun;
  constructor(type: string, command: string, run: PluginRun) {
    super(`${type} ${command} exited with ${run.code}: ${run.stdout || run.stderr}`);
    this.run = run;
  }
}

/** The PATH plugins get unless told otherwise (containerd passes its own environment on). */
export const DEFAULT_PLUGIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where a driver finds plugins and where they run. */
export interface CniDriverOptions {
  readonly binDirs: readonly string[];
  /** The network namespace file the plugins run in (the node's host namespace). */
  readonly hostNetns: string;
  /** The environment the runtime passes on besides `CNI_*` (default: PATH only). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs the plugins of conflists from `binDirs`, inside the network namespace file `hostNetns`. */
export class CniDriver {
  readonly #binDirs: readonly string[];
  readonly #hostNetns: string;
  readonly #env: Readonly<Record<string, string>>;

  constructor(options: CniDriverOptions) {
    this.#binDirs = options.binDirs;
    this.#hostNetns = options.hostNetns;
    this.#env = options.env ?? { PATH: DEFAULT_PLUGIN_PATH };
  }

  /** The executable for plugin `type` (first match in the bin dirs). */
  find(type: string): string {
    const found = this.#binDirs.map((dir) => join(dir, type)).find((path) => existsSync(path));
    if (found === undefined) throw new Error(`no plugin "${type}" in ${this.#binDirs.join(':')}`);
    return found;
  }

  /** Runs one plugin once with `command`; resolves whatever its exit code. */
  exec(type: string, command: string, stdin: string, runtime?: RuntimeConf): Promise<PluginRun> {
    const env: Record<string, string> = { ...this.#env, CNI_COMMAND: command, CNI_PATH: this.#binDirs.join(':') };
    if (runtime !== undefined) Object.assign(env, { CNI_CONTAINERID: runtime.containerId, CNI_NETNS: runtime.netns, CNI_IFNAME: runtime.ifName, CNI_ARGS: runtime.args });
    const started = performance.now();
    return new Promise((resolve) => {
      const child = execFile('nsenter', [`--net=${this.#hostNetns}`, this.find(type)], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      });
      child.stdin?.on('error', () => undefined); // a plugin may exit without reading stdin
      child.stdin?.end(stdin);
    });
  }

  /** ADD through the list; resolves with the final result. */
  async addList(list: Conflist, runtime: RuntimeConf): Promise<Record<string, unknown>> {
    let result: Record<string, unknown> | undefined;
    for (const plugin of list.plugins) result = await this.#invoke(list, plugin, 'ADD', runtime, result);
    if (result === undefined) throw new Error('empty plugin list');
    return result;
  }

  /** CHECK through the list in reverse, each plugin given the cached result. */
  async checkList(list: Conflist, runtime: RuntimeConf, cached: Record<string, unknown>): Promise<void> {
    for (const plugin of [...list.plugins].reverse()) await this.#invoke(list, plugin, 'CHECK', runtime, cached);
  }

  /** DEL through the list in reverse, each plugin given the cached result (if any). */
  async delList(list: Conflist, runtime: RuntimeConf, cached: Record<string, unknown> | undefined): Promise<void> {
    for (const plugin of [...list.plugins].reverse()) await this.#invoke(list, plugin, 'DEL', runtime, cached);
  }

  async #invoke(list: Conflist, plugin: PluginConf, command: string, runtime: RuntimeConf, prevResult: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
    const stdin = JSON.stringify(pluginStdin(list, plugin, runtime, prevResult));
    const run = await this.exec(plugin.type, command, stdin, runtime);
    if (run.code !== 0) throw new PluginFailedError(plugin.type, command, run);
    return command === 'ADD' ? (JSON.parse(run.stdout) as Record<string, unknown>) : undefined;
  }
}

/** The stdin libcni builds for one plugin of a list. */
export function pluginStdin(list: Conflist, plugin: PluginConf, runtime: RuntimeConf, prevResult: Record<string, unknown> | undefined): Record<string, unknown> {
  const declared = Object.entries(plugin.capabilities ?? {}).filter(([, enabled]) => enabled).map(([name]) => name);
  const runtimeConfig = Object.fromEntries(declared.filter((name) => name in runtime.capabilityArgs).map((name) => [name, runtime.capabilityArgs[name]]));
  return {
    ...plugin,
    name: list.name,
    cniVersion: list.cniVersion,
    ...(prevResult === undefined ? {} : { prevResult }),
    ...(Object.keys(runtimeConfig).length === 0 ? {} : { runtimeConfig }),
  };
}
