/**
 * The lab's service forwarder, a standalone script run by the fabric inside the VPC router's namespace:
 *
 *   ip netns exec vpcl<id>-router node service-forwarder.ts vpcl<id> 169.254.169.254:80=/tmp/vpcl<id>/imds.sock ...
 *
 * It listens on each `address:port` (held on the router's loopback) and relays every TCP connection to the
 * UNIX socket after it, first sending a PROXY protocol v1 line with the caller's address and port, so the
 * lab process, in the root namespace, learns who called without any route between the namespaces.
 * It writes `ready` once every listener is up, and exits when its standard input closes (the lab went
 * away) or on SIGTERM. Imports nothing but node:net: it must start fast and stay small.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

interface Relay {
  readonly address: string;
  readonly port: number;
  readonly socketPath: string;
}

function parseRelay(spec: string): Relay {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})=(\/.+)$/.exec(spec);
  if (match === null) throw new Error(`expected <ipv4>:<port>=</unix/socket/path>, got "${spec}"`);
  const [, address = '', port = '', socketPath = ''] = match;
  return { address, port: Number(port), socketPath };
}

function relay(client: Socket, socketPath: string): void {
  const upstream = createConnection({ path: socketPath, allowHalfOpen: true });
  const destroyBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.on('close', () => upstream.destroySoon());
  upstream.on('close', () => client.destroySoon());
  const header = `PROXY TCP4 ${client.remoteAddress ?? ''} ${client.localAddress ?? ''} ${client.remotePort ?? 0} ${client.localPort ?? 0}\r\n`;
  upstream.write(header);
  client.pipe(upstream);
  upstream.pipe(client);
}

function listen(target: Relay): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (client) => relay(client, target.socketPath));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target.port, target.address, () => {
      server.off('error', reject);
      server.on('error', () => process.exit(1));
      resolve(server);
    });
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [labPrefix = '', ...specs] = argv;
  if (!/^vpcl[a-z0-9]{1,8}$/.test(labPrefix) || specs.length === 0) {
    throw new Error('usage: service-forwarder.ts vpcl<labId> <ipv4>:<port>=<unix socket path>...');
  }
  await Promise.all(specs.map((spec) => listen(parseRelay(spec))));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`service-forwarder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
