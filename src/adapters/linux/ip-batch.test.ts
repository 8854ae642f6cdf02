import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandResult, CommandRunner, RunOptions } from '../../ports/command-runner.ts';
import { CommandFailedError, ipBatch, runChecked } from './ip-batch.ts';

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly input: string | undefined;
}

function recordingRunner(result: CommandResult = { code: 0, stdout: '', stderr: '' }): { runner: CommandRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: CommandRunner = {
    run(file: string, args: readonly string[], options?: RunOptions) {
      calls.push({ file, args, input: options?.input });
      return Promise.resolve(result);
    },
  };
  return { runner, calls };
}

test('ipBatch() sends every command to one ip -n NS -batch - process', async () => {
  const { runner, calls } = recordingRunner();
  await ipBatch(runner, ['link set lo up', 'route replace 10.0.0.5/32 dev eni1'], { netns: 'vpclab-router' });
  assert.deepEqual(calls, [{ file: 'ip', args: ['-n', 'vpclab-router', '-batch', '-'], input: 'link set lo up\nroute replace 10.0.0.5/32 dev eni1\n' }]);
});

test('ipBatch() adds -force when asked and runs nothing for an empty list', async () => {
  const { runner, calls } = recordingRunner();
  await ipBatch(runner, [], { netns: 'x' });
  assert.equal(calls.length, 0);
  await ipBatch(runner, ['link del eni1'], { force: true });
  assert.deepEqual(calls[0]?.args, ['-force', '-batch', '-']);
});

test('ipBatch() throws CommandFailedError with the stderr of a failing batch', async () => {
  const { runner } = recordingRunner({ code: 1, stdout: '', stderr: 'Command failed -:1\n' });
  await assert.rejects(ipBatch(runner, ['link del nothing']), (error: unknown) => {
    assert.ok(error instanceof CommandFailedError);
    assert.match(error.message, /Command failed -:1/);
    return true;
  });
});

test('runChecked() returns stdout of a successful command', async () => {
  const { runner } = recordingRunner({ code: 0, stdout: 'ok\n', stderr: '' });
  assert.equal(await runChecked(runner, 'nft', ['list', 'tables']), 'ok\n');
});
