/** Applying a {@link SnatPlan} with `iptables-save` and `iptables-restore --noflush`, one transaction per table. */
import type { IptablesTable, SnatPlan } from '../../core/node-network/index.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import { runChecked } from './ip-batch.ts';
import { iptablesRestoreScript } from './iptables-restore-script.ts';
import { parseIptablesSave } from './iptables-save.ts';

/** The iptables programs to run (`iptables-legacy-save` ... on hosts with both). */
export interface IptablesCommands {
  readonly iptables: string;
  readonly save: string;
  readonly restore: string;
}

/** The programs on PATH. */
export const DEFAULT_IPTABLES_COMMANDS: IptablesCommands = { iptables: 'iptables', save: 'iptables-save', restore: 'iptables-restore' };

const TABLES: readonly IptablesTable[] = ['nat', 'mangle'];
/** Seconds iptables-restore waits for the xtables lock (kube-proxy holds it while syncing). */
const LOCK_WAIT_SECONDS = '10';

/** Reads each table and restores only what differs from the plan; returns the tables it changed. */
export async function applyIptablesPlan(runner: CommandRunner, commands: IptablesCommands, plan: SnatPlan): Promise<IptablesTable[]> {
  const changed: IptablesTable[] = [];
  for (const table of TABLES) {
    const current = parseIptablesSave(await runChecked(runner, commands.save, ['-t', table]), table);
    const planned = { table, userChains: table === 'nat' ? plan.natChains : [], rules: plan.rules.filter((rule) => rule.table === table) };
    const script = iptablesRestoreScript(planned, current);
    if (script === undefined) continue;
    await runChecked(runner, commands.restore, ['-w', LOCK_WAIT_SECONDS, '--noflush'], { input: script });
    changed.push(table);
  }
  return changed;
}
