/** Public types of a worker's lifecycle, shared by the parent's and the child's sides. */

/** The lifecycle events of a worker. */
export type WorkerEvent = "startup" | "error" | "shutdown";

/** What `join()` resolves to. */
export interface JoinResult {
  readonly name: string;
  /** The worker ran its lifecycle to the end: teardown ran and `shutdown` was emitted. */
  readonly stopped: boolean;
  /** The join timeout passed, and the thread was terminated or the process killed. */
  readonly terminated: boolean;
  /** Exit code of the thread or process, when it exited with one. */
  readonly exitCode?: number;
  /** The signal that ended the process, when one did. */
  readonly signal?: string;
  /** Every error the worker emitted, in order. */
  readonly errors: readonly Error[];
}
