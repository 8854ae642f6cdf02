import type { LabView } from '../lab/cluster/control-client.ts';
import type { LabCliContext } from './lab-context.ts';
import { labView } from './lab-context.ts';

/** The facts `lab status -o json` prints. */
export function statusJson(view: LabView): Record<string, unknown> {
  const { info, snapshot, details } = view;
  const workloads = snapshot.pods.filter((pod) => !pod.hostNetwork);
  const count = (status: string): number => workloads.filter((pod) => pod.status === status).length;
  return {
    ...info,
    supervisorPid: details.supervisorPid,
    home: details.home,
    nodes: snapshot.nodes.map((node) => ({
      name: node.name, instanceId: node.instanceId, instanceType: node.instanceType, zone: node.zone, internalIp: node.internalIp, externalIp: node.externalIp ?? null,
      ready: node.ready, maxPods: node.maxPods, pods: snapshot.pods.filter((pod) => pod.nodeName === node.name).length, netns: node.netns,
      vpcnetIpamd: node.daemon,
    })),
    pods: { total: workloads.length, running: count('Running'), pending: count('Pending'), containerCreating: count('ContainerCreating'), terminating: count('Terminating') },
    deployments: snapshot.deployments.map((d) => ({ namespace: d.namespace, name: d.name, replicas: d.replicas })),
  };
}

function statusLines(view: LabView): string[] {
  const json = statusJson(view);
  const pods = json.pods as Record<string, number>;
  const lines = [
    `Cluster "${view.info.clusterName}" (lab ${view.info.labId}) in ${view.info.region}, up since ${view.info.startedAt}, supervisor pid ${String(view.details.supervisorPid)}`,
    `  VPC ${view.info.vpcId}`,
    `  EC2 API        ${view.info.ec2Endpoint}   (vpcnet lab aws ec2 ...)`,
    `  internet echo  ${view.info.internetEchoUrl}`,
    `  pods           ${pods.running ?? 0} running, ${pods.pending ?? 0} pending, ${pods.containerCreating ?? 0} creating (host-network system pods not counted)`,
    '  nodes:',
  ];
  for (const node of view.snapshot.nodes) {
    const used = view.snapshot.pods.filter((pod) => pod.nodeName === node.name).length;
    const daemon = `vpcnet-ipamd ${node.daemon.phase}${node.daemon.pid === undefined ? '' : ` pid ${node.daemon.pid}`}${node.daemon.restarts > 0 ? `, ${node.daemon.restarts} restarts` : ''}`;
    lines.push(`    ${node.name}  ${node.instanceId}  ${node.instanceType}  ${node.zone}  ${node.ready ? 'Ready' : 'NotReady'}  pods ${used}/${node.maxPods}  ${daemon}`);
  }
  return lines;
}

/** `vpcnet lab status [-o json]`. */
export async function runLabStatus(options: { output?: string }, context: LabCliContext): Promise<void> {
  const view = await labView(context);
  if (options.output === 'json') context.output.out(JSON.stringify(statusJson(view), null, 2));
  else for (const line of statusLines(view)) context.output.out(line);
}
