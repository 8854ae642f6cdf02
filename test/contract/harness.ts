import { execFile } from 'node:child_process';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { ActionTable } from '../../src/lab/ec2/action.ts';
import { Ec2Model } from '../../src/lab/ec2/model/model.ts';
import type { PermissionPolicy } from '../../src/lab/ec2/permissions.ts';
import { startEc2Server } from '../../src/lab/ec2/server.ts';
import type { ThrottleOptions } from '../../src/lab/ec2/throttle.ts';

/** The region every contract test talks to. */
export const TEST_REGION = 'us-west-2';
/** The access key id of the default test client (any static credentials are accepted). */
export const TEST_ACCESS_KEY_ID = 'AKIDLAB';
const TEST_SECRET_ACCESS_KEY = 'lab';
const AWS_CLI = '/usr/bin/aws';

/** What a `/usr/bin/aws` run produced; `json` is stdout parsed, when it parses. */
export interface AwsCliResult {
  /** Exit code; -1 when the CLI could not run or was killed (e.g. by the 60 s timeout). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json?: unknown;
}

export interface TestEmulatorOptions {
  readonly seed?: number;
  /** Defaults to `false` (no throttling) so tests are deterministic; pass `{}` for EC2's buckets. */
  readonly throttle?: ThrottleOptions | false;
  readonly permissions?: PermissionPolicy;
  /** Defaults to the emulator's real action table. */
  readonly actions?: ActionTable;
}

/** A running emulator with clients pointed at it. */
export interface TestEmulator {
  readonly model: Ec2Model;
  readonly url: string;
  /** An SDK client with the default test credentials and no retries. */
  readonly ec2: EC2Client;
  /** Runs `aws ec2 <args>` against the emulator with the default test credentials. */
  aws(args: readonly string[]): Promise<AwsCliResult>;
  close(): Promise<void>;
}

/** Starts the EC2 emulator (fast latency) on 127.0.0.1 on an ephemeral port. */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const model = new Ec2Model({ seed: options.seed ?? 1, region: TEST_REGION });
  const actions = options.actions ?? (await import('../../src/lab/ec2/actions/index.ts')).ACTIONS;
  const server = await startEc2Server({
    model,
    actions,
    host: '127.0.0.1',
    port: 0,
    throttle: options.throttle ?? false,
    permissions: options.permissions,
    apiResponseMs: 0,
  });
  const ec2 = ec2For(server.url, TEST_ACCESS_KEY_ID);
  return {
    model,
    url: server.url,
    ec2,
    aws: (args) => runAwsCli(server.url, args),
    async close() {
      ec2.destroy();
      await server.close();
    },
  };
}

/** An SDK client for the emulator at `url` that signs as `accessKeyId` and never retries. */
export function ec2For(url: string, accessKeyId: string): EC2Client {
  return new EC2Client({
    endpoint: url,
    region: TEST_REGION,
    credentials: { accessKeyId, secretAccessKey: TEST_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
}

/**
 * Runs `/usr/bin/aws --endpoint-url <url> --region us-west-2 --output json ec2 <args>` with static
 * credentials and no config files, pager or retries (no shell; 60 s timeout).
 */
export function runAwsCli(
  url: string,
  args: readonly string[],
  accessKeyId: string = TEST_ACCESS_KEY_ID,
): Promise<AwsCliResult> {
  const argv = ['--endpoint-url', url, '--region', TEST_REGION, '--output', 'json', 'ec2', ...args];
  const options = { env: cliEnvironment(accessKeyId), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 };
  return new Promise((resolve) => {
    execFile(AWS_CLI, argv, options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      const errorText = error !== null && code === -1 ? `${error.message}\n` : '';
      resolve({ code, stdout, stderr: errorText + stderr, json: parseJson(stdout) });
    });
  });
}

/** The caller's environment without its AWS settings, plus the lab's. */
function cliEnvironment(accessKeyId: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'));
  return {
    ...Object.fromEntries(inherited),
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
