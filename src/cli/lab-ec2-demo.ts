import { createClusterVpc } from '../lab/cluster/cluster-vpc.ts';
import { DEFAULT_CLUSTER_SPEC } from '../lab/cluster/spec.ts';
import { startEmulator } from '../lab/emulator.ts';
import type { RunningEmulator } from '../lab/emulator.ts';
import { LATENCY_PROFILES } from '../lab/ec2/model/latency.ts';
import { AWS_CLI, describeInstances, labAwsCliEnv } from './lab-summary.ts';
import type { Output } from './output.ts';
import { runCommand } from './run-command.ts';


/** Runs `aws ec2 <args>` against the lab, echoing the command and its real output. Returns stdout. */
async function showAws(emulator: RunningEmulator, output: Output, args: string[]): Promise<string> {
  const printable = args.map((a) => (/[\s`|[\]]/.test(a) ? `'${a}'` : a)).join(' ');
  output.out(`\n$ aws ec2 ${printable}`);
  const env = { ...process.env, ...labAwsCliEnv(emulator.model.region), AWS_MAX_ATTEMPTS: '1' };
  const result = await runCommand(AWS_CLI, ['--endpoint-url', emulator.endpoint, 'ec2', ...args], env);
  const text = (result.stdout + result.stderr).trimEnd();
  if (text !== '') output.out(text);
  return result.stdout.trim();
}

async function showImds(output: Output, imdsUrl: string, path: string): Promise<void> {
  const token = await (await fetch(`${imdsUrl}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
  const body = await (await fetch(`${imdsUrl}${path}`, { headers: { 'X-aws-ec2-metadata-token': token } })).text();
  output.out(`\n$ curl -H "X-aws-ec2-metadata-token: $TOKEN" ${imdsUrl}${path}`);
  output.out(body);
}

/**
 * `vpcnet lab ec2-demo`: builds the default VPC in the emulated AWS and replays, with the real AWS CLI, what
 * ipamd does on a node (create, attach and fill ENIs) until AWS's per-instance limits stop it.
 */
export async function runLabEc2Demo(output: Output): Promise<void> {
  const emulator = await startEmulator({ latency: LATENCY_PROFILES.fast, throttle: true });
  try {
    output.out(`vpcnet lab ec2-demo: emulated EC2 API at ${emulator.endpoint} (region ${emulator.model.region})`);
    output.out(`The commands below are the real AWS CLI v2, run as \`aws --endpoint-url ${emulator.endpoint} ...\` with lab credentials.`);
    output.out('Building an EKS-style VPC through the EC2 API: VPC, internet gateway, 3 public subnets, 3 t3.medium nodes');
    const built = await createClusterVpc(emulator.ec2, DEFAULT_CLUSTER_SPEC);
    const instances = await describeInstances(emulator, built);
    for (const instance of instances) output.out(`  ${instance.line}`);
    await showAws(emulator, output, ['describe-subnets', '--query', 'Subnets[].[AvailabilityZone,SubnetId,CidrBlock,AvailableIpAddressCount]', '--output', 'table']);
    const node = instances[0];
    const subnetId = built.subnets[0]?.subnetId; // the first node's: nodes go round-robin over the zones' subnets
    if (node === undefined || subnetId === undefined) throw new Error('the default VPC has no instance');
    output.out(`\nWhat ipamd does on ${node.instanceId}: create, attach and fill ENIs. A t3.medium takes 3 ENIs with 6 IPv4`);
    output.out('addresses each, so the third secondary ENI (the 4th in all) is refused with AttachmentLimitExceeded:');
    const enis: string[] = [];
    for (const deviceIndex of [1, 2, 3]) {
      const eniId = await showAws(emulator, output, ['create-network-interface', '--subnet-id', subnetId, '--description', `aws-K8S-${node.instanceId}`,
        '--secondary-private-ip-address-count', '5', '--tag-specifications', `ResourceType=network-interface,Tags=[{Key=node.k8s.amazonaws.com/instance_id,Value=${node.instanceId}}]`,
        '--query', 'NetworkInterface.NetworkInterfaceId', '--output', 'text']);
      enis.push(eniId);
      await showAws(emulator, output, ['attach-network-interface', '--network-interface-id', eniId, '--instance-id', node.instanceId, '--device-index', String(deviceIndex), '--output', 'text']);
    }
    output.out('\nA full ENI takes no more addresses, and the subnet counts what the node holds:');
    await showAws(emulator, output, ['assign-private-ip-addresses', '--network-interface-id', enis[0] ?? '', '--secondary-private-ip-address-count', '1']);
    await showAws(emulator, output, ['describe-network-interfaces', '--filters', `Name=attachment.instance-id,Values=${node.instanceId}`,
      '--query', 'NetworkInterfaces[].[Attachment.DeviceIndex,NetworkInterfaceId,length(PrivateIpAddresses),Description]', '--output', 'table']);
    await showAws(emulator, output, ['describe-subnets', '--subnet-ids', subnetId, '--query', 'Subnets[].AvailableIpAddressCount', '--output', 'text']);
    output.out(`\nIMDSv2 as ${node.instanceId} sees it (what ipamd reads at start):`);
    await showImds(output, node.imdsUrl, '/latest/meta-data/network/interfaces/macs/');
    output.out('\nNext: run `npm run vpcnet -- lab ec2` to keep the emulator up and explore it with the AWS CLI and curl,');
    output.out('and `npm run vpcnet -- lab --help` for every lab command.');
  } finally {
    await emulator.close();
  }
}
