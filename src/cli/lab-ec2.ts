import { createClusterVpc } from '../lab/cluster/cluster-vpc.ts';
import { DEFAULT_CLUSTER_SPEC } from '../lab/cluster/spec.ts';
import { startEmulator } from '../lab/emulator.ts';
import { LATENCY_PROFILES } from '../lab/ec2/model/latency.ts';
import { awsCliEnvironment, describeInstances } from './lab-summary.ts';
import type { Output } from './output.ts';

export interface LabEc2Options {
  readonly host: string;
  readonly port: number;
  readonly latency: 'fast' | 'realistic';
  readonly throttle: boolean;
}

/**
 * `vpcnet lab ec2`: serves the emulated EC2 API and IMDS with a default VPC and three instances, prints
 * how to reach them, and runs until `stopped` resolves (Ctrl-C in the CLI).
 */
export async function runLabEc2(options: LabEc2Options, output: Output, stopped: Promise<void>): Promise<void> {
  const emulator = await startEmulator({ host: options.host, port: options.port, latency: LATENCY_PROFILES[options.latency], throttle: options.throttle });
  try {
    const built = await createClusterVpc(emulator.ec2, DEFAULT_CLUSTER_SPEC);
    const instances = await describeInstances(emulator, built);
    output.out(`vpcnet lab: emulated EC2 API (region ${emulator.model.region}, latency ${options.latency}, throttling ${options.throttle ? 'on' : 'off'})`);
    output.out(`  endpoint  ${emulator.endpoint}`);
    output.out(`  VPC       ${built.vpcId} with ${built.subnets.length} public subnets and ${built.internetGatewayId}`);
    for (const instance of instances) {
      output.out(`  instance  ${instance.line}`);
      output.out(`            IMDS ${instance.imdsUrl}`);
    }
    const env = awsCliEnvironment(emulator);
    output.out('\nTry it with the AWS CLI v2 (any credentials work):');
    output.out(`  export ${Object.entries(env).filter(([k]) => k !== 'AWS_ENDPOINT_URL').map(([k, v]) => `${k}=${v}`).join(' ')}`);
    output.out(`  aws --endpoint-url ${emulator.endpoint} ec2 describe-instances --output table`);
    output.out(`  aws --endpoint-url ${emulator.endpoint} ec2 describe-subnets --query 'Subnets[].[SubnetId,AvailabilityZone,CidrBlock,AvailableIpAddressCount]' --output text`);
    const first = instances[0];
    if (first !== undefined) {
      output.out('And IMDSv2 as the first instance sees it:');
      output.out(`  TOKEN=$(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' ${first.imdsUrl}/latest/api/token)`);
      output.out(`  curl -s -H "X-aws-ec2-metadata-token: $TOKEN" ${first.imdsUrl}/latest/meta-data/network/interfaces/macs/`);
    }
    output.out('\nPress Ctrl-C to stop.');
    await stopped;
  } finally {
    await emulator.close();
  }
}
