import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The files of the lab in one home directory. */
export interface LabHome {
  readonly dir: string;
  /** `lab.json`: which lab runs here (written when it is ready, removed when it is down). */
  readonly recordFile: string;
  /** The control API's unix socket. */
  readonly socket: string;
  /** The supervisor's log (progress lines, then whatever it reports). */
  readonly log: string;
  /** busybox applets for `exec` inside pods. */
  readonly busyboxBin: string;
}

/** The default lab home (root only: the lab needs root for namespaces anyway). */
export const DEFAULT_LAB_HOME = '/var/run/vpcnet-lab';

/** The paths of a lab home. */
export function labHome(dir: string): LabHome {
  return { dir, recordFile: join(dir, 'lab.json'), socket: join(dir, 'control.sock'), log: join(dir, 'lab.log'), busyboxBin: join(dir, 'busybox-bin') };
}

/** What `lab.json` says about the running lab. */
export interface LabRecord {
  readonly labId: string;
  readonly clusterName: string;
  /** The supervisor process. */
  readonly pid: number;
  readonly startedAt: string;
}

/** Reads `lab.json`; undefined when there is none (or it is unreadable). */
export async function readLabRecord(home: LabHome): Promise<LabRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(home.recordFile, 'utf8')) as Partial<LabRecord>;
    if (typeof parsed.labId !== 'string' || typeof parsed.pid !== 'number' || typeof parsed.clusterName !== 'string') return undefined;
    return { labId: parsed.labId, clusterName: parsed.clusterName, pid: parsed.pid, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return undefined;
  }
}

/** Writes `lab.json`. */
export async function writeLabRecord(home: LabHome, record: LabRecord): Promise<void> {
  await writeFile(home.recordFile, `${JSON.stringify(record, null, 2)}\n`);
}

/** True when a process with this PID exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
