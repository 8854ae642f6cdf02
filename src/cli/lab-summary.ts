import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { BuiltVpc } from '../lab/cluster/default-vpc.ts';
import { LAB_CREDENTIALS } from '../lab/emulator.ts';
import type { RunningEmulator } from '../lab/emulator.ts';

/** One instance as the lab prints it. */
export interface InstanceLine {
  readonly instanceId: string;
  readonly line: string;
  readonly imdsUrl: string;
}

/** Starts an IMDS endpoint per instance and describes each instance in one line. */
export async function describeInstances(emulator: RunningEmulator, built: BuiltVpc): Promise<InstanceLine[]> {
  const reply = await emulator.ec2.send(new DescribeInstancesCommand({ InstanceIds: [...built.instanceIds] }));
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

/** The environment a person exports to point the AWS CLI at the lab. */
export function awsCliEnvironment(emulator: RunningEmulator): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: emulator.model.region,
    AWS_ENDPOINT_URL: emulator.endpoint,
  };
}
