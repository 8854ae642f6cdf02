import type { RouterRoute } from './plumbing.ts';

/** What the router namespace must hold besides links: routes to ENIs, subnet routers and black holes. */
export interface RouterWanted {
  readonly routes: ReadonlyMap<string, RouterRoute>;
  /** Subnet router addresses (network + 1), held on the router's loopback. */
  readonly gateways: readonly string[];
  /** Blocks whose unassigned addresses must go nowhere (VPC CIDRs, the public range): `unreachable`. */
  readonly unreachable: readonly string[];
}

/**
 * The router's routes and addresses as the fabric last set them, and the `ip` commands that move them to
 * what is wanted. Only what changed is touched, so an assign or unassign costs one route.
 */
export class RouterTable {
  #routes = new Map<string, RouterRoute>();
  #gateways = new Set<string>();
  #unreachable = new Set<string>();

  /** Forgets the routes through a link that was deleted (the kernel removed them with it). */
  forgetLink(link: string): void {
    for (const [destination, route] of this.#routes) if (route.link === link) this.#routes.delete(destination);
  }

  /** The commands from the current state to `wanted`; the state is updated as if they succeeded. */
  update(wanted: RouterWanted): string[] {
    const commands: string[] = [];
    for (const [destination, route] of this.#routes) {
      if (!wanted.routes.has(destination)) {
        commands.push(`route del ${destination} ${route.spec}`);
        this.#routes.delete(destination);
      }
    }
    for (const [destination, route] of wanted.routes) {
      if (this.#routes.get(destination)?.spec === route.spec) continue;
      commands.push(`route replace ${destination} ${route.spec}`);
      this.#routes.set(destination, route);
    }
    commands.push(...syncSet(this.#gateways, wanted.gateways, (g) => `addr add ${g}/32 dev lo`, (g) => `addr del ${g}/32 dev lo`));
    commands.push(...syncSet(this.#unreachable, wanted.unreachable, (c) => `route replace unreachable ${c}`, (c) => `route del unreachable ${c}`));
    return commands;
  }
}

function syncSet(current: Set<string>, wanted: readonly string[], add: (item: string) => string, remove: (item: string) => string): string[] {
  const commands: string[] = [];
  const target = new Set(wanted);
  for (const item of current) {
    if (!target.has(item)) {
      commands.push(remove(item));
      current.delete(item);
    }
  }
  for (const item of target) {
    if (!current.has(item)) {
      commands.push(add(item));
      current.add(item);
    }
  }
  return commands;
}
