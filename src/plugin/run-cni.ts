/**
 * One plugin run, start to finish, with no globals: read the `CNI_*` environment and the config, dispatch
 * the command, and turn every outcome into what the runtime reads (stdout + exit code). Errors render as the
 * CNI error JSON in the config's spec version; anything unexpected is code 999 pointing at the log.
 */
import type { CniCommand, CniInvocation } from '../core/cni/cni-environment.ts';
import { parseCniEnvironment } from '../core/cni/cni-environment.ts';
import { isCniError } from '../core/cni/cni-error.ts';
import { internalError } from '../core/cni/daemon-errors.ts';
import type { NetConf } from '../core/cni/net-conf.ts';
import { parseNetConf } from '../core/cni/net-conf.ts';
import { assertCommandAllowed, versionReply } from '../core/cni/versions.ts';
import type { Logger } from '../ports/logger.ts';
import { cmdAdd } from './add.ts';
import { cmdCheck } from './check.ts';
import type { CommandContext } from './cni-context.ts';
import { messageOf, podFields } from './cni-context.ts';
import { cmdDel } from './del.ts';
import type { CniOutcome, CniRun, PluginDeps } from './plugin-deps.ts';
import { DEFAULT_PLUGIN_LOG_FILE } from './plugin-logger.ts';
import { cmdGc, cmdStatus } from './status.ts';

const SUCCESS_WITHOUT_OUTPUT: CniOutcome = Object.freeze({ stdout: '', exitCode: 0 });

/** VERSION reads `{"cniVersion": ...}` leniently: no or odd input still gets the reply. */
function versionOutcome(stdin: string): CniOutcome {
  let requested: unknown;
  try {
    requested = (JSON.parse(stdin) as { cniVersion?: unknown } | null)?.cniVersion;
  } catch {
    requested = undefined;
  }
  return { stdout: JSON.stringify(versionReply(typeof requested === 'string' ? requested : undefined)), exitCode: 0 };
}

/**
 * The config's log file. `parseNetConf` reports both an absent `pluginLogFile` and "stderr" as '', so the
 * raw text tells them apart: absent means upstream's default plugin.log.
 */
function logFileOf(conf: NetConf, stdin: string, deps: PluginDeps): string {
  if (conf.pluginLogFile !== '') return conf.pluginLogFile;
  return /"pluginLogFile"\s*:\s*"stderr"/i.test(stdin) ? '' : (deps.defaultLogFile ?? DEFAULT_PLUGIN_LOG_FILE);
}

async function dispatch(command: Exclude<CniCommand, 'VERSION'>, context: CommandContext): Promise<CniOutcome> {
  switch (command) {
    case 'ADD':
      return { stdout: await cmdAdd(context), exitCode: 0 };
    case 'DEL':
      await cmdDel(context);
      return SUCCESS_WITHOUT_OUTPUT;
    case 'CHECK':
      await cmdCheck(context);
      return SUCCESS_WITHOUT_OUTPUT;
    case 'STATUS':
      await cmdStatus(context);
      return SUCCESS_WITHOUT_OUTPUT;
    case 'GC':
      cmdGc(context);
      return SUCCESS_WITHOUT_OUTPUT;
  }
}

interface RunState {
  log: Logger | undefined;
  logFile: string;
  cniVersion: string | undefined;
  invocation: CniInvocation | undefined;
}

function failure(error: unknown, state: RunState, deps: PluginDeps): CniOutcome {
  const cniError = isCniError(error) ? error : internalError(error, state.logFile);
  const log = state.log ?? deps.logger({ file: state.logFile, level: 'debug', caller: 'vpcnet-cni' });
  const fields = state.invocation === undefined ? {} : podFields(state.invocation);
  log.error(cniError.message, { ...fields, code: cniError.code, details: cniError.details, ...(isCniError(error) ? {} : { error: messageOf(error) }) });
  return { stdout: JSON.stringify(cniError.toJson(state.cniVersion)), exitCode: 1 };
}

/**
 * Runs one CNI command: `run.env` holds `CNI_COMMAND` and the other `CNI_*` variables, `run.stdin` the network
 * config. Never throws: every failure becomes the CNI error JSON on stdout with exit code 1.
 */
export async function runCni(run: CniRun, deps: PluginDeps): Promise<CniOutcome> {
  const state: RunState = { log: undefined, logFile: deps.defaultLogFile ?? DEFAULT_PLUGIN_LOG_FILE, cniVersion: undefined, invocation: undefined };
  try {
    const invocation = parseCniEnvironment(run.env);
    state.invocation = invocation;
    if (invocation.command === 'VERSION') return versionOutcome(run.stdin);
    const conf = parseNetConf(run.stdin);
    state.cniVersion = conf.cniVersion;
    state.logFile = logFileOf(conf, run.stdin, deps);
    const log = deps.logger({ file: state.logFile, level: conf.pluginLogLevel, caller: `vpcnet-cni/${invocation.command}` });
    state.log = log;
    assertCommandAllowed(invocation.command, conf.cniVersion);
    for (const warning of conf.warnings) log.warn(warning, podFields(invocation));
    log.debug('Received CNI command', { ...podFields(invocation), command: invocation.command, network: conf.name, cniVersion: conf.cniVersion });
    return await dispatch(invocation.command, { invocation, conf, deps, log, logFile: state.logFile });
  } catch (error) {
    return failure(error, state, deps);
  }
}
