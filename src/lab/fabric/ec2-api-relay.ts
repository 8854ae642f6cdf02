import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ProxiedListener } from '../imds/proxy-protocol.ts';
import { listenProxied } from '../imds/proxy-protocol.ts';

/** A TCP endpoint in the lab process's own namespace (the EC2 API server's). */
export interface TcpTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Serves a UNIX socket for the fabric's forwarder: each connection's PROXY line is read and dropped, and
 * the rest of the stream is relayed both ways to `target` (the EC2 API endpoint on loopback). The EC2
 * API does not care who calls: requests are signed.
 */
export async function startEc2ApiRelay(path: string, target: TcpTarget): Promise<ProxiedListener> {
  const upstreams = new Set<Socket>();
  const listener = await listenProxied(path, {
    onConnection: (client) => {
      const upstream = relayTo(client, target);
      upstreams.add(upstream);
      upstream.once('close', () => upstreams.delete(upstream));
    },
  });
  return {
    path,
    close: async () => {
      for (const upstream of upstreams) upstream.destroy();
      await listener.close();
    },
  };
}

function relayTo(client: Socket, target: TcpTarget): Socket {
  const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
  const destroyBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.on('close', () => upstream.destroySoon());
  upstream.on('close', () => client.destroySoon());
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  return upstream;
}
