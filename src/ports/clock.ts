/** Time, injected so that core logic and tests never read the system clock directly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
