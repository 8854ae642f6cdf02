import { cleanupStale } from '../lab/fabric/index.ts';
import { LabClient } from '../lab/cluster/control-client.ts';
import type { LabView } from '../lab/cluster/control-client.ts';
import type { LabHome, LabRecord } from '../lab/cluster/lab-home.ts';
import { labHome, processAlive, readLabRecord } from '../lab/cluster/lab-home.ts';
import type { CliContext } from './program.ts';

/** What lab commands need besides the CLI context. */
export interface LabCliContext extends CliContext {
  /** The lab home directory (`VPCNET_LAB_HOME`, default /var/run/vpcnet-lab). */
  readonly labHomeDir: string;
  /** How to run this CLI again (the supervisor is `vpcnet lab supervise`): `[node, src/bin/vpcnet.ts]`. */
  readonly selfCommand: readonly string[];
}

/** A lab command failed in a way the person can fix; the message says how. */
export class LabCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabCliError';
  }
}

/** The running lab: its home, record and a client; fails with what to do when none is up. */
export async function connectLab(context: LabCliContext): Promise<{ home: LabHome; record: LabRecord; client: LabClient }> {
  const home = labHome(context.labHomeDir);
  const record = await readLabRecord(home);
  if (record === undefined) throw new LabCliError(`no lab is up (nothing in ${home.dir}): start one with \`vpcnet lab up\``);
  if (!processAlive(record.pid)) throw new LabCliError(`lab ${record.labId} is not running (its supervisor, pid ${record.pid}, is gone): run \`vpcnet lab down\` to clean up, then \`vpcnet lab up\``);
  return { home, record, client: new LabClient(home.socket) };
}

/** The running lab's current view. */
export async function labView(context: LabCliContext): Promise<LabView> {
  return (await connectLab(context)).client.view();
}

/** Removes what a dead lab left behind (namespaces by its exact prefix); returns the namespaces removed. */
export async function cleanupDeadLab(record: LabRecord): Promise<string[]> {
  return cleanupStale(record.labId);
}
