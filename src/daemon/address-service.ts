/**
 * The plugin's requests: ADD assigns an address (idempotent per IPAM key), DEL releases it (it then cools
 * down). Each change and its checkpoint write happen in one step of the mutation queue, before the reply.
 * An ADD that finds the pool empty starts a pool round at once and waits up to `addWaitMs` for addresses,
 * then fails with the precise reason.
 */
import { PoolExhaustedError } from '../core/datastore/index.ts';
import type { Assignment } from '../core/datastore/index.ts';
import { PROTOCOL_VERSION } from '../core/protocol/index.ts';
import type { AddReply, AddRequest, DelReply, DelRequest, Failure, PodAddress, StatusReply } from '../core/protocol/index.ts';
import { errorText, notify, writeCheckpoint } from './daemon-runtime.ts';
import type { DaemonRuntime, NodeState } from './daemon-runtime.ts';
import type { PoolManager, PoolRunResult } from './pool-manager.ts';
import type { Shortage } from './shortage.ts';
import { diagnoseShortage } from './shortage.ts';

/** Pause before another round when the last one added nothing (EC2 throttling, slow IMDS). */
const RETRY_PAUSE_MS = 1_000;

type Attempt = { readonly assignment: Assignment } | { readonly shortage: Shortage } | { readonly failure: Failure };

function podAddress(assignment: Assignment): PodAddress {
  return { ipv4: assignment.ipv4, deviceNumber: assignment.deviceNumber, routeTableId: assignment.routeTableId };
}

function internal(message: string): Failure {
  return { version: PROTOCOL_VERSION, reason: 'internal', message };
}

/** ADD, DEL and STATUS for one initialized node. */
export class AddressService {
  readonly #runtime: DaemonRuntime;
  readonly #state: NodeState;
  readonly #pool: PoolManager;

  constructor(runtime: DaemonRuntime, state: NodeState, pool: PoolManager) {
    this.#runtime = runtime;
    this.#state = state;
    this.#pool = pool;
  }

  /** Assigns an address, waiting (bounded) for pool growth when none is free. */
  async add(request: AddRequest): Promise<AddReply> {
    const started = this.#runtime.clock.now();
    const reply = await this.#add(request);
    notify(this.#runtime, (observer) => observer.addDone?.(Math.max(0, this.#runtime.clock.now() - started), reply.reason));
    return reply;
  }

  async #add(request: AddRequest): Promise<AddReply> {
    const { clock } = this.#runtime;
    const deadline = clock.now() + this.#runtime.addWaitMs;
    let lastRoundAddedNothing = false;
    for (;;) {
      const attempt = await this.#tryAssign(request);
      if ('assignment' in attempt) return this.#ok(attempt.assignment);
      if ('failure' in attempt) return this.#failed(attempt.failure);
      const { shortage } = attempt;
      if (shortage.wantsGrowth && !shortage.stuck) this.#kickPool();
      const remaining = deadline - clock.now();
      if (remaining <= 0) return this.#failed(shortage.failure);
      if (shortage.stuck || !shortage.wantsGrowth) {
        const coolingWait = shortage.coolingEndsAtMs === undefined ? undefined : shortage.coolingEndsAtMs - clock.now();
        if (coolingWait === undefined || coolingWait > remaining) return this.#failed(shortage.failure);
        await this.#runtime.sleep(Math.max(coolingWait, 1));
        continue;
      }
      // A round that added nothing (throttled, slow IMDS) is not retried back to back.
      if (lastRoundAddedNothing) await this.#runtime.sleep(Math.min(RETRY_PAUSE_MS, remaining));
      const run = await this.#waitForRound(Math.max(deadline - clock.now(), 1));
      lastRoundAddedNothing = run !== undefined && run.added === 0;
    }
  }

  /** Releases the key's address; `unknown-pod` when the key holds none. */
  async del(request: DelRequest): Promise<DelReply> {
    return this.#state.queue.run(async () => {
      const released = this.#state.datastore.unassign(request.key, this.#runtime.clock.now());
      if (released === undefined) {
        return { version: PROTOCOL_VERSION, reason: 'unknown-pod', message: `no address is assigned to container ${request.key.containerId} (${request.key.networkName}, ${request.key.ifName})` };
      }
      try {
        await writeCheckpoint(this.#runtime, this.#state);
      } catch (error) {
        this.#state.datastore.place({ key: released.key, pod: released.pod, ipv4: released.ipv4, assignedAt: released.assignedAt });
        this.#runtime.logger.error('Cannot write the IPAM checkpoint; the release is undone', { ip: released.ipv4, error: errorText(error) });
        return internal(`cannot write the IPAM checkpoint: ${errorText(error)}`);
      }
      this.#runtime.logger.info('Released pod address', { ip: released.ipv4, containerId: request.key.containerId, pod: `${released.pod.namespace}/${released.pod.name}`, cause: request.cause });
      return { version: PROTOCOL_VERSION, reason: 'ok', addresses: [podAddress(released)] };
    });
  }

  /** Ready once the node is initialized. */
  status(): StatusReply {
    return { version: PROTOCOL_VERSION, ready: true, message: `ready: ${this.#state.datastore.stats(this.#runtime.clock.now()).availableIps} addresses free` };
  }

  #tryAssign(request: AddRequest): Promise<Attempt> {
    return this.#state.queue.run(async (): Promise<Attempt> => {
      const { datastore } = this.#state;
      const existing = datastore.lookup(request.key);
      if (existing !== undefined) return { assignment: existing };
      const now = this.#runtime.clock.now();
      let assignment: Assignment;
      try {
        assignment = datastore.assign(request.key, { namespace: request.pod.namespace, name: request.pod.name, interfacesCount: 1 }, now);
      } catch (error) {
        if (error instanceof PoolExhaustedError) return { shortage: diagnoseShortage(this.#runtime, this.#state, error, now) };
        throw error;
      }
      try {
        await writeCheckpoint(this.#runtime, this.#state);
      } catch (error) {
        datastore.unassign(request.key, now);
        this.#runtime.logger.error('Cannot write the IPAM checkpoint; the assignment is undone', { ip: assignment.ipv4, error: errorText(error) });
        return { failure: internal(`cannot write the IPAM checkpoint: ${errorText(error)}`) };
      }
      return { assignment };
    });
  }

  #ok(assignment: Assignment): AddReply {
    const { config } = this.#runtime;
    const external = config.snat.mode === 'external';
    this.#runtime.logger.info('Assigned pod address', { ip: assignment.ipv4, eni: assignment.eniId, containerId: assignment.key.containerId, pod: `${assignment.pod.namespace}/${assignment.pod.name}` });
    return {
      version: PROTOCOL_VERSION,
      reason: 'ok',
      addresses: [podAddress(assignment)],
      vpcCidrs: external ? [...this.#state.vpcCidrs] : [...this.#state.vpcCidrs, ...config.snat.excludeCidrs],
      useExternalSnat: external,
    };
  }

  #failed(failure: Failure): Failure {
    this.#runtime.logger.warn('Cannot assign an address', { reason: failure.reason, message: failure.message, ...failure.detail });
    notify(this.#runtime, (observer) => observer.addFailed?.(failure.reason));
    return failure;
  }

  /** Starts a round without waiting for it. */
  #kickPool(): void {
    this.#pool.requestRun().catch((error: unknown) => this.#runtime.logger.error('Pool round failed', { error: errorText(error) }));
  }

  /** Waits for the next round, at most `ms`; undefined when it did not finish in time. */
  async #waitForRound(ms: number): Promise<PoolRunResult | undefined> {
    const controller = new AbortController();
    const timeout = this.#runtime.sleep(ms, controller.signal).then(() => undefined, () => undefined);
    try {
      const round = this.#pool.requestRun().catch((error: unknown) => {
        this.#runtime.logger.error('Pool round failed', { error: errorText(error) });
        return undefined;
      });
      return await Promise.race([round, timeout]);
    } finally {
      controller.abort();
    }
  }
}
