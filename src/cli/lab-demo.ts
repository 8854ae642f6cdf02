import { cidrContains, parseCidr, parseIpv4 } from '../core/ip/index.ts';
import type { LabView } from '../lab/cluster/control-client.ts';
import { labHome, processAlive, readLabRecord } from '../lab/cluster/lab-home.ts';
import type { LabNode, LabPod } from '../lab/cluster/objects.ts';
import { DemoRunner, ENIS_SUMMARY_JQ, podsOf } from './lab-demo-kit.ts';
import type { LabCliContext } from './lab-context.ts';
import { runLabUp } from './lab-up.ts';

const WEB = 'web';
const REPLICAS = 6;
const BEYOND_CAPACITY = 50;

function nodeOf(view: LabView, pod: LabPod): LabNode {
  const node = view.snapshot.nodes.find((n) => n.name === pod.nodeName);
  if (node === undefined) throw new Error(`pod ${pod.name} has no node`);
  return node;
}

async function ensureLab(context: LabCliContext): Promise<void> {
  const record = await readLabRecord(labHome(context.labHomeDir));
  if (record !== undefined && processAlive(record.pid)) {
    context.output.out(`Using the running lab ${record.labId} (cluster "${record.clusterName}").`);
    return;
  }
  context.output.out('$ vpcnet lab up');
  await runLabUp({ latency: 'fast', throttle: true }, context);
}

async function deployWeb(demo: DemoRunner, context: LabCliContext): Promise<LabView> {
  const existing = (await demo.waitFor('the lab', () => true)).snapshot.deployments.some((d) => d.name === WEB && d.namespace === 'default');
  await demo.vpcnet(existing ? ['scale', `deployment/${WEB}`, '--replicas', String(REPLICAS)] : ['create', 'deployment', WEB, '--image', 'httpd', '--replicas', String(REPLICAS)]);
  context.output.out(`(waiting for ${REPLICAS} pods to run: each one is a network namespace wired by vpcnet-cni, its address from vpcnet-ipamd)`);
  return demo.waitFor(`${REPLICAS} running web pods`, (view) => podsOf(view, WEB).length === REPLICAS && podsOf(view, WEB).every((p) => p.status === 'Running'));
}

async function showPodAddresses(demo: DemoRunner, view: LabView): Promise<void> {
  demo.heading('1. Every pod gets a real VPC address from its node\'s subnet (no overlay, no separate pod CIDR)');
  await demo.vpcnet(['get', 'pods', '-o', 'wide']);
  const subnets = await demo.aws(['ec2', 'describe-subnets', '--query', 'Subnets[].[AvailabilityZone,CidrBlock,AvailableIpAddressCount]', '--output', 'text']);
  const cidrs = subnets.split('\n').map((line) => line.split(/\s+/)[1] ?? '').filter((c) => c.includes('/')).map((c) => parseCidr(c));
  const inOwnSubnet = podsOf(view, WEB).every((pod) => {
    const subnet = cidrs.find((cidr) => cidrContains(cidr, parseIpv4(nodeOf(view, pod).internalIp)));
    return subnet !== undefined && pod.podIp !== undefined && cidrContains(subnet, parseIpv4(pod.podIp));
  });
  demo.check(inOwnSubnet, 'each pod address lies in the subnet of the node it runs on');
}

async function showNodeRoutes(demo: DemoRunner, view: LabView, node: LabNode): Promise<void> {
  demo.heading(`2. On the node, each pod is a /32 route to its own veth (eni...), plus policy rules for secondary ENIs`);
  const routes = await demo.onNode(node, ['ip', 'route']);
  await demo.onNode(node, ['ip', 'rule']);
  const pods = podsOf(view, WEB).filter((p) => p.nodeName === node.name);
  demo.check(pods.every((p) => new RegExp(`^${(p.podIp ?? '').replace(/\./g, '\\.')} dev eni[0-9a-f]{11} scope link`, 'm').test(routes.stdout)), `a route per pod (${pods.length} on this node) via an eni... interface`);
}

async function showPodToPod(demo: DemoRunner, view: LabView, from: LabPod, to: LabPod): Promise<void> {
  demo.heading('3. A pod reaches a pod on another node directly: VPC routing, no encapsulation');
  const fromNode = nodeOf(view, from);
  const filter = `icmp and host ${to.podIp ?? ''}`;
  const capture = demo.onNodeQuietly(fromNode, ['timeout', '10', 'tcpdump', '-ni', 'any', '-c', '2', '-q', '-l', filter]);
  await new Promise((resolve) => setTimeout(resolve, 700));
  const ping = await demo.inPod(from, ['ping', '-c', '3', to.podIp ?? '']);
  const captured = await capture;
  demo.shown(`vpcnet lab node ${fromNode.name.split('.')[0] ?? ''} -- tcpdump -ni any -c 2 -q '${filter}'   (ran during the ping)`, captured.stdout);
  await demo.inPod(from, ['wget', '-qO-', `http://${to.podIp ?? ''}/`]);
  demo.check(ping.code === 0, `${from.name} on ${fromNode.name.split('.')[0] ?? ''} pinged ${to.name} on ${nodeOf(view, to).name.split('.')[0] ?? ''}`);
  demo.check(captured.stdout.includes(`${from.podIp ?? ''} > ${to.podIp ?? ''}`), 'tcpdump on the node shows the pod addresses themselves on the wire');
}

async function showSnat(demo: DemoRunner, view: LabView, pod: LabPod): Promise<void> {
  demo.heading('4. Traffic to the internet is SNATed to the node\'s address (AWS-SNAT-CHAIN-0), then to its public IP by the gateway');
  const node = nodeOf(view, pod);
  const echo = await demo.inPod(pod, ['wget', '-qO-', view.info.internetEchoUrl]);
  await demo.onNode(node, ['iptables', '-t', 'nat', '-S', 'AWS-SNAT-CHAIN-0']);
  demo.check(echo.stdout.trim() === node.externalIp, `the internet saw ${echo.stdout.trim()}, the public IP of ${node.name.split('.')[0] ?? ''} (${node.externalIp ?? 'none'}), not the pod's ${pod.podIp ?? ''}`);
}

async function showIntrospection(demo: DemoRunner, view: LabView, node: LabNode): Promise<void> {
  demo.heading('5. vpcnet-ipamd\'s introspection endpoint (as upstream, :61679) lists the ENIs and who holds each address');
  const result = await demo.onNode(node, ['sh', '-c', `curl -s http://localhost:61679/v1/enis | jq -r '${ENIS_SUMMARY_JQ}'`], `curl -s http://localhost:61679/v1/enis | jq -r '<sum up ENIs and addresses>'`);
  const pods = podsOf(view, WEB).filter((p) => p.nodeName === node.name);
  demo.check(pods.every((p) => result.stdout.includes(`${p.podIp ?? ''}=${p.name}`)), 'every pod of this node appears against its address');
}

async function showCapacity(demo: DemoRunner): Promise<void> {
  demo.heading(`6. Max pods is real: a t3.medium holds 3 ENIs × 5 pod addresses, max pods 17 including aws-node and kube-proxy`);
  await demo.vpcnet(['scale', `deployment/${WEB}`, '--replicas', String(BEYOND_CAPACITY)]);
  const settled = await demo.waitFor('the scale-up to settle', (v) => {
    const pods = podsOf(v, WEB);
    return pods.length === BEYOND_CAPACITY && pods.every((p) => p.status === 'Running' || (p.status === 'Pending' && p.message !== undefined));
  });
  await demo.vpcnet(['get', 'deployments']);
  const pending = podsOf(settled, WEB).filter((p) => p.status === 'Pending');
  const first = pending[0];
  demo.check(first !== undefined, `${BEYOND_CAPACITY - pending.length} pods run, ${pending.length} stay Pending`);
  if (first === undefined) return;
  await demo.vpcnet(['describe', 'pod', first.name]);
  demo.check(first.message?.includes('Too many pods') === true, `the scheduler says why: ${first.message ?? ''}`);
  await demo.vpcnet(['scale', `deployment/${WEB}`, '--replicas', String(REPLICAS)]);
}

function nextSteps(context: LabCliContext): void {
  for (const line of [
    '',
    'The lab is still up. Try next:',
    '  vpcnet lab get pods -A -o wide                      every pod, with its address and node',
    '  vpcnet lab run shell                                a busybox pod; then: vpcnet lab exec shell -- ping -c 1 <pod IP>',
    '  vpcnet lab node <node> -- ip rule                   the policy routing of pods on secondary ENIs',
    '  vpcnet lab node <node> -- tcpdump -ni any icmp      watch pod traffic on a node',
    '  vpcnet lab aws ec2 describe-network-interfaces      what ipamd did, as EC2 sees it',
    '  vpcnet lab status                                   nodes, daemons and endpoints',
    '  vpcnet lab down                                     remove everything',
    'Every command: vpcnet lab --help. A different cluster: vpcnet lab up -f examples/cluster-small-warm.yaml',
  ]) context.output.out(line);
}

/**
 * `vpcnet lab demo`: brings up the default cluster (unless one is up) and shows, with real commands and
 * their real output, how EKS pod networking works: VPC addresses, /32 routes, direct pod-to-pod traffic,
 * SNAT to the node, ipamd's view, and max pods. Each conclusion is checked, and a failed one sets exit 1.
 */
export async function runLabDemo(context: LabCliContext): Promise<void> {
  await ensureLab(context);
  const demo = new DemoRunner(context);
  await demo.vpcnet(['get', 'nodes', '-o', 'wide']);
  const view = await deployWeb(demo, context);
  await showPodAddresses(demo, view);
  const pods = podsOf(view, WEB);
  const from = pods[0];
  const to = pods.find((p) => from !== undefined && p.nodeName !== from.nodeName);
  if (from === undefined || to === undefined) throw new Error('the web pods did not spread over two nodes');
  await showNodeRoutes(demo, view, nodeOf(view, from));
  await showPodToPod(demo, view, from, to);
  await showSnat(demo, view, from);
  await showIntrospection(demo, view, nodeOf(view, from));
  await showCapacity(demo);
  nextSteps(context);
}
