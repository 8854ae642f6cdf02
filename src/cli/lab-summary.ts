import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { BuiltClusterVpc } from '../lab/cluster/cluster-vpc.ts';
import { LAB_CREDENTIALS } from '../lab/emulator.ts';
import type { RunningEmulator } from '../lab/emulator.ts';

/** One instance as the lab prints it. */
export interface InstanceLine {
  readonly instanceId: string;
  readonly line: string;
  readonly imdsUrl: string;
}

/** Starts an IMDS endpoint per instance and describes each instance in one line. */
export async function describeInstances(emulator: RunningEmulator, built: BuiltClusterVpc): Promise<InstanceLine[]> {
  const reply = await emulator.ec2.send(new DescribeInstancesCommand({ InstanceIds: built.nodes.map((node) => node.instanceId) }));
  const lines: InstanceLine[] = [];
  for (const reservation of reply.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      const instanceId = instance.InstanceId ?? '?';
      const imdsUrl = await emulator.startImdsFor(instanceId);
      const name = instance.Tags?.find((t) => t.Key === 'Name')?.Value ?? '';
      const line = `${name.padEnd(18)} ${instanceId}  ${instance.InstanceType ?? ''}  ${instance.Placement?.AvailabilityZone ?? ''}  private ${instance.PrivateIpAddress ?? '-'}  public ${instance.PublicIpAddress ?? '-'}`;
      lines.push({ instanceId, line, imdsUrl });
    }
  }
  return lines;
}

/** The AWS CLI v2 from Debian (an older v1 may come first on PATH). */
export const AWS_CLI = '/usr/bin/aws';

/**
 * The environment the lab runs the AWS CLI with: lab credentials and region, no pager, and no config or
 * credentials file of this machine's user.
 */
export function labAwsCliEnv(region: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: region,
    AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** The environment a person exports to point the AWS CLI at the lab. */
export function awsCliEnvironment(emulator: RunningEmulator): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: emulator.model.region,
    AWS_ENDPOINT_URL: emulator.endpoint,
  };
}
