import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NftConnmarkPlan } from '../../core/node-network/index.ts';
import { planNftConnmark } from '../../core/node-network/index.ts';
import type { CommandResult, CommandRunner } from '../../ports/command-runner.ts';
import { applyNftConnmark, nftConnmarkScript, normalizeNftListing } from './nft-connmark.ts';

const plan: NftConnmarkPlan = planNftConnmark({
  vpcCidrs: ['192.168.0.0/16'], primaryIp: '192.168.1.10', primaryInterface: 'eth0', snat: { mode: 'node', randomize: 'prng', excludeCidrs: [] },
  connmark: 0x80, vethPrefix: 'eni', nodePortSupport: true, connmarkBackend: 'nftables',
})!;

/** What `nft -y list table ip aws-cni` printed for that table after some traffic. */
const listing = plan.text.replace(/counter /g, 'counter packets 12 bytes 1008 ').replace(/\n$/, '\n\n');

class ScriptedRunner implements CommandRunner {
  readonly calls: string[] = [];
  readonly #replies: CommandResult[];
  constructor(replies: CommandResult[]) {
    this.#replies = replies;
  }
  run(file: string, args: readonly string[], options?: { input?: string }): Promise<CommandResult> {
    this.calls.push([file, ...args, ...(options?.input === undefined ? [] : [`<<${options.input}`])].join(' '));
    return Promise.resolve(this.#replies.shift() ?? { code: 0, stdout: '', stderr: '' });
  }
}

describe('normalizeNftListing()', () => {
  test('normalizeNftListing() drops counter values and trailing blank lines', () => {
    assert.equal(normalizeNftListing(listing), plan.text);
  });
});

describe('nftConnmarkScript()', () => {
  test('nftConnmarkScript() creates, replaces, deletes or leaves the table', () => {
    const replace = `table ip aws-cni\ndelete table ip aws-cni\n${plan.text}`;
    assert.equal(nftConnmarkScript(plan, undefined), replace);
    assert.equal(nftConnmarkScript(plan, listing.replace('192.168.0.0/16', '10.0.0.0/16')), replace);
    assert.equal(nftConnmarkScript(plan, listing), undefined);
    assert.equal(nftConnmarkScript(undefined, listing), 'delete table ip aws-cni\n');
    assert.equal(nftConnmarkScript(undefined, undefined), undefined);
  });
});

describe('applyNftConnmark()', () => {
  test('applyNftConnmark() lists, then loads the script with nft -f -', async () => {
    const runner = new ScriptedRunner([{ code: 1, stdout: '', stderr: 'Error: No such file or directory\nlist table ip aws-cni\n' }]);
    assert.equal(await applyNftConnmark(runner, 'nft', plan), true);
    assert.deepEqual(runner.calls, ['nft -y list table ip aws-cni', `nft -f - <<table ip aws-cni\ndelete table ip aws-cni\n${plan.text}`]);
  });

  test('applyNftConnmark() does nothing without nft when no table is wanted', async () => {
    const runner = new ScriptedRunner([{ code: -1, stdout: '', stderr: 'spawn nft ENOENT' }]);
    assert.equal(await applyNftConnmark(runner, 'nft', undefined), false);
    assert.equal(runner.calls.length, 1);
  });

  test('applyNftConnmark() reports other nft failures', async () => {
    const runner = new ScriptedRunner([{ code: 1, stdout: '', stderr: 'Error: Operation not permitted' }]);
    await assert.rejects(applyNftConnmark(runner, 'nft', plan), /Operation not permitted/);
  });
});
