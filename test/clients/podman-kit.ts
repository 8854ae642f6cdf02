/**
 * Test support for running podman 4.3 (CNI network backend) against vpcnet-cni with nothing outside one temp
 * dir: a private containers.conf (`CONTAINERS_CONF`, which makes podman read no other) and storage.conf
 * (`CONTAINERS_STORAGE_CONF`), runc's state under the temp dir (`--runtime-flag root=`), and every podman
 * command run inside the tests' "node" network namespace, so that the plugin podman starts wires containers
 * into that node.
 *
 * podman also writes to fixed host paths whatever its config says: libcni's result cache `/var/lib/cni`
 * (shared with containerd, whose test removes it when it finishes: a race when both test files run at
 * once), containers/image's `/var/lib/containers/cache` and the lock table `/dev/shm/libpod_lock`. So every
 * podman command also runs in one private mount namespace, held by a `sleep` process, where the temp dir's
 * `var-lib` is mounted over `/var/lib` and a fresh tmpfs over `/dev/shm`. The mounts on top of which these go
 * are made slaves first, so nothing propagates back to the host; `/run/netns` stays shared with the host, so
 * the namespaces podman creates for containers are visible (and usable) outside.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from '../../src/adapters/linux/ip-batch.ts';
import type { DelReply, DelRequest } from '../../src/core/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../src/core/protocol/index.ts';
import type { CommandResult } from '../../src/ports/command-runner.ts';
import { host } from '../netns/cni-kit.ts';
import { NodeProcess, RecordingIpamdService, vpcnetPluginConf, waitFor } from './clients-kit.ts';

/** The name of the CNI network the tests create. */
export const PODMAN_NETWORK = 'vpcnet';

/** What `podman inspect` tells about one container on the vpcnet network. */
export interface PodmanContainer {
  readonly id: string;
  readonly hostname: string;
  readonly running: boolean;
  /** The container's network namespace file (`/run/netns/netns-<uuid>`). */
  readonly netns: string;
  readonly ipAddress: string;
  readonly macAddress: string;
  readonly gateway: string;
}

interface InspectJson {
  readonly Id: string;
  readonly Config: { readonly Hostname: string };
  readonly State: { readonly Running: boolean };
  readonly NetworkSettings: {
    readonly SandboxKey: string;
    readonly Networks?: Record<string, { readonly IPAddress: string; readonly MacAddress: string; readonly Gateway: string } | undefined>;
  };
}

/** The fake daemon that records ADDs and, while `failDels` is set, answers every DEL with an internal error. */
export class FaultInjectingIpamdService extends RecordingIpamdService {
  failDels = false;

  override del(request: DelRequest): Promise<DelReply> {
    if (!this.failDels) return super.del(request);
    this.dels.push(request);
    return Promise.resolve({ version: PROTOCOL_VERSION, reason: 'internal', message: 'injected DEL failure' });
  }
}

/** Options of `PrivatePodman.start`. */
export interface PrivatePodmanOptions {
  /** The temp dir everything goes under. */
  readonly dir: string;
  /** The node namespace's name (`ip netns`): podman, conmon and the plugin run there. */
  readonly node: string;
  /** The CNI bin dir holding `vpcnet-cni` (`cniBinDir` of clients-kit.ts). */
  readonly binDir: string;
  /** The daemon's socket. */
  readonly ipamdSocket: string;
}

function containersConf(dir: string, binDir: string): string {
  return `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
tmp_dir = "${dir}/tmp"
[network]
network_backend = "cni"
cni_plugin_dirs = ["${binDir}", "/usr/lib/cni"]
network_config_dir = "${dir}/net.d"
`;
}

/** The mount namespace holder's script: private /var/lib and /dev/shm, then sleep until stopped. */
function holderScript(varLib: string): string {
  return [
    'set -e',
    'mount --make-slave "$(findmnt -n -f -o TARGET -T /var/lib)"',
    `mount --bind '${varLib}' /var/lib`,
    'mount --make-slave "$(findmnt -n -f -o TARGET -T /dev/shm)"',
    'mount -t tmpfs -o size=64m,mode=1777 tmpfs /dev/shm',
    'exec sleep infinity',
  ].join('\n');
}

/** podman confined to a temp dir and a private mount namespace, run in the node namespace. */
export class PrivatePodman {
  readonly #dir: string;
  readonly #holder: NodeProcess;

  private constructor(dir: string, holder: NodeProcess) {
    this.#dir = dir;
    this.#holder = holder;
  }

  /** Writes the configs and the vpcnet conflist (cniVersion 1.0.0), and starts the mount namespace holder. */
  static async start(options: PrivatePodmanOptions): Promise<PrivatePodman> {
    const { dir } = options;
    for (const sub of ['net.d', 'root', 'runroot', 'tmp', 'runc', 'var-lib']) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, 'containers.conf'), containersConf(dir, options.binDir));
    await writeFile(join(dir, 'storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/runroot"\n`);
    const conflist = { cniVersion: '1.0.0', name: PODMAN_NETWORK, plugins: [vpcnetPluginConf(options.ipamdSocket, join(dir, 'plugin.log'))] };
    await writeFile(join(dir, 'net.d', `${PODMAN_NETWORK}.conflist`), JSON.stringify(conflist, null, 2));
    const holder = await NodeProcess.start({
      netns: `/var/run/netns/${options.node}`,
      file: 'unshare',
      args: ['--mount', '--propagation', 'unchanged', '--', 'sh', '-c', holderScript(join(dir, 'var-lib'))],
      logFile: join(dir, 'holder.log'),
    });
    // The script execs sleep once its mounts are in place (unshare and sh exec too: the PID stays the same).
    await waitFor('the private mount namespace', async () => {
      if (!holder.running) throw new Error(`the mount namespace holder exited: ${await holder.tail()}`);
      return (await readFile(`/proc/${holder.pid}/comm`, 'utf8')).trim() === 'sleep' ? true : undefined;
    }, 5000);
    return new PrivatePodman(dir, holder);
  }

  /** Runs `podman <args>` in the node and private mount namespaces with the private configs. */
  tryRun(args: readonly string[]): Promise<CommandResult> {
    const env = [`CONTAINERS_CONF=${join(this.#dir, 'containers.conf')}`, `CONTAINERS_STORAGE_CONF=${join(this.#dir, 'storage.conf')}`];
    const podman = ['podman', '--runtime-flag', `root=${join(this.#dir, 'runc')}`, ...args];
    return host.run('nsenter', ['-t', String(this.#holder.pid), '--mount', '--net', 'env', ...env, ...podman]);
  }

  /** Like `tryRun`; throws with podman's stderr when it fails. Returns stdout. */
  async run(args: readonly string[]): Promise<string> {
    const result = await this.tryRun(args);
    if (result.code !== 0) throw new Error(`podman ${args.join(' ')} failed with ${result.code}: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** `podman import`s a rootfs tarball as image `name`. */
  async importImage(tarball: string, name: string): Promise<void> {
    await this.run(['import', '--change', 'CMD ["sleep", "100000"]', tarball, name]);
  }

  /** `podman inspect` of one container, with its vpcnet network settings. */
  async inspect(name: string): Promise<PodmanContainer> {
    const [container] = JSON.parse(await this.run(['inspect', '--type', 'container', name])) as InspectJson[];
    if (container === undefined) throw new Error(`podman inspect ${name} returned nothing`);
    const network = container.NetworkSettings.Networks?.[PODMAN_NETWORK];
    return {
      id: container.Id,
      hostname: container.Config.Hostname,
      running: container.State.Running,
      netns: container.NetworkSettings.SandboxKey,
      ipAddress: network?.IPAddress ?? '',
      macAddress: network?.MacAddress ?? '',
      gateway: network?.Gateway ?? '',
    };
  }

  /** The ADD result libcni cached for a container: what podman hands the plugin as `prevResult` at DEL. */
  async cachedResult(containerId: string): Promise<Record<string, unknown>> {
    const file = join(this.#dir, 'var-lib/cni/results', `${PODMAN_NETWORK}-${containerId}-eth0`);
    return (JSON.parse(await readFile(file, 'utf8')) as { result: Record<string, unknown> }).result;
  }

  /** The plugin's log (JSON lines). */
  pluginLog(): Promise<string> {
    return readFile(join(this.#dir, 'plugin.log'), 'utf8').catch(() => '');
  }

  /** Stops the mount namespace holder; the namespace goes once podman's conmon processes are gone too. */
  stop(): Promise<void> {
    return this.#holder.stop(2000);
  }
}

/** The MAC address of `device` inside the namespace file `netns`. */
export async function linkMac(netns: string, device: string): Promise<string> {
  const out = await runChecked(host, 'nsenter', [`--net=${netns}`, 'ip', '-json', 'link', 'show', 'dev', device]);
  const [link] = JSON.parse(out) as Array<{ address?: string }>;
  return link?.address ?? '';
}
