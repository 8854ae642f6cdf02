/** Test support for the fabric's packet tests: a VPC built with the model's own operations, and exec helpers. */
import { ExecFileRunner } from '../../src/adapters/linux/exec-file-runner.ts';
import { runInstances } from '../../src/lab/ec2/model/instances.ts';
import { attachInternetGateway, createInternetGateway } from '../../src/lab/ec2/model/internet-gateways.ts';
import { Ec2Model } from '../../src/lab/ec2/model/model.ts';
import { associateRouteTable, createRoute, createRouteTable } from '../../src/lab/ec2/model/route-tables.ts';
import type { Instance, NetworkInterface, Subnet, Vpc } from '../../src/lab/ec2/model/state.ts';
import { createSubnet } from '../../src/lab/ec2/model/subnets.ts';
import { associateVpcCidrBlock, createVpc } from '../../src/lab/ec2/model/vpcs.ts';

export const runner = new ExecFileRunner();

/** A VPC 10.0.0.0/16 + 100.64.0.0/16 with a public subnet (a), a private one (b) and one in the secondary block (c). */
export interface LabVpc {
  readonly model: Ec2Model;
  readonly vpc: Vpc;
  readonly publicA: Subnet;
  readonly privateB: Subnet;
  readonly secondaryC: Subnet;
}

/** Builds the VPC through the model's operations (events included), as the EC2 API would. */
export function buildVpc(): LabVpc {
  const model = new Ec2Model();
  const vpc = createVpc(model, { cidrBlock: '10.0.0.0/16' });
  associateVpcCidrBlock(model, { vpcId: vpc.vpcId, cidrBlock: '100.64.0.0/16' });
  const publicA = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-west-2a' });
  const privateB = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '10.0.2.0/24', availabilityZone: 'us-west-2b' });
  const secondaryC = createSubnet(model, { vpcId: vpc.vpcId, cidrBlock: '100.64.0.0/24', availabilityZone: 'us-west-2c' });
  const igw = createInternetGateway(model);
  attachInternetGateway(model, { internetGatewayId: igw.internetGatewayId, vpcId: vpc.vpcId });
  const table = createRouteTable(model, { vpcId: vpc.vpcId });
  createRoute(model, { routeTableId: table.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.internetGatewayId });
  associateRouteTable(model, { routeTableId: table.routeTableId, subnetId: publicA.subnetId });
  return { model, vpc, publicA, privateB, secondaryC };
}

/** Launches one t3.medium in the subnet. */
export function launch(model: Ec2Model, subnet: Subnet, options: { publicIp?: boolean; groupIds?: string[] } = {}): Instance {
  const reservation = runInstances(model, {
    imageId: 'ami-0fabric000000001', instanceType: 't3.medium', minCount: 1, maxCount: 1, subnetId: subnet.subnetId,
    ...(options.publicIp === undefined ? {} : { associatePublicIpAddress: options.publicIp }),
    ...(options.groupIds === undefined ? {} : { groupIds: options.groupIds }),
  });
  const instance = reservation.instances[0];
  if (instance === undefined) throw new Error('no instance launched');
  return instance;
}

/** The primary ENI of an instance. */
export function primaryEni(model: Ec2Model, instance: Instance): NetworkInterface {
  const eni = model.state.networkInterfaces.get(instance.primaryNetworkInterfaceId);
  if (eni === undefined) throw new Error(`no ENI ${instance.primaryNetworkInterfaceId}`);
  return eni;
}

/** The primary private address of an instance. */
export function privateIp(model: Ec2Model, instance: Instance): string {
  return primaryEni(model, instance).privateIps[0]?.address ?? '';
}

/** Runs a command inside a namespace; resolves with its exit code and output. */
export async function inNs(namespace: string, command: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runner.run('ip', ['netns', 'exec', namespace, ...command]);
}

/** True when one ping from the namespace to `address` is answered within a second. */
export async function pings(namespace: string, address: string, source?: string): Promise<boolean> {
  const from = source === undefined ? [] : ['-I', source];
  return (await inNs(namespace, ['busybox', 'ping', '-c', '1', '-W', '1', ...from, address])).code === 0;
}

/** GET through busybox wget, given up after 2 s; undefined when it failed. */
export async function httpGet(namespace: string, url: string): Promise<string | undefined> {
  const result = await inNs(namespace, ['timeout', '2', 'busybox', 'wget', '-q', '-O', '-', url]);
  return result.code === 0 ? result.stdout : undefined;
}

/** Lab namespaces still present for this prefix. */
export async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  const result = await runner.run('ip', ['netns', 'list']);
  return result.stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(prefix));
}

/** An HTTP reply seen from inside a namespace. */
export interface NsHttpReply {
  readonly status: number;
  readonly body: string;
}

/**
 * An HTTP request made with curl from inside a namespace, optionally from a given source address (busybox
 * wget can neither PUT nor pick one); undefined when it failed or timed out (2 s by default).
 */
export async function nsRequest(
  namespace: string,
  request: { method: string; url: string; headers?: Record<string, string>; localAddress?: string; timeoutSeconds?: number },
): Promise<NsHttpReply | undefined> {
  const headers = Object.entries(request.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const from = request.localAddress === undefined ? [] : ['--interface', request.localAddress];
  const timeout = String(request.timeoutSeconds ?? 2);
  const curl = ['curl', '-s', '-S', '--max-time', timeout, '-X', request.method, ...headers, ...from, '-w', '\n%{http_code}', request.url];
  const result = await inNs(namespace, curl);
  if (result.code !== 0) return undefined;
  const end = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(end + 1)), body: result.stdout.slice(0, end) };
}

/** IMDSv2 from inside a namespace: a token (PUT), then a GET of `path` under /latest/ with it. */
export async function imdsGet(namespace: string, path: string, options: { localAddress?: string; token?: string } = {}): Promise<NsHttpReply | undefined> {
  const from = options.localAddress === undefined ? {} : { localAddress: options.localAddress };
  let token = options.token;
  if (token === undefined) {
    const headers = { 'X-aws-ec2-metadata-token-ttl-seconds': '60' };
    const reply = await nsRequest(namespace, { method: 'PUT', url: 'http://169.254.169.254/latest/api/token', headers, ...from });
    if (reply?.status !== 200) return reply;
    token = reply.body;
  }
  return nsRequest(namespace, { method: 'GET', url: `http://169.254.169.254/latest/${path}`, headers: { 'X-aws-ec2-metadata-token': token }, ...from });
}
