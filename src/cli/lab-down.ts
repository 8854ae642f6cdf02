import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabClient } from '../lab/cluster/control-client.ts';
import { labHome, processAlive, readLabRecord } from '../lab/cluster/lab-home.ts';
import type { LabHome, LabRecord } from '../lab/cluster/lab-home.ts';
import { cleanupDeadLab } from './lab-context.ts';
import type { LabCliContext } from './lab-context.ts';

const DOWN_TIMEOUT_MS = 3 * 60_000;

async function stopSupervisor(home: LabHome, record: LabRecord, context: LabCliContext): Promise<void> {
  context.output.out(`Stopping lab ${record.labId} (cluster "${record.clusterName}", supervisor pid ${record.pid}): deleting pods, stopping vpcnet-ipamd, removing namespaces`);
  try {
    await new LabClient(home.socket).shutdown();
  } catch {
    process.kill(record.pid, 'SIGTERM'); // the API is gone but the process is not: ask it the other way
  }
  const deadline = Date.now() + DOWN_TIMEOUT_MS;
  while (processAlive(record.pid)) {
    if (Date.now() > deadline) {
      process.kill(record.pid, 'SIGKILL');
      context.output.err(`the supervisor did not stop within ${DOWN_TIMEOUT_MS / 1000} s; killed it`);
      break;
    }
    await sleep(100);
  }
}

function lastLogLine(text: string): string | undefined {
  return text.trim().split('\n').filter((line) => line.startsWith('{"stopped"')).at(-1);
}

/**
 * `vpcnet lab down`: asks the supervisor to remove everything and waits for it to exit, then removes any
 * namespace still carrying the lab's prefix (a crashed lab's leftovers) and the lab's files. Idempotent.
 */
export async function runLabDown(context: LabCliContext): Promise<void> {
  const home = labHome(context.labHomeDir);
  const record = await readLabRecord(home);
  if (record === undefined) {
    context.output.out(`No lab is up (nothing in ${home.dir}).`);
    return;
  }
  if (processAlive(record.pid)) await stopSupervisor(home, record, context);
  const leftovers = await cleanupDeadLab(record);
  const stopped = lastLogLine(await readFile(home.log, 'utf8').catch(() => ''));
  await rm(home.dir, { recursive: true, force: true });
  if (leftovers.length > 0) context.output.out(`Removed ${leftovers.length} namespaces the lab left behind: ${leftovers.join(' ')}`);
  context.output.out(stopped === undefined ? `Lab ${record.labId} is down.` : `Lab ${record.labId} is down: every pod, daemon, namespace and file it made is removed.`);
}
