import { release } from 'node:os';
import type { LabView } from '../lab/cluster/control-client.ts';
import { describeNode, describePod, kubectlJson, noResourcesFound, nodesJson, nodesTable, podsJson, podsTable } from '../lab/cluster/kube-view.ts';
import type { LabNode, LabPod, PodImage } from '../lab/cluster/objects.ts';
import { connectLab, LabCliError, labView } from './lab-context.ts';
import type { LabCliContext } from './lab-context.ts';

/** Namespace selection of `get`/`describe`/`exec`: `-n NS`, or `-A` for all. */
export interface NamespaceOptions {
  readonly namespace: string;
  readonly allNamespaces?: boolean;
}

const RESOURCE_ALIASES: Readonly<Record<string, 'pods' | 'nodes' | 'deployments'>> = {
  pod: 'pods', pods: 'pods', po: 'pods', node: 'nodes', nodes: 'nodes', no: 'nodes', deployment: 'deployments', deployments: 'deployments', deploy: 'deployments',
};

/** Resolves a kubectl resource name (`po`, `nodes`, `deploy`, ...). */
export function resourceOf(name: string): 'pods' | 'nodes' | 'deployments' {
  const resource = RESOURCE_ALIASES[name.toLowerCase()];
  if (resource === undefined) throw new LabCliError(`the server doesn't have a resource type "${name}" (the lab has pods, nodes and deployments)`);
  return resource;
}

/** Finds a node by name, instance id, or a unique prefix of its name. */
export function findNode(nodes: readonly LabNode[], wanted: string): LabNode {
  const exact = nodes.find((node) => node.name === wanted || node.instanceId === wanted);
  if (exact !== undefined) return exact;
  const matches = nodes.filter((node) => node.name.startsWith(wanted));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return only;
  if (matches.length > 1) throw new LabCliError(`"${wanted}" matches ${matches.length} nodes: ${matches.map((n) => n.name).join(', ')}`);
  throw new LabCliError(`nodes "${wanted}" not found (nodes: ${nodes.map((n) => n.name).join(', ')})`);
}

/** Finds a pod by name in a namespace. */
export function findPod(pods: readonly LabPod[], namespace: string, name: string): LabPod {
  const pod = pods.find((p) => p.namespace === namespace && p.name === name);
  if (pod === undefined) throw new LabCliError(`pods "${name}" not found in namespace "${namespace}"`);
  return pod;
}

function deploymentsTable(view: LabView, options: NamespaceOptions): string {
  const rows = view.snapshot.deployments.filter((d) => options.allNamespaces === true || d.namespace === options.namespace).map((d) => {
    const pods = view.snapshot.pods.filter((p) => p.namespace === d.namespace && p.owner === d.name && p.status !== 'Terminating');
    const ready = pods.filter((p) => p.status === 'Running').length;
    return [...(options.allNamespaces === true ? [d.namespace] : []), d.name, `${ready}/${d.replicas}`, String(pods.length), String(ready)];
  });
  const header = [...(options.allNamespaces === true ? ['NAMESPACE'] : []), 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE'];
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 3))).join('')).join('\n');
}

/** `vpcnet lab get nodes|pods|deployments [-n NS | -A] [-o wide|json]`. */
export async function runLabGet(resourceName: string, options: NamespaceOptions & { output?: string }, context: LabCliContext): Promise<void> {
  const resource = resourceOf(resourceName);
  const view = await labView(context);
  const now = new Date();
  const wide = options.output === 'wide';
  const json = options.output === 'json';
  if (options.output !== undefined && !wide && !json) throw new LabCliError(`unable to match a printer suitable for the output format "${options.output}", allowed formats are: json,wide`);
  if (resource === 'nodes') {
    context.output.out(json ? kubectlJson(nodesJson(view.snapshot.nodes, { region: view.snapshot.region, kernel: release() })).trimEnd() : nodesTable(view.snapshot.nodes, { wide, now, kernel: release() }).trimEnd());
    return;
  }
  if (resource === 'deployments') {
    context.output.out(deploymentsTable(view, options));
    return;
  }
  const pods = view.snapshot.pods.filter((pod) => options.allNamespaces === true || pod.namespace === options.namespace);
  if (json) context.output.out(kubectlJson(podsJson(pods, view.snapshot)).trimEnd());
  else if (pods.length === 0) context.output.out(noResourcesFound(options.allNamespaces === true ? undefined : options.namespace));
  else context.output.out(podsTable(pods, { wide, allNamespaces: options.allNamespaces === true, now }).trimEnd());
}

/** `vpcnet lab describe pod|node <name>`. */
export async function runLabDescribe(resourceName: string, name: string, options: NamespaceOptions, context: LabCliContext): Promise<void> {
  const resource = resourceOf(resourceName);
  const view = await labView(context);
  const now = new Date();
  if (resource === 'nodes') context.output.out(describeNode(view.snapshot, findNode(view.snapshot.nodes, name), now).trimEnd());
  else if (resource === 'pods') context.output.out(describePod(view.snapshot, findPod(view.snapshot.pods, options.namespace, name), now).trimEnd());
  else throw new LabCliError('describe supports pods and nodes');
}

/** `vpcnet lab run <name> [--image busybox|httpd]`. */
export async function runLabRun(name: string, options: { namespace: string; image: PodImage }, context: LabCliContext): Promise<void> {
  const { client } = await connectLab(context);
  await client.createPod({ namespace: options.namespace, name, image: options.image });
  context.output.out(`pod/${name} created`);
}

/** `vpcnet lab create deployment <name> [--replicas N] [--image ...]`. */
export async function runLabCreateDeployment(name: string, options: { namespace: string; image: PodImage; replicas: number }, context: LabCliContext): Promise<void> {
  const { client } = await connectLab(context);
  await client.createDeployment({ namespace: options.namespace, name, image: options.image, replicas: options.replicas });
  context.output.out(`deployment.apps/${name} created`);
}

/** Splits `deployment/web` (or `deploy/web`) into its name; a bare name is taken as a deployment. */
export function deploymentName(target: string, second: string | undefined): string {
  if (target.split('/').length > 2) throw new LabCliError(`arguments in resource/name form may not have more than one slash: "${target}"`);
  const [kind, name] = target.includes('/') ? target.split('/') : second === undefined ? ['deployment', target] : [target, second];
  if (kind === undefined || name === undefined || name === '' || resourceOf(kind) !== 'deployments') throw new LabCliError(`cannot scale "${target}": the lab scales deployments (deployment/<name>)`);
  return name;
}

/** `vpcnet lab scale deployment/<name> --replicas N`. */
export async function runLabScale(target: string, second: string | undefined, options: { namespace: string; replicas: number }, context: LabCliContext): Promise<void> {
  const name = deploymentName(target, second);
  const { client } = await connectLab(context);
  await client.scaleDeployment(options.namespace, name, options.replicas);
  context.output.out(`deployment.apps/${name} scaled`);
}

/** `vpcnet lab delete pod|deployment <name>`: waits until it is gone, as kubectl does. */
export async function runLabDelete(resourceName: string, name: string, options: NamespaceOptions, context: LabCliContext): Promise<void> {
  const resource = resourceOf(resourceName.includes('/') ? (resourceName.split('/')[0] ?? '') : resourceName);
  const { client } = await connectLab(context);
  if (resource === 'pods') {
    await client.deletePod(options.namespace, name);
    context.output.out(`pod "${name}" deleted`);
  } else if (resource === 'deployments') {
    await client.deleteDeployment(options.namespace, name);
    context.output.out(`deployment.apps "${name}" deleted`);
  } else {
    throw new LabCliError('the lab\'s nodes go away with `vpcnet lab down`');
  }
}
