import { spawn } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ipBatch } from '../../adapters/linux/ip-batch.ts';
import type { CommandRunner } from '../../ports/command-runner.ts';
import type { LabNames } from './naming.ts';
import { addNamespace, setSysctls } from './netns.ts';

/** Fixed addresses of the lab's router, internet gateway link and internet. */
export const LAB_ADDRESSES = {
  /** The router's end of its link to the internet (link-local, never inside a VPC). */
  routerUplink: '169.254.250.1',
  /** The internet's end of that link. */
  internetUplink: '169.254.250.2',
  uplinkPrefixLength: 30,
  /** The internet's echo service: HTTP `GET /cgi-bin/ip` answers the caller's address; it answers ping. */
  echoServer: '203.0.113.10',
} as const;

/** Link names inside the router and internet namespaces. */
export const UPLINK_NAMES = { router: 'igw0', internet: 'wan0' } as const;

/** Sysctls of the router namespace: forwarding, proxy ARP on every ENI link, no reverse-path filter. */
const ROUTER_SYSCTLS = [
  'net.ipv4.ip_forward=1',
  'net.ipv4.conf.all.rp_filter=0',
  'net.ipv4.conf.default.rp_filter=0',
  'net.ipv4.conf.default.proxy_arp=1',
  'net.ipv4.conf.all.send_redirects=0',
  'net.ipv4.conf.default.send_redirects=0',
];

/** Creates the VPC router namespace, with forwarding on inside it only. */
export async function setupRouter(runner: CommandRunner, names: LabNames): Promise<void> {
  await addNamespace(runner, names.routerNamespace);
  await setSysctls(runner, names.routerNamespace, ROUTER_SYSCTLS);
}

/**
 * Creates the internet namespace, linked to the router only: the router's default route points at it,
 * and it routes the public range (where instances' public IPs come from) back to the router.
 */
export async function setupInternet(runner: CommandRunner, names: LabNames, publicIpCidr: string): Promise<void> {
  const internet = names.internetNamespace;
  const { routerUplink, internetUplink, uplinkPrefixLength, echoServer } = LAB_ADDRESSES;
  await addNamespace(runner, internet);
  await ipBatch(runner, [
    `link add ${UPLINK_NAMES.router} type veth peer name ${UPLINK_NAMES.internet} netns ${internet}`,
    `addr add ${routerUplink}/${uplinkPrefixLength} dev ${UPLINK_NAMES.router}`,
    `link set ${UPLINK_NAMES.router} up`,
    `route replace default via ${internetUplink} dev ${UPLINK_NAMES.router}`,
  ], { netns: names.routerNamespace });
  await ipBatch(runner, [
    `addr add ${internetUplink}/${uplinkPrefixLength} dev ${UPLINK_NAMES.internet}`,
    `link set ${UPLINK_NAMES.internet} up`,
    `addr add ${echoServer}/32 dev lo`,
    `route replace ${publicIpCidr} via ${routerUplink} dev ${UPLINK_NAMES.internet}`,
  ], { netns: internet });
}

const ECHO_CGI = '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%s\\n" "$REMOTE_ADDR"\n';

/**
 * Starts the internet's echo web server (busybox httpd with a CGI script printing `$REMOTE_ADDR`) inside
 * the internet namespace and waits until it answers. Its command line carries the lab's run directory,
 * so it is recognisable as the lab's; returns its PID.
 */
export async function startEchoServer(runner: CommandRunner, names: LabNames, busyboxPath = '/usr/bin/busybox'): Promise<number> {
  const root = join(names.runDirectory, 'www');
  await mkdir(join(root, 'cgi-bin'), { recursive: true });
  await writeFile(join(root, 'cgi-bin', 'ip'), ECHO_CGI);
  await chmod(join(root, 'cgi-bin', 'ip'), 0o755);
  const busybox = join(names.runDirectory, 'busybox');
  await symlink(busyboxPath, busybox).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const child = spawn('ip', ['netns', 'exec', names.internetNamespace, busybox, 'httpd', '-f', '-p', `${LAB_ADDRESSES.echoServer}:80`, '-h', root], {
    stdio: 'ignore',
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the echo server');
  await waitForEcho(runner, names, busybox);
  return pid;
}

async function waitForEcho(runner: CommandRunner, names: LabNames, busybox: string): Promise<void> {
  const url = `http://${LAB_ADDRESSES.echoServer}/cgi-bin/ip`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await runner.run('ip', ['netns', 'exec', names.internetNamespace, busybox, 'wget', '-q', '-O', '-', url]);
    if (result.code === 0) return;
    await sleep(20);
  }
  throw new Error('the echo server did not answer within 2 s');
}
