import { spawn } from 'node:child_process';
import { DEFAULT_PLUGIN_PATH } from '../lab/cluster/cni-driver.ts';
import { findNode, findPod } from './lab-kube.ts';
import { connectLab, LabCliError } from './lab-context.ts';
import type { LabCliContext } from './lab-context.ts';
import { AWS_CLI, labAwsCliEnv } from './lab-summary.ts';
import { runCommand } from './run-command.ts';
import type { CommandResult } from './run-command.ts';


/** A command to run for the person: file, arguments and its whole environment. */
export interface LabCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** iproute2's `ip` by absolute path: a pod's PATH holds busybox, whose `ip` has no `netns exec`. */
const IPROUTE2 = '/sbin/ip';

/** The command after `--` (commander keeps the separator when options pass through). */
function commandAfterSeparator(argv: readonly string[], usage: string): readonly string[] {
  const command = argv[0] === '--' ? argv.slice(1) : argv;
  if (command.length === 0) throw new LabCliError(`no command given: ${usage}`);
  return command;
}

/** A command inside a pod's network namespace, with busybox's applets as its PATH (the pod's image). */
export async function podCommand(context: LabCliContext, target: { namespace: string; pod: string }, argv: readonly string[]): Promise<LabCommand> {
  const command = commandAfterSeparator(argv, 'vpcnet lab exec <pod> -- <command> [args...]');
  const { home, client } = await connectLab(context);
  const pod = findPod((await client.view()).snapshot.pods, target.namespace, target.pod);
  if (pod.hostNetwork) throw new LabCliError(`${pod.name} runs in its node's network namespace: use \`vpcnet lab node ${pod.nodeName ?? '<node>'} -- ...\``);
  if (pod.status !== 'Running' || pod.netns === undefined) throw new LabCliError(`cannot exec in pod ${pod.name}: it is ${pod.status}${pod.message === undefined ? '' : ` (${pod.message})`}`);
  return { file: IPROUTE2, args: ['netns', 'exec', pod.netns, ...command], env: { PATH: home.busyboxBin, HOME: '/', HOSTNAME: pod.name } };
}

/** A command inside a node's network namespace (the instance), with the machine's tools. */
export async function nodeCommand(context: LabCliContext, nodeName: string, argv: readonly string[]): Promise<LabCommand> {
  const command = commandAfterSeparator(argv, 'vpcnet lab node <node> -- <command> [args...]');
  const { client } = await connectLab(context);
  const node = findNode((await client.view()).snapshot.nodes, nodeName);
  return { file: IPROUTE2, args: ['netns', 'exec', node.netns, ...command], env: { PATH: DEFAULT_PLUGIN_PATH, HOME: '/root' } };
}

/** The AWS CLI pointed at the lab's EC2 API with the lab's credentials. */
export async function awsCommand(context: LabCliContext, argv: readonly string[]): Promise<LabCommand> {
  const command = commandAfterSeparator(argv, 'vpcnet lab aws ec2 describe-instances');
  const { client } = await connectLab(context);
  const { info } = await client.view();
  return {
    file: AWS_CLI, args: ['--endpoint-url', info.ec2Endpoint, ...command],
    env: { PATH: DEFAULT_PLUGIN_PATH, HOME: '/root', ...labAwsCliEnv(info.region) },
  };
}

/** Runs a lab command attached to this terminal; resolves with its exit code. */
export function runAttached(command: LabCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, [...command.args], { stdio: 'inherit', env: { ...command.env } });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/** Runs a lab command and collects its output (the demo and tests). */
export function runCaptured(command: LabCommand): Promise<CommandResult> {
  return runCommand(command.file, command.args, { ...command.env });
}
