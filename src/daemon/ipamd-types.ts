/**
 * The node daemon's public shapes: what `createIpamd` needs (ports, time, tuning), what it reports to
 * metrics (`IpamdObserver`), and what it offers introspection (`IpamdViews`).
 */
import type { Ec2ErrorKind } from '../core/aws/ec2-error.ts';
import type { ConfigDescription, DaemonConfig } from '../core/config/index.ts';
import type { ReasonCode } from '../core/protocol/index.ts';
import type { PoolAction } from '../core/warm-pool/index.ts';
import type { CheckpointStore } from '../ports/checkpoint-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Ec2Api } from '../ports/ec2-api.ts';
import type { Imds } from '../ports/imds.ts';
import type { Logger } from '../ports/logger.ts';
import type { NodeNetwork } from '../ports/node-network.ts';
import type { PoolGauges as MetricsPoolGauges } from './metrics.ts';

/** Waits `ms`; should settle early (resolve or reject) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Default of {@link IpamdDeps.addWaitMs}: an ADD on an empty pool waits up to 10 s for new addresses. */
export const DEFAULT_ADD_WAIT_MS = 10_000;
/** Default of {@link IpamdDeps.imdsWaitMs}: how long a new ENI may take to show in IMDS. */
export const DEFAULT_IMDS_WAIT_MS = 30_000;

/** Upstream's `awscni_ipamd_action_inprogress` `fn` values. */
export type IpamdActionName = 'nodeInit' | 'increaseDatastorePool' | 'decreaseDatastorePool' | 'nodeIPPoolReconcile';

/** What one reconcile changed (upstream's `awscni_reconcile_count` `fn`s plus the force removals). */
export interface ReconcileCounts {
  /** ENIs attached outside the daemon, set up and added (`eniReconcileAdd`). */
  readonly enisAdded: number;
  /** ENIs gone from EC2 and IMDS, removed (`eniReconcileDel`). */
  readonly enisRemoved: number;
  /** Addresses or prefixes EC2 and IMDS both show, added (`eniDataStorePoolReconcileAdd`). */
  readonly cidrsAdded: number;
  /** Addresses or prefixes EC2 no longer shows, removed (`eniIPPoolReconcileDel`). */
  readonly cidrsRemoved: number;
  /** Pod assignments lost with them (`awscni_force_removed_ips`). */
  readonly assignmentsLost: number;
  /** VPC CIDRs changed and SNAT was re-programmed. */
  readonly snatReprogrammed: boolean;
}

/**
 * Callbacks for metrics; every one is optional and must not throw. The RPC server counts requests and
 * failures by reason itself: `addFailed` is for a caller that serves the daemon without it.
 */
export interface IpamdObserver {
  /** One EC2 call as the daemon saw it (after the adapter's retries): `ok` or the error kind. */
  ec2Call?(action: string, outcome: 'ok' | Ec2ErrorKind, ms: number): void;
  /** An ADD that failed, by reason. */
  addFailed?(reason: Exclude<ReasonCode, 'ok'>): void;
  /** Every ADD reply: how long it took (waiting for the pool included) and its reason (`ok` or the failure). */
  addDone?(ms: number, reason: ReasonCode): void;
  /** A pool action carried out (or tried). */
  poolAction?(kind: PoolAction['kind'], outcome: 'ok' | 'failed'): void;
  /** One reconcile's changes (called when something changed). */
  reconciled?(counts: ReconcileCounts): void;
  /** An action started (`true`) or ended (`false`), as `awscni_ipamd_action_inprogress`. */
  actionInProgress?(action: IpamdActionName, inProgress: boolean): void;
}

/** Everything `createIpamd` composes. */
export interface IpamdDeps {
  readonly config: DaemonConfig;
  readonly ec2: Ec2Api;
  readonly imds: Imds;
  readonly nodeNetwork: NodeNetwork;
  readonly checkpointStore: CheckpointStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sleep: Sleep;
  /** [0, 1), for jitter; defaults to `Math.random`. */
  readonly random?: () => number;
  readonly observer?: IpamdObserver;
  /**
   * How long an ADD that finds the pool empty waits for the allocation it triggers, in ms; default
   * {@link DEFAULT_ADD_WAIT_MS}. 0 fails at once, as upstream (the allocation still starts).
   */
  readonly addWaitMs?: number;
  /** How long a new ENI may take to show in IMDS before the daemon leaves it to the reconciler; default 30 s. */
  readonly imdsWaitMs?: number;
  /** Max pods from outside (kubelet capacity); default: the limits formula of the pool mode (standalone). */
  readonly maxPods?: number;
}

/** Pool sizes for the gauges of metrics.ts, plus the max pods the pool grows to. */
export interface PoolGauges extends MetricsPoolGauges {
  readonly maxPods: number;
}

/** What the introspection server and metrics read. */
export interface IpamdViews {
  /** The exact body of `/v1/enis` (`{}` before init). */
  enisJson(): string;
  /** `/v1/eni-configs`: the node's ENIConfig name; undefined in standalone mode (no Kubernetes). */
  eniConfigName(): string | undefined;
  /** `/v1/ipamd-env-settings` and `/v1/networkutils-env-settings`. */
  envSettings(): ConfigDescription;
  /** Undefined before init. */
  poolGauges(): PoolGauges | undefined;
}
