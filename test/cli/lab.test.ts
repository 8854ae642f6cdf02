import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { buildProgram } from '../../src/cli/program.ts';
import type { Output } from '../../src/cli/output.ts';

function capture(): Output & { text(): string } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), text: () => lines.join('\n') };
}

test('vpcnet lab ec2-demo builds the default VPC and shows AWS limits through the real AWS CLI', async () => {
  const output = capture();
  await buildProgram({ output, stopped: new Promise(() => undefined) }).parseAsync(['node', 'vpcnet', 'lab', 'ec2-demo']);
  const text = output.text();
  assert.match(text, /vpcnet-lab-node-1 +i-[0-9a-f]{17} +t3\.medium +us-west-2a +private 192\.168\.\d+\.\d+ +public 198\.51\.100\.\d+/);
  assert.match(text, /\|\s+us-west-2c\|\s+subnet-[0-9a-f]{17}\s+\|\s+192\.168\.64\.0\/19\s+\|\s+8186 \|/, 'describe-subnets table from the AWS CLI');
  assert.match(text, /AttachmentLimitExceeded.*Interface count 4 exceeds the limit for t3\.medium/);
  assert.match(text, /PrivateIpAddressLimitExceeded/);
  assert.match(text, /\n8168\n/, 'the subnet lost the 18 addresses of three 6-address ENIs');
  assert.equal([...text.matchAll(/^02:[0-9a-f:]{14}\/$/gm)].length, 3, 'IMDS lists the primary and two attached ENIs');
});

test('vpcnet lab ec2 serves the emulator until stopped', async () => {
  const output = capture();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  const running = buildProgram({ output, stopped }).parseAsync(['node', 'vpcnet', 'lab', 'ec2', '--port', '0', '--latency', 'fast']);
  let endpoint: string | undefined;
  for (let i = 0; i < 100 && endpoint === undefined; i++) {
    await new Promise((r) => setTimeout(r, 100));
    endpoint = /endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(output.text())?.[1];
  }
  assert.ok(endpoint, `no endpoint printed:\n${output.text()}`);
  const ec2 = new EC2Client({ endpoint, region: 'us-west-2', credentials: { accessKeyId: 'AKIDANY', secretAccessKey: 'x' } });
  try {
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    assert.deepEqual(subnets.Subnets?.map((s) => s.CidrBlock).sort(), ['192.168.0.0/19', '192.168.32.0/19', '192.168.64.0/19']);
  } finally {
    ec2.destroy();
    stop();
    await running;
  }
  await assert.rejects(fetch(endpoint, { method: 'POST' }), 'the server is closed after stop');
});

test('vpcnet rejects a bad port with a usage error', async () => {
  const output = capture();
  const program = buildProgram({ output, stopped: Promise.resolve() }).exitOverride();
  await assert.rejects(program.parseAsync(['node', 'vpcnet', 'lab', 'ec2', '--port', '70000']), /not a TCP port/);
});
