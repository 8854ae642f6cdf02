import { mkdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { ExecFileRunner } from '../../adapters/linux/exec-file-runner.ts';
import { runChecked } from '../../adapters/linux/ip-batch.ts';
import { startControlServer } from './control-server.ts';
import type { LabClusterOptions, LabInfo } from './lab-cluster.ts';
import { startLabCluster } from './lab-cluster.ts';
import type { LabHome } from './lab-home.ts';
import { writeLabRecord } from './lab-home.ts';
import { POD_BUSYBOX } from './pod-sandbox.ts';

/** One line the supervisor reports, as JSON, to whoever started it (`lab up` reads them from the log). */
export type SupervisorLine =
  | { readonly progress: string }
  | { readonly ready: LabInfo }
  | { readonly failed: string }
  | { readonly stopping: string }
  | { readonly stopped: string };

/** How to supervise a lab. */
export interface SuperviseOptions extends Omit<LabClusterOptions, 'progress' | 'home'> {
  readonly home: LabHome;
  readonly emit: (line: SupervisorLine) => void;
  /** Resolves when the process is asked to stop (SIGTERM, Ctrl-C). */
  readonly stopped: Promise<void>;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * The lab's long-running process: brings the cluster up, serves the control API on the home's socket,
 * records itself in `lab.json`, and on `lab down` (or a signal) removes every pod, daemon, namespace and
 * file it made, in that order.
 */
export async function superviseLab(options: SuperviseOptions): Promise<void> {
  const { home, emit } = options;
  await mkdir(home.dir, { recursive: true, mode: 0o700 });
  await rm(home.busyboxBin, { recursive: true, force: true });
  await mkdir(home.busyboxBin);
  await runChecked(new ExecFileRunner(), POD_BUSYBOX, ['--install', '-s', home.busyboxBin]);
  let cluster;
  try {
    cluster = await startLabCluster({ ...options, home: home.dir, progress: (message) => emit({ progress: message }) });
  } catch (error) {
    emit({ failed: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  let requestShutdown: () => void = () => undefined;
  const shutdownRequested = new Promise<void>((resolve) => {
    requestShutdown = resolve;
  });
  const server = await startControlServer({
    socketPath: home.socket, controlPlane: cluster.controlPlane, info: cluster.info, onShutdown: () => requestShutdown(),
    details: () => ({ supervisorPid: process.pid, home: home.dir, fabricPrefix: cluster.fabric.names.prefix }),
  });
  await writeLabRecord(home, { labId: options.labId, clusterName: options.spec.name, pid: process.pid, startedAt: cluster.info.startedAt });
  emit({ ready: cluster.info });
  await Promise.race([shutdownRequested, options.stopped]);
  emit({ stopping: 'deleting pods (CNI DEL), stopping vpcnet-ipamd on every node, removing namespaces' });
  await closeServer(server);
  await cluster.stop();
  for (const path of [home.recordFile, home.socket, home.busyboxBin, `${home.dir}/nodes`]) await rm(path, { recursive: true, force: true });
  emit({ stopped: `lab ${options.labId} is down` });
}
