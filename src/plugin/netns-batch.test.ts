import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandResult, CommandRunner, RunOptions } from '../ports/command-runner.ts';
import { failedLines, HOST, ipInvocation, NetnsBatchError, podNetns, queryNetns, runNetnsBatch } from './netns-batch.ts';

/** Answers every command with one canned result and remembers what it was asked. */
class CannedRunner implements CommandRunner {
  readonly calls: Array<{ file: string; args: readonly string[]; input: string }> = [];
  readonly #result: CommandResult;
  constructor(result: CommandResult) {
    this.#result = result;
  }
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.calls.push({ file, args, input: options?.input ?? '' });
    return Promise.resolve(this.#result);
  }
}

test('ipInvocation() uses ip -n for /var/run/netns and /run/netns paths, nsenter for any other path', () => {
  assert.deepEqual(ipInvocation(HOST), { file: 'ip', args: [] });
  assert.deepEqual(ipInvocation(podNetns('/var/run/netns/cni-1234')), { file: 'ip', args: ['-n', 'cni-1234'] });
  assert.deepEqual(ipInvocation(podNetns('/run/netns/pod')), { file: 'ip', args: ['-n', 'pod'] });
  assert.deepEqual(ipInvocation(podNetns('/proc/42/ns/net')), { file: 'nsenter', args: ['--net=/proc/42/ns/net', 'ip'] });
  assert.deepEqual(ipInvocation(podNetns('/var/run/docker/netns/abc')), { file: 'nsenter', args: ['--net=/var/run/docker/netns/abc', 'ip'] });
});

test('failedLines() maps each failed batch line to the messages printed before it', () => {
  const stderr = 'RTNETLINK answers: File exists\nCommand failed -:2\nCannot find device "x"\nCommand failed -:4\n';
  assert.deepEqual([...failedLines(stderr)], [[2, 'RTNETLINK answers: File exists'], [4, 'Cannot find device "x"']]);
});

test('runNetnsBatch() accepts failures its lines tolerate', async () => {
  const runner = new CannedRunner({ code: 1, stdout: '', stderr: 'RTNETLINK answers: File exists\nCommand failed -:1\nRTNETLINK answers: No such process\nCommand failed -:2\n' });
  await runNetnsBatch(runner, podNetns('/run/netns/p'), [{ command: 'rule add to 10.0.0.1/32 lookup main prio 512', tolerate: 'exists' }, { command: 'route del 10.0.0.1/32', tolerate: 'missing' }]);
  assert.deepEqual(runner.calls[0]?.args, ['-n', 'p', '-force', '-batch', '-']);
  assert.equal(runner.calls[0]?.input, 'rule add to 10.0.0.1/32 lookup main prio 512\nroute del 10.0.0.1/32\n');
});

test('runNetnsBatch() names each line that failed for a reason it does not tolerate', async () => {
  const runner = new CannedRunner({ code: 1, stdout: '', stderr: 'RTNETLINK answers: No such file or directory\nCommand failed -:1\nError: Nexthop has invalid gateway.\nCommand failed -:2\n' });
  const lines = [{ command: 'rule add to 10.0.0.1/32 lookup main prio 512', tolerate: 'exists' as const }, { command: 'route replace default via 169.254.1.1 dev eth0' }];
  await assert.rejects(runNetnsBatch(runner, HOST, lines), (error: unknown) => {
    assert.ok(error instanceof NetnsBatchError);
    assert.equal(error.netnsGone, false);
    assert.match(error.message, /"ip rule add to 10\.0\.0\.1\/32 lookup main prio 512": RTNETLINK answers: No such file or directory/);
    assert.match(error.message, /"ip route replace default via 169\.254\.1\.1 dev eth0": Error: Nexthop has invalid gateway/);
    return true;
  });
});

test('runNetnsBatch() reports a namespace that cannot be entered as gone', async () => {
  const runner = new CannedRunner({ code: 1, stdout: '', stderr: 'nsenter: cannot open /proc/9/ns/net: No such file or directory\n' });
  await assert.rejects(runNetnsBatch(runner, podNetns('/proc/9/ns/net'), [{ command: 'link del eth0', tolerate: 'missing' }]), (error: unknown) => error instanceof NetnsBatchError && error.netnsGone);
});

test('queryNetns() pairs each show command with its JSON output, undefined for the failed ones', async () => {
  const runner = new CannedRunner({ code: 1, stdout: '[{"dst":"default"}]\n[]\n', stderr: 'Cannot find device "eth9"\nCommand failed -:2\n' });
  const results = await queryNetns(runner, HOST, ['route show table main', 'neigh show dev eth9', 'rule show']);
  assert.deepEqual(results, [[{ dst: 'default' }], undefined, []]);
  assert.deepEqual(runner.calls[0]?.args, ['-json', '-force', '-batch', '-']);
});
