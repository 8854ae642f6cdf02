import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { POD_IMAGES } from '../lab/cluster/objects.ts';
import type { PodImage } from '../lab/cluster/objects.ts';
import { runLabDemo } from './lab-demo.ts';
import { runLabDown } from './lab-down.ts';
import { awsCommand, nodeCommand, podCommand, runAttached } from './lab-exec.ts';
import type { LabCliContext } from './lab-context.ts';
import { runLabCreateDeployment, runLabDelete, runLabDescribe, runLabGet, runLabRun, runLabScale } from './lab-kube.ts';
import { runLabStatus } from './lab-status.ts';
import type { LabUpOptions } from './lab-up.ts';
import { runLabSupervise, runLabUp } from './lab-up.ts';

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return count;
}

const namespaceOption = (): Option => new Option('-n, --namespace <namespace>', 'the namespace').default('default');
const imageOption = (): Option => new Option('--image <image>', 'what the pod runs: a busybox shell, or busybox httpd on port 80').choices(POD_IMAGES).default('busybox');
const upOptions = (command: Command): Command => command
  .option('-f, --file <cluster.yaml>', 'an eksctl-style ClusterConfig (default: 3 × t3.medium in us-west-2a/b/c, VPC 192.168.0.0/16)')
  .addOption(new Option('--latency <profile>', 'how slow the emulated AWS is (realistic: ENI attach takes seconds)').choices(['fast', 'realistic']).default('fast'))
  .option('--no-throttle', 'turn off the EC2-like API token buckets (RequestLimitExceeded)')
  .addOption(new Option('--cni <path>', 'install this vpcnet-cni executable instead of dist/vpcnet-cni').hideHelp());

function addLifecycle(lab: Command, context: LabCliContext): void {
  upOptions(lab.command('up').description('bring up an EKS-style cluster: emulated EC2 + IMDS, VPC, nodes running vpcnet-ipamd, vpcnet-cni installed'))
    .action((options: LabUpOptions) => runLabUp(options, context));
  upOptions(lab.command('supervise', { hidden: true }).description('the lab\'s long-running process (started by `lab up`)'))
    .requiredOption('--home <dir>', 'lab home').requiredOption('--lab-id <id>', 'lab id')
    .action((options: LabUpOptions & { home: string; labId: string; cni: string }) => runLabSupervise(options, context));
  lab.command('down').description('delete every pod (CNI DEL), stop the daemons and remove every namespace and file of the lab')
    .action(() => runLabDown(context));
  lab.command('status').description('the running lab: nodes, daemons, pods, the EC2 API endpoint and the internet echo service')
    .addOption(new Option('-o, --output <format>', 'json for scripts').choices(['json']))
    .action((options: { output?: string }) => runLabStatus(options, context));
  lab.command('demo').description('bring up the default cluster (unless one is up) and walk through EKS pod networking with real commands')
    .action(() => runLabDemo(context));
}

function addKubectl(lab: Command, context: LabCliContext): void {
  lab.command('get').description('list nodes, pods or deployments, like kubectl get').argument('<resource>', 'nodes | pods | deployments')
    .addOption(namespaceOption()).option('-A, --all-namespaces', 'pods of every namespace')
    .addOption(new Option('-o, --output <format>', 'wide or json (Kubernetes object shape)').choices(['wide', 'json']))
    .action((resource: string, options: { namespace: string; allNamespaces?: boolean; output?: string }) => runLabGet(resource, options, context));
  lab.command('describe').description('a pod or node in detail, with its events').argument('<resource>', 'pod | node').argument('<name>', 'its name (nodes: also the instance id or a unique prefix)')
    .addOption(namespaceOption())
    .action((resource: string, name: string, options: { namespace: string }) => runLabDescribe(resource, name, options, context));
  lab.command('run').description('start one pod').argument('<name>').addOption(namespaceOption()).addOption(imageOption())
    .action((name: string, options: { namespace: string; image: PodImage }) => runLabRun(name, options, context));
  const create = lab.command('create').description('create a deployment');
  create.command('deployment').description('a deployment that keeps --replicas pods running').argument('<name>').addOption(namespaceOption()).addOption(imageOption())
    .option('--replicas <n>', 'number of pods', parseCount, 1)
    .action((name: string, options: { namespace: string; image: PodImage; replicas: number }) => runLabCreateDeployment(name, options, context));
  lab.command('scale').description('change a deployment\'s replicas: scale deployment/<name> --replicas N').argument('<target>', 'deployment/<name>').argument('[name]')
    .addOption(namespaceOption()).requiredOption('--replicas <n>', 'the new number of pods', parseCount)
    .action((target: string, name: string | undefined, options: { namespace: string; replicas: number }) => runLabScale(target, name, options, context));
  lab.command('delete').description('delete a pod or a deployment (and its pods); waits until they are gone').argument('<resource>', 'pod | deployment').argument('<name>')
    .addOption(namespaceOption())
    .action((resource: string, name: string, options: { namespace: string }) => runLabDelete(resource, name, options, context));
}

function addCommands(lab: Command, context: LabCliContext): void {
  const attach = async (command: Parameters<typeof runAttached>[0]): Promise<void> => context.setExitCode?.(await runAttached(command));
  lab.command('exec').description('run a command in a pod (busybox: ping, wget, nc, ip ...): exec <pod> -- <command>').argument('<pod>').argument('<command...>')
    .addOption(namespaceOption()).passThroughOptions()
    .action(async (pod: string, argv: string[], options: { namespace: string }) => attach(await podCommand(context, { namespace: options.namespace, pod }, argv)));
  lab.command('node').description('run a command in a node\'s namespace (ip route, ip rule, iptables -t nat -S, curl localhost:61679/v1/enis, tcpdump)')
    .argument('<node>', 'node name, instance id or a unique prefix').argument('<command...>').passThroughOptions()
    .action(async (node: string, argv: string[]) => attach(await nodeCommand(context, node, argv)));
  lab.command('aws').description('the AWS CLI against the lab\'s EC2 API: aws ec2 describe-network-interfaces ...').argument('<args...>')
    .allowUnknownOption().passThroughOptions().helpOption(false)
    .action(async (argv: string[]) => attach(await awsCommand(context, argv)));
}

const LAB_HELP_AFTER = `
A first session (as root):
  vpcnet lab up                                   the default cluster: 3 × t3.medium, one per AZ
  vpcnet lab create deployment web --image httpd --replicas 3
  vpcnet lab get pods -o wide
  vpcnet lab exec <pod> -- ping -c 1 <another pod's IP>
  vpcnet lab node <node> -- ip route
  vpcnet lab down
The lab's files live in $VPCNET_LAB_HOME (default /var/run/vpcnet-lab).`;

/** Adds every `vpcnet lab ...` command that works on a lab cluster. */
export function addLabCommands(lab: Command, context: LabCliContext): void {
  lab.enablePositionalOptions().addHelpText('after', LAB_HELP_AFTER);
  addLifecycle(lab, context);
  addKubectl(lab, context);
  addCommands(lab, context);
}
