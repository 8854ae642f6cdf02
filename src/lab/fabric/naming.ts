import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every name the lab creates starts with this, then the lab id. */
export const LAB_PREFIX = 'vpcl';

/** Linux's limit on interface names (IFNAMSIZ - 1). */
export const MAX_INTERFACE_NAME = 15;

const LAB_ID = /^[a-z0-9]{1,8}$/;

/** A fresh random lab id: 6 lowercase hex digits. */
export function newLabId(): string {
  return randomBytes(3).toString('hex');
}

/**
 * The names of everything one lab creates: its namespaces, its nftables table and its run directory all
 * start with `vpcl<labId>`, so that a crashed lab's leftovers can be found by exact prefix.
 */
export class LabNames {
  readonly labId: string;
  /** `vpcl<labId>`. */
  readonly prefix: string;

  constructor(labId: string) {
    if (!LAB_ID.test(labId)) throw new Error(`lab id must be 1-8 lowercase letters or digits, got "${labId}"`);
    this.labId = labId;
    this.prefix = `${LAB_PREFIX}${labId}`;
  }

  /** The VPC router's namespace. */
  get routerNamespace(): string {
    return `${this.prefix}-router`;
  }

  /** The namespace that plays the internet. */
  get internetNamespace(): string {
    return `${this.prefix}-internet`;
  }

  /** The nftables table (family inet) inside the router namespace. */
  get nftTable(): string {
    return this.prefix;
  }

  /** A directory for the lab's files (web root, sockets); removed by `stop()`. */
  get runDirectory(): string {
    return join(tmpdir(), this.prefix);
  }

  /** The namespace of an instance: `vpcl<labId>-i-0123...`. */
  instanceNamespace(instanceId: string): string {
    return `${this.prefix}-${instanceId}`;
  }

  /** True for a namespace name this lab created (exact prefix and separator). */
  ownsNamespace(name: string): boolean {
    return name.startsWith(`${this.prefix}-`);
  }
}

/**
 * Names the router end of each ENI's veth from the ENI id (`eni` + its last 12 hex digits, 15 characters at
 * most) and keeps names unique: a clash, however unlikely, gets a shorter stem and a counter.
 */
export class EniLinkNames {
  #byEni = new Map<string, string>();
  #taken = new Set<string>();

  /** The link name of this ENI, the same for as long as it is in use. */
  nameOf(networkInterfaceId: string): string {
    const known = this.#byEni.get(networkInterfaceId);
    if (known !== undefined) return known;
    const stem = `eni${networkInterfaceId.replace(/^eni-/, '').replace(/[^a-zA-Z0-9]/g, '').slice(-12)}`;
    let name = stem;
    for (let counter = 1; this.#taken.has(name); counter++) name = `${stem.slice(0, MAX_INTERFACE_NAME - String(counter).length - 1)}x${counter}`;
    this.#byEni.set(networkInterfaceId, name);
    this.#taken.add(name);
    return name;
  }

  /** Forgets an ENI whose link is gone, so its name may be reused. */
  release(networkInterfaceId: string): void {
    const name = this.#byEni.get(networkInterfaceId);
    if (name === undefined) return;
    this.#byEni.delete(networkInterfaceId);
    this.#taken.delete(name);
  }
}
