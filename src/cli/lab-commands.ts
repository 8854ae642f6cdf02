import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { POD_IMAGES } from '../lab/cluster/objects.ts';
import type { PodImage } from '../lab/cluster/objects.ts';
import type { LabCliContext } from './lab-context.ts';
import type { LabCommand } from './lab-exec.ts';
import type { LabUpOptions } from './lab-up.ts';

// Commands load their modules when they run: the lab's runtime (AWS SDK, emulator, fabric) costs about a
// second of start-up that `get` or `exec` should not pay.
const upModule = () => import('./lab-up.ts');
const kubeModule = () => import('./lab-kube.ts');
const execModule = () => import('./lab-exec.ts');

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
    .action(async (options: LabUpOptions) => (await upModule()).runLabUp(options, context));
  upOptions(lab.command('supervise', { hidden: true }).description('the lab\'s long-running process (started by `lab up`)'))
    .requiredOption('--home <dir>', 'lab home').requiredOption('--lab-id <id>', 'lab id')
    .action(async (options: LabUpOptions & { home: string; labId: string; cni: string }) => (await upModule()).runLabSupervise(options, context));
  lab.command('down').description('delete every pod (CNI DEL), stop the daemons and remove every namespace and file of the lab')
    .action(async () => (await import('./lab-down.ts')).runLabDown(context));
  lab.command('status').description('the running lab: nodes, daemons, pods, the EC2 API endpoint and the internet echo service')
    .addOption(new Option('-o, --output <format>', 'json for scripts').choices(['json']))
    .action(async (options: { output?: string }) => (await import('./lab-status.ts')).runLabStatus(options, context));
  lab.command('demo').description('bring up the default cluster (unless one is up) and walk through EKS pod networking with real commands')
    .action(async () => (await import('./lab-demo.ts')).runLabDemo(context));
}

function addKubectl(lab: Command, context: LabCliContext): void {
  lab.command('get').description('list nodes, pods or deployments, like kubectl get').argument('<resource>', 'nodes | pods | deployments')
    .addOption(namespaceOption()).option('-A, --all-namespaces', 'pods of every namespace')
    .addOption(new Option('-o, --output <format>', 'wide or json (Kubernetes object shape)').choices(['wide', 'json']))
    .action(async (resource: string, options: { namespace: string; allNamespaces?: boolean; output?: string }) => (await kubeModule()).runLabGet(resource, options, context));
  lab.command('describe').description('a pod or node in detail, with its events').argument('<resource>', 'pod | node').argument('<name>', 'its name (nodes: also the instance id or a unique prefix)')
    .addOption(namespaceOption())
    .action(async (resource: string, name: string, options: { namespace: string }) => (await kubeModule()).runLabDescribe(resource, name, options, context));
  lab.command('run').description('start one pod').argument('<name>').addOption(namespaceOption()).addOption(imageOption())
    .action(async (name: string, options: { namespace: string; image: PodImage }) => (await kubeModule()).runLabRun(name, options, context));
  const create = lab.command('create').description('create a deployment');
  create.command('deployment').description('a deployment that keeps --replicas pods running').argument('<name>').addOption(namespaceOption()).addOption(imageOption())
    .option('--replicas <n>', 'number of pods', parseCount, 1)
    .action(async (name: string, options: { namespace: string; image: PodImage; replicas: number }) => (await kubeModule()).runLabCreateDeployment(name, options, context));
  lab.command('scale').description('change a deployment\'s replicas: scale deployment/<name> --replicas N').argument('<target>', 'deployment/<name>').argument('[name]')
    .addOption(namespaceOption()).requiredOption('--replicas <n>', 'the new number of pods', parseCount)
    .action(async (target: string, name: string | undefined, options: { namespace: string; replicas: number }) => (await kubeModule()).runLabScale(target, name, options, context));
  lab.command('delete').description('delete a pod or a deployment (and its pods); waits until they are gone').argument('<resource>', 'pod | deployment').argument('<name>')
    .addOption(namespaceOption())
    .action(async (resource: string, name: string, options: { namespace: string }) => (await kubeModule()).runLabDelete(resource, name, options, context));
}

function addCommands(lab: Command, context: LabCliContext): void {
  const attach = async (command: LabCommand): Promise<void> => context.setExitCode?.(await (await execModule()).runAttached(command));
  lab.command('exec').description('run a command in a pod (busybox: ping, wget, nc, ip ...): exec <pod> -- <command>').argument('<pod>').argument('<command...>')
    .addOption(namespaceOption()).passThroughOptions()
    .action(async (pod: string, argv: string[], options: { namespace: string }) => attach(await (await execModule()).podCommand(context, { namespace: options.namespace, pod }, argv)));
  lab.command('node').description('run a command in a node\'s namespace (ip route, ip rule, iptables -t nat -S, curl localhost:61679/v1/enis, tcpdump)')
    .argument('<node>', 'node name, instance id or a unique prefix').argument('<command...>').passThroughOptions()
    .action(async (node: string, argv: string[]) => attach(await (await execModule()).nodeCommand(context, node, argv)));
  lab.command('aws').description('the AWS CLI against the lab\'s EC2 API: aws ec2 describe-network-interfaces ...').argument('<args...>')
    .allowUnknownOption().passThroughOptions().helpOption(false)
    .action(async (argv: string[]) => attach(await (await execModule()).awsCommand(context, argv)));
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
