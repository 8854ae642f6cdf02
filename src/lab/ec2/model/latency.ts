/**
 * How slow the emulated AWS is. `fast` is for tests (state changes happen inside the call);
 * `realistic` follows what AWS documents and users measure (an ENI attach takes seconds).
 */
export interface LatencyProfile {
  /** Delay before an attachment goes from `attaching` to `attached`. */
  readonly attachMs: number;
  /** Delay before a detaching ENI becomes `available`. */
  readonly detachMs: number;
  /** Delay before a launched instance goes from `pending` to `running`. */
  readonly instanceStartMs: number;
  /** Delay before an HTTP reply of the EC2 API, for any action. */
  readonly apiResponseMs: number;
  /** How far IMDS lags behind EC2 (a change becomes visible in IMDS this much later). */
  readonly imdsLagMs: number;
}

/** Named profiles selectable from the CLI and tests. */
export const LATENCY_PROFILES: Readonly<Record<'fast' | 'realistic', LatencyProfile>> = {
  fast: { attachMs: 0, detachMs: 0, instanceStartMs: 0, apiResponseMs: 0, imdsLagMs: 0 },
  realistic: { attachMs: 3000, detachMs: 2000, instanceStartMs: 5000, apiResponseMs: 80, imdsLagMs: 1000 },
};
