import type { LatencyProfile } from './latency.ts';
import { LATENCY_PROFILES } from './latency.ts';
import type { Ec2State } from './state.ts';
import { emptyState } from './state.ts';

/** Something that changed in the model, for listeners such as IMDS and the lab fabric. */
export type ModelEvent =
  | { readonly type: 'vpc-changed'; readonly vpcId: string }
  | { readonly type: 'subnet-changed'; readonly subnetId: string }
  | { readonly type: 'route-table-changed'; readonly routeTableId: string }
  | { readonly type: 'internet-gateway-changed'; readonly internetGatewayId: string }
  | { readonly type: 'security-group-changed'; readonly groupId: string }
  | { readonly type: 'eni-changed'; readonly networkInterfaceId: string }
  | { readonly type: 'eni-deleted'; readonly networkInterfaceId: string }
  | { readonly type: 'instance-changed'; readonly instanceId: string };

export type ModelListener = (event: ModelEvent) => void;

/** Runs `task` after `delayMs`; a delay of 0 must run it synchronously, before schedule() returns. */
export type Scheduler = (delayMs: number, task: () => void) => void;

export interface Ec2ModelOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
  readonly scheduler?: Scheduler;
  readonly latency?: LatencyProfile;
  /** Seed for ids and MAC addresses, so a run can be replayed. */
  readonly seed?: number;
  /** Where instances' public IPv4 addresses come from. */
  readonly publicIpCidr?: string;
}

/** Runs a task now when the delay is 0, else on a timer that does not keep the process alive. */
export function timerScheduler(delayMs: number, task: () => void): void {
  if (delayMs <= 0) {
    task();
    return;
  }
  setTimeout(task, delayMs).unref();
}

/**
 * The emulated AWS account in one region: state, ids, time and change notification. Operations are
 * functions in sibling modules that take the model, check AWS's rules, mutate `state` and call
 * `emit()`. It is an independent model of AWS: it shares no logic with the daemon it is used to test.
 */
export class Ec2Model {
  readonly state: Ec2State = emptyState();
  readonly region: string;
  readonly accountId: string;
  readonly latency: LatencyProfile;
  readonly publicIpCidr: string;
  readonly clock: () => number;
  readonly scheduler: Scheduler;
  #random: () => number;
  #listeners = new Set<ModelListener>();
  #usedIds = new Set<string>();

  constructor(options: Ec2ModelOptions = {}) {
    this.region = options.region ?? 'us-west-2';
    this.accountId = options.accountId ?? '123456789012';
    this.latency = options.latency ?? LATENCY_PROFILES.fast;
    this.publicIpCidr = options.publicIpCidr ?? '198.51.100.0/24';
    this.clock = options.clock ?? Date.now;
    this.scheduler = options.scheduler ?? timerScheduler;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** A new unique id such as `eni-0a1b2c3d4e5f60718`: the prefix, a dash and 17 hex digits. */
  newId(prefix: string): string {
    for (;;) {
      const id = `${prefix}-0${this.hex(16)}`;
      if (!this.#usedIds.has(id)) {
        this.#usedIds.add(id);
        return id;
      }
    }
  }

  /** A random integer in [0, bound) from the model's seeded generator. */
  randomInt(bound: number): number {
    return Math.floor(this.#random() * bound);
  }

  /** `count` random lowercase hex digits from the model's seeded generator. */
  hex(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += Math.floor(this.#random() * 16).toString(16);
    return out;
  }

  /** A new locally administered unicast MAC address, `02:xx:xx:xx:xx:xx`, unique in the model. */
  newMacAddress(): string {
    for (;;) {
      const octets = ['02'];
      for (let i = 0; i < 5; i++) octets.push(this.hex(2));
      const mac = octets.join(':');
      if (!this.#usedIds.has(mac)) {
        this.#usedIds.add(mac);
        return mac;
      }
    }
  }

  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: ModelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener about a change. A throwing listener does not stop the others. */
  emit(event: ModelEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own business; the model's state is already consistent.
      }
    }
  }
}

/** mulberry32: a small, fast, seedable PRNG (ids only, nothing cryptographic). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
