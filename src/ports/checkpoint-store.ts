/** Where the daemon keeps its checkpoint (`/var/run/aws-node/ipam.json`): whole-file, atomic. */
export interface CheckpointStore {
  /** The stored text, or undefined when there is none yet. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text atomically (a crash leaves the old or the new text, never a mix). */
  write(text: string): Promise<void>;
}
