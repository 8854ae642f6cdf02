/**
 * The node daemon, composed: `createIpamd(deps)` wires the node state that `init()` builds to the plugin
 * service (ADD/DEL/STATUS), the pool manager, the reconciler, the leaked-ENI cleanup, the background loop
 * and the views introspection and metrics read. Servers (plugin API, introspection, metrics) and the
 * process entry point live elsewhere and take an `Ipamd`.
 */
import { describeConfig } from '../core/config/index.ts';
import { enisViewJson } from '../core/datastore/index.ts';
import { PROTOCOL_VERSION } from '../core/protocol/index.ts';
import type { AddReply, AddRequest, DelReply, DelRequest, Failure, StatusReply } from '../core/protocol/index.ts';
import { AddressService } from './address-service.ts';
import { errorText, notify } from './daemon-runtime.ts';
import type { DaemonRuntime, NodeFacts, NodeState } from './daemon-runtime.ts';
import type { IpamdDeps, IpamdViews, PoolGauges, ReconcileCounts } from './ipamd-types.ts';
import { DEFAULT_ADD_WAIT_MS, DEFAULT_IMDS_WAIT_MS } from './ipamd-types.ts';
import { cleanupLeakedEnis } from './leaked-eni-cleanup.ts';
import type { LeakedEniCleanup } from './leaked-eni-cleanup.ts';
import { initializeNode } from './node-init.ts';
import { ObservedEc2Api } from './observed-ec2.ts';
import { PoolLoop } from './pool-loop.ts';
import { PoolManager } from './pool-manager.ts';
import type { PoolRunResult } from './pool-manager.ts';
import { Reconciler } from './reconciler.ts';
import type { IpamdService } from './rpc-exchange.ts';

export type { IpamdDeps, IpamdObserver, IpamdViews, PoolGauges, ReconcileCounts, Sleep } from './ipamd-types.ts';
export { DEFAULT_ADD_WAIT_MS, DEFAULT_IMDS_WAIT_MS } from './ipamd-types.ts';
export type { LeakedEniCleanup } from './leaked-eni-cleanup.ts';
export type { PoolRunResult } from './pool-manager.ts';
export type { NodeFacts } from './daemon-runtime.ts';

/** The node daemon. Everything but `init`, `service.status` and `views` needs a successful `init` first. */
export interface Ipamd {
  /** Upstream's nodeInit, then one pool round (pre-scale); throws (refuse to start) on failure. */
  init(): Promise<void>;
  /** What the plugin API serves; before init, ADD and DEL fail with `daemon-unavailable`. */
  readonly service: IpamdService;
  /** One pool round: grow, shrink or release an ENI as the targets require. */
  runPoolOnce(): Promise<PoolRunResult>;
  /** One reconcile with IMDS and EC2. */
  reconcileOnce(): Promise<ReconcileCounts>;
  /** One leaked-ENI cleanup pass (none when disabled). */
  cleanupLeakedEnis(): Promise<LeakedEniCleanup>;
  /** Starts the background loop (pool rounds, reconcile, hourly cleanup). */
  startPoolLoop(): void;
  /** Stops the loop and all further EC2 growth and release; waits for the work in progress. */
  stop(): Promise<void>;
  readonly views: IpamdViews;
  /** The node as init found it; undefined before init. */
  facts(): NodeFacts | undefined;
}

interface Parts {
  readonly state: NodeState;
  readonly pool: PoolManager;
  readonly reconciler: Reconciler;
  readonly service: AddressService;
  readonly loop: PoolLoop;
}

function resolveRuntime(deps: IpamdDeps): DaemonRuntime {
  const observer = deps.observer ?? {};
  const runtime: DaemonRuntime = {
    config: deps.config,
    ec2: deps.ec2,
    imds: deps.imds,
    nodeNetwork: deps.nodeNetwork,
    checkpointStore: deps.checkpointStore,
    clock: deps.clock,
    logger: deps.logger,
    sleep: deps.sleep,
    random: deps.random ?? Math.random,
    observer,
    addWaitMs: Math.max(0, deps.addWaitMs ?? DEFAULT_ADD_WAIT_MS),
    imdsWaitMs: Math.max(0, deps.imdsWaitMs ?? DEFAULT_IMDS_WAIT_MS),
  };
  const ec2 = new ObservedEc2Api(deps.ec2, deps.clock, (action, outcome, ms) => notify(runtime, (o) => o.ec2Call?.(action, outcome, ms)));
  return { ...runtime, ec2 };
}

function unavailable(): Failure {
  return { version: PROTOCOL_VERSION, reason: 'daemon-unavailable', message: 'the daemon is starting: the node is not initialized yet' };
}

function gauges(parts: Parts, nowMs: number): PoolGauges {
  const { state } = parts;
  const { targets } = state.facts;
  const stats = state.datastore.stats(nowMs);
  const eniMax = Math.max(targets.maxEni - state.unmanagedEniIds.size, 0);
  const assignedPerCidr: Record<string, number> = {};
  const assignedPerEni: Record<string, number> = {};
  for (const eni of state.datastore.describe()) {
    let onEni = 0;
    for (const cidr of eni.cidrs) {
      const assigned = cidr.records.filter((record) => record.key !== undefined).length;
      assignedPerCidr[cidr.cidr] = assigned;
      onEni += assigned;
    }
    assignedPerEni[eni.eniId] = onEni;
  }
  return {
    enis: state.enis.size,
    totalIps: stats.totalIps,
    assignedIps: stats.assignedIps,
    ipv4Prefixes: stats.totalPrefixes,
    idleIps: stats.availableIps,
    assignedPerEni,
    assignedPerCidr,
    eniMax,
    ipMax: eniMax * targets.ipsPerEni,
    maxPods: state.facts.maxPods,
  };
}

function assemble(runtime: DaemonRuntime, state: NodeState): Parts {
  const reconciler = new Reconciler(runtime, state);
  const pool = new PoolManager(runtime, state, () => reconciler.reconcileInLane());
  const service = new AddressService(runtime, state, pool);
  const loop = new PoolLoop(runtime, {
    runPool: () => pool.runOnce(),
    reconcile: () => reconciler.reconcileOnce(),
    cleanupLeakedEnis: runtime.config.leakedEniCleanupDisabled ? undefined : () => state.lane.run(() => cleanupLeakedEnis(runtime, state)),
  });
  return { state, pool, reconciler, service, loop };
}

/** Builds the daemon; nothing happens until `init()`. */
export function createIpamd(deps: IpamdDeps): Ipamd {
  const runtime = resolveRuntime(deps);
  let parts: Parts | undefined;
  let initializing: Promise<void> | undefined;
  const ready = (): Parts => {
    if (parts === undefined) throw new Error('Cannot run: the daemon is not initialized (call init() first)');
    return parts;
  };
  const service: IpamdService = {
    add: (request: AddRequest): Promise<AddReply> => (parts === undefined ? Promise.resolve(unavailable()) : parts.service.add(request)),
    del: (request: DelRequest): Promise<DelReply> => (parts === undefined ? Promise.resolve(unavailable()) : parts.service.del(request)),
    status: (): StatusReply => (parts === undefined
      ? { version: PROTOCOL_VERSION, ready: false, message: 'initializing: reading the node from IMDS and EC2' }
      : parts.service.status()),
  };
  const init = async (): Promise<void> => {
    notify(runtime, (o) => o.actionInProgress?.('nodeInit', true));
    try {
      const state = await initializeNode(runtime, deps.maxPods);
      const assembled = assemble(runtime, state);
      const preScale = await assembled.pool.runOnce().catch((error: unknown) => runtime.logger.warn('Pre-scale failed', { error: errorText(error) }));
      parts = assembled;
      runtime.logger.info('Node initialized', { enis: state.enis.size, assigned: state.datastore.assignments().length, grew: preScale?.added ?? 0 });
    } finally {
      notify(runtime, (o) => o.actionInProgress?.('nodeInit', false));
    }
  };
  return {
    init: () => (initializing ??= init().catch((error: unknown) => {
      initializing = undefined;
      throw error;
    })),
    service,
    runPoolOnce: () => ready().pool.runOnce(),
    reconcileOnce: () => ready().reconciler.reconcileOnce(),
    cleanupLeakedEnis: () => {
      const { state } = ready();
      return state.lane.run(() => cleanupLeakedEnis(runtime, state));
    },
    startPoolLoop: () => ready().loop.start(),
    stop: async () => {
      if (parts === undefined) return;
      parts.state.terminating = true;
      await parts.loop.stop();
      await parts.state.lane.idle();
      await parts.state.queue.idle();
    },
    views: {
      enisJson: () => (parts === undefined ? '{}' : enisViewJson(parts.state.datastore)),
      eniConfigName: () => undefined,
      envSettings: () => describeConfig(runtime.config),
      poolGauges: () => (parts === undefined ? undefined : gauges(parts, runtime.clock.now())),
    },
    facts: () => parts?.state.facts,
  };
}
