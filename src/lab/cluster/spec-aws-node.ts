import { parse } from 'yaml';
import { ConfigError, formatConfigProblem, parseDaemonConfig } from '../../core/config/index.ts';
import { KNOWN_ADDONS, VPC_CNI_ADDON } from './spec-defaults.ts';
import { MappingReader, childPath, describeValue } from './spec-read.ts';
import type { Problems } from './spec-read.ts';
import { didYouMean } from './spec-suggest.ts';

/**
 * `addons[]`: the aws-node environment, set the EKS way through the vpc-cni add-on's
 * `configurationValues: '{"env":{"WARM_IP_TARGET":"5"}}'` (a JSON or YAML string, or a mapping), and checked
 * by the daemon's own `parseDaemonConfig`, so the lab refuses what `vpcnet-ipamd` would refuse at start.
 */

/** `version` and `resolveConflicts` are accepted for eksctl compatibility; the lab has one version of each. */
const ADDON_KEYS = ['name', 'version', 'configurationValues', 'resolveConflicts'];
/** The vpc-cni add-on schema has more keys (init, nodeAgent, resources...); the lab uses only `env`. */
const CONFIGURATION_KEYS = ['env'];

function parseConfigurationText(addon: MappingReader, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parse(text, { prettyErrors: false }) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    addon.report('configurationValues', `cannot be parsed as JSON or YAML: ${reason}`);
    return undefined;
  }
}

function readConfigurationValues(addon: MappingReader, problems: Problems): MappingReader | undefined {
  const raw = addon.raw('configurationValues');
  const path = addon.pathOf('configurationValues');
  if (typeof raw === 'string') return MappingReader.of(parseConfigurationText(addon, raw), path, problems);
  if (raw === undefined || typeof raw === 'object') return MappingReader.of(raw, path, problems);
  addon.report('configurationValues', `expected a JSON or YAML string, or a mapping, got ${describeValue(raw)}`);
  return undefined;
}

function readEnvValues(env: MappingReader): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of env.keys()) {
    const value = env.raw(name);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
    else env.report(name, `expected a string, number or boolean, got ${describeValue(value)}`);
  }
  return values;
}

/**
 * Runs the daemon's parser over `values`, reporting each refused variable with the daemon's own message, and
 * each variable the daemon never reads (a likely typo) with the nearest one it does.
 */
function checkWithDaemonParser(values: Readonly<Record<string, string>>, envPath: string, problems: Problems): void {
  const read = new Set<string>();
  const recording = new Proxy(values, {
    get(target, name, receiver): unknown {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name, receiver);
    },
  });
  try {
    parseDaemonConfig(recording);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) problems.add(childPath(envPath, problem.variable), formatConfigProblem(problem));
  }
  for (const name of Object.keys(values)) {
    if (!read.has(name)) problems.add(childPath(envPath, name), `vpcnet-ipamd does not read this variable${didYouMean(name, read)}`);
  }
}

function readVpcCniEnv(addon: MappingReader, problems: Problems): Record<string, string> {
  const configuration = readConfigurationValues(addon, problems);
  configuration?.checkKeys(CONFIGURATION_KEYS);
  const env = configuration?.mapping('env');
  if (env === undefined) return {};
  const values = readEnvValues(env);
  checkWithDaemonParser(values, env.path, problems);
  return values;
}

function readAddonName(addon: MappingReader, seen: Map<string, string>): string | undefined {
  const name = addon.string('name');
  if (name === undefined) {
    if (!addon.has('name')) addon.report('name', `missing: expected an add-on name (${KNOWN_ADDONS.join(', ')})`);
    return undefined;
  }
  const earlier = seen.get(name);
  if (!KNOWN_ADDONS.includes(name)) {
    const hint = didYouMean(name, KNOWN_ADDONS) || ` (the lab knows ${KNOWN_ADDONS.join(', ')})`;
    addon.report('name', `${JSON.stringify(name)} is not an add-on the lab knows${hint}`);
  } else if (earlier !== undefined) {
    addon.report('name', `${JSON.stringify(name)} is already listed at ${earlier}`);
  } else {
    seen.set(name, addon.path);
  }
  return name;
}

/** The aws-node environment from the vpc-cni add-on's `configurationValues.env`; `{}` when not set. */
export function readAwsNodeEnv(root: MappingReader, problems: Problems): Readonly<Record<string, string>> {
  const seen = new Map<string, string>();
  let env: Readonly<Record<string, string>> = {};
  root.list('addons')?.forEach((item, index) => {
    const path = childPath('addons', index);
    const addon = MappingReader.of(item, path, problems);
    if (addon === undefined) {
      if (item === null) problems.add(path, 'expected a mapping with the add-on\'s name, got nothing');
      return;
    }
    addon.checkKeys(ADDON_KEYS);
    const isFirstVpcCni = readAddonName(addon, seen) === VPC_CNI_ADDON && seen.get(VPC_CNI_ADDON) === path;
    if (isFirstVpcCni) env = readVpcCniEnv(addon, problems);
  });
  return env;
}
