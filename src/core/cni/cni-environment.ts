/**
 * The `CNI_*` environment of one plugin run, checked against what the spec requires for each command.
 *
 * | command | required                                   | vpcnet also reads          |
 * |---------|--------------------------------------------|----------------------------|
 * | ADD     | CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME     | CNI_ARGS (strict), CNI_PATH |
 * | CHECK   | CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME     | CNI_ARGS (strict), CNI_PATH |
 * | DEL     | CNI_CONTAINERID, CNI_IFNAME                | CNI_NETNS (may be empty), CNI_ARGS (lenient) |
 * | GC      | CNI_PATH                                   |                            |
 * | STATUS  | -                                          | CNI_PATH                   |
 * | VERSION | -                                          |                            |
 *
 * This follows the spec, not libcni's skel, which also demands CNI_PATH for ADD, CHECK, DEL and STATUS:
 * vpcnet delegates to no other plugin, so it has no use for CNI_PATH there. DEL never fails on CNI_ARGS: a
 * malformed or unknown pair must not keep a pod from being deleted.
 */
import type { Env } from '../config/index.ts';
import { assertStrictCniArgs, parseCniArgs } from './cni-args.ts';
import type { CniArgs } from './cni-args.ts';
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';

/** The commands of spec 1.1.0. */
export const CNI_COMMANDS = Object.freeze(['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION'] as const);

/** One of {@link CNI_COMMANDS}. */
export type CniCommand = (typeof CNI_COMMANDS)[number];

/** One plugin run as the runtime described it. Absent variables are ''. */
export interface CniInvocation {
  readonly command: CniCommand;
  readonly containerId: string;
  /** Path of the pod's network namespace; '' on a DEL whose runtime no longer has it (`ctr run --cni`). */
  readonly netns: string;
  readonly ifName: string;
  readonly args: CniArgs;
  /** `CNI_PATH` split on ':' (empty entries dropped). */
  readonly path: readonly string[];
}

const REQUIRED: Readonly<Record<CniCommand, readonly string[]>> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  GC: ['CNI_PATH'],
  STATUS: [],
  VERSION: [],
};

// SPEC.md: starts with an alphanumeric character, then alphanumerics, '_', '.' or '-'.
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_IFNAME_BYTES = 15;

function invalid(variable: string, value: string, expected: string): CniError {
  return new CniError(CNI_ERROR_CODES.invalidEnvironment, `invalid ${variable} ${JSON.stringify(value)}: ${expected}`);
}

function readCommand(env: Env): CniCommand {
  const value = env.CNI_COMMAND ?? '';
  if (value === '') throw new CniError(CNI_ERROR_CODES.invalidEnvironment, 'required environment variable CNI_COMMAND is missing', `set it to one of ${CNI_COMMANDS.join(', ')}`);
  const command = CNI_COMMANDS.find((known) => known === value);
  if (command === undefined) throw invalid('CNI_COMMAND', value, `expected one of ${CNI_COMMANDS.join(', ')}`);
  return command;
}

/** Throws code 4 unless `ifName` is a valid Linux interface name (libcni's ValidateInterfaceName). */
export function validateIfName(ifName: string): void {
  if (new TextEncoder().encode(ifName).length > MAX_IFNAME_BYTES) throw invalid('CNI_IFNAME', ifName, 'an interface name has at most 15 bytes');
  if (ifName === '.' || ifName === '..') throw invalid('CNI_IFNAME', ifName, 'an interface name cannot be "." or ".."');
  if (/[/:\s]/u.test(ifName)) throw invalid('CNI_IFNAME', ifName, 'an interface name cannot contain "/", ":" or whitespace');
}

function validateContainerId(containerId: string): void {
  if (!CONTAINER_ID.test(containerId)) {
    throw invalid('CNI_CONTAINERID', containerId, 'expected a letter or digit, then letters, digits, "_", "." or "-"');
  }
}

/**
 * Reads the `CNI_*` variables for one run (tests pass a plain object; only `src/bin` passes `process.env`).
 * Throws code 4 naming every missing variable, or the first invalid one.
 */
export function parseCniEnvironment(env: Env): CniInvocation {
  const command = readCommand(env);
  const value = (name: string): string => env[name] ?? '';
  const missing = REQUIRED[command].filter((name) => value(name) === '');
  if (missing.length > 0) {
    throw new CniError(
      CNI_ERROR_CODES.invalidEnvironment,
      `required environment variables missing: ${missing.join(', ')}`,
      `CNI_COMMAND=${command} needs ${REQUIRED[command].join(', ')}`,
    );
  }
  const invocation: CniInvocation = {
    command,
    containerId: value('CNI_CONTAINERID'),
    netns: value('CNI_NETNS'),
    ifName: value('CNI_IFNAME'),
    args: parseCniArgs(value('CNI_ARGS')),
    path: value('CNI_PATH').split(':').filter((entry) => entry !== ''),
  };
  if (REQUIRED[command].includes('CNI_CONTAINERID')) validateContainerId(invocation.containerId);
  if (REQUIRED[command].includes('CNI_IFNAME')) validateIfName(invocation.ifName);
  if (command === 'ADD' || command === 'CHECK') assertStrictCniArgs(invocation.args);
  return invocation;
}
