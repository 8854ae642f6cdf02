import { Command, InvalidArgumentError, Option } from 'commander';
import { addLabCommands } from './lab-commands.ts';
import { DEFAULT_IMDS_ENDPOINT, MAX_PODS_DESCRIPTION, MAX_PODS_HELP_AFTER, runMaxPods } from './max-pods.ts';
import type { MaxPodsCliOptions } from './max-pods.ts';
import type { Output } from './output.ts';
import { DEFAULT_LAB_HOME } from '../lab/cluster/lab-home.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port (0-65535)`);
  return port;
}

/** What the CLI needs from its process: where to write and how to learn it should stop. */
export interface CliContext {
  readonly output: Output;
  /** Resolves when the person asks a long-running command to stop (SIGINT/SIGTERM). */
  readonly stopped: Promise<void>;
  /** Records the exit code of a command that fails without throwing (default: leave it at 0). */
  readonly setExitCode?: (code: number) => void;
  /** The lab home directory (`VPCNET_LAB_HOME`, default /var/run/vpcnet-lab). */
  readonly labHomeDir?: string;
  /** How to run this CLI again, for the lab's background process: `[node, src/bin/vpcnet.ts]`. */
  readonly selfCommand?: readonly string[];
}

/** Builds the `vpcnet` command tree. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('vpcnet')
    .description('VPC-native pod networking for Kubernetes on AWS, and a local VPC lab')
    .showHelpAfterError()
    .enablePositionalOptions()
    // Throw instead of exiting, so commands run in-process (tests) and only bin/ decides the exit code.
    .exitOverride()
    .configureOutput({ writeOut: (s) => context.output.out(s.trimEnd()), writeErr: (s) => context.output.err(s.trimEnd()) });

  const lab = program.command('lab').description('the local VPC lab: an EKS-style cluster on this machine, with an emulated AWS');
  addLabCommands(lab, { ...context, labHomeDir: context.labHomeDir ?? DEFAULT_LAB_HOME, selfCommand: context.selfCommand ?? [] });
  lab.command('ec2-demo')
    .description('build the default VPC in the emulated AWS and show, with the real AWS CLI, what ipamd does on a node')
    .action(async () => (await import('./lab-ec2-demo.ts')).runLabEc2Demo(context.output));
  lab.command('ec2')
    .description('serve the emulated EC2 API and IMDS (with a default VPC and 3 instances) in the foreground until Ctrl-C')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'EC2 API port (0 picks a free one)', parsePort, 8788)
    .addOption(new Option('--latency <profile>', 'how slow AWS is: attach delays, API latency, IMDS lag').choices(['fast', 'realistic']).default('realistic'))
    .option('--no-throttle', 'turn off the EC2-like token buckets (RequestLimitExceeded)')
    .action(async (options: { host: string; port: number; latency: 'fast' | 'realistic'; throttle: boolean }) => (await import('./lab-ec2.ts')).runLabEc2(options, context.output, context.stopped));
  program.command('max-pods')
    .description(MAX_PODS_DESCRIPTION)
    .addOption(new Option('--instance-type <type>', 'instance type to calculate max pods for (e.g. m5.large)'))
    .addOption(new Option('--instance-type-from-imds', 'read the instance type from IMDS (IMDSv2)'))
    .addOption(new Option('--imds-endpoint <url>', 'IMDS base URL for --instance-type-from-imds').default(DEFAULT_IMDS_ENDPOINT))
    // Not a requiredOption: a missing version prints max-pods-calculator.sh's own message.
    .addOption(new Option('--cni-version <x.y.z>', 'version of the VPC CNI (required), e.g. 1.7.5'))
    .addOption(new Option('--cni-custom-networking-enabled', 'custom networking is on: the primary ENI holds no pod IPs'))
    .addOption(new Option('--cni-prefix-delegation-enabled', 'prefix delegation is on: /28 prefixes instead of secondary IPs'))
    .addOption(new Option('--cni-max-eni <n>', 'use at most this many ENIs (default: all ENIs of the instance type)'))
    .addOption(new Option('--show-max-allowed', 'print the max allowed value instead of the 110/250-capped recommendation'))
    .addHelpText('after', MAX_PODS_HELP_AFTER)
    .action(async (options: MaxPodsCliOptions) => {
      context.setExitCode?.(await runMaxPods(options, context.output));
    });
  return program;
}
