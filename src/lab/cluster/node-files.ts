import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conflist } from './cni-driver.ts';

/** Where Debian's reference CNI plugins live (`containernetworking-plugins`). */
export const REFERENCE_PLUGIN_DIR = '/usr/lib/cni';

/** The name of the network, as the Amazon VPC CNI's `10-aws.conflist` calls it. */
export const NETWORK_NAME = 'aws-cni';

/** The files of one node, all under its directory in the lab home (a node's `/etc/cni/net.d`, `/opt/cni/bin`, logs). */
export interface NodeFiles {
  readonly dir: string;
  readonly binDir: string;
  readonly confDir: string;
  readonly conflistPath: string;
  readonly ipamdSocket: string;
  readonly checkpoint: string;
  readonly ipamdLog: string;
  readonly pluginLog: string;
  readonly podsDir: string;
}

/** The paths of a node's files under `nodeDir`. */
export function nodeFiles(nodeDir: string): NodeFiles {
  return {
    dir: nodeDir,
    binDir: join(nodeDir, 'opt/cni/bin'),
    confDir: join(nodeDir, 'etc/cni/net.d'),
    conflistPath: join(nodeDir, 'etc/cni/net.d/10-aws.conflist'),
    ipamdSocket: join(nodeDir, 'run/ipamd.sock'),
    checkpoint: join(nodeDir, 'run/ipam.json'),
    ipamdLog: join(nodeDir, 'log/ipamd.log'),
    pluginLog: join(nodeDir, 'log/plugin.log'),
    podsDir: join(nodeDir, 'pods'),
  };
}

/**
 * The conflist a node gets: upstream's `10-aws.conflist` (the plugin as `aws-cni`, then `portmap`), with
 * vpcnet's own `ipamdSocket` because every lab node shares this machine's file system.
 */
export function nodeConflist(files: NodeFiles, options: { mtu: string; vethPrefix: string }): Conflist {
  return {
    cniVersion: '1.0.0',
    name: NETWORK_NAME,
    plugins: [
      {
        name: NETWORK_NAME, type: 'aws-cni', vethPrefix: options.vethPrefix, mtu: options.mtu, podSGEnforcingMode: 'strict',
        pluginLogFile: files.pluginLog, pluginLogLevel: 'DEBUG', ipamdSocket: files.ipamdSocket,
        capabilities: { 'io.kubernetes.cri.pod-annotations': true },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** The loopback list containerd runs for every sandbox before the pod network. */
export const LOOPBACK_CONFLIST: Conflist = { cniVersion: '1.0.0', name: 'cni-loopback', plugins: [{ type: 'loopback' }] };

/**
 * Installs a node's CNI files the way aws-node's init does: the plugin (as `aws-cni`) and the reference
 * plugins it chains into the bin dir, then the conflist. Starts from a clean directory.
 */
export async function installNodeFiles(files: NodeFiles, options: { cniExecutable: string; conflist: Conflist }): Promise<void> {
  await rm(files.dir, { recursive: true, force: true });
  for (const dir of [files.binDir, files.confDir, join(files.dir, 'run'), join(files.dir, 'log'), files.podsDir]) await mkdir(dir, { recursive: true });
  await symlink(options.cniExecutable, join(files.binDir, 'aws-cni'));
  for (const reference of ['loopback', 'portmap']) await symlink(join(REFERENCE_PLUGIN_DIR, reference), join(files.binDir, reference));
  await writeFile(files.conflistPath, `${JSON.stringify(options.conflist, null, 2)}\n`);
}
