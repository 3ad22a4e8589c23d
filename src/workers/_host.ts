/**
 * The parent's side of one running worker: it forwards `stop`, receives lifecycle events
 * and context, notices a child that ends without a `shutdown`, and enforces join timeouts.
 * Internal: `index.ts` does not export this file.
 */
import { ErrorCode, WorkerError } from "../errors.ts";
import { deserializeError, type ChildMessage, type ParentMessage } from "./_protocol.ts";
import type { JoinResult, WorkerEvent } from "./results.ts";

export type { JoinResult };

/** How a thread or process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** What a `ThreadWorker` or `ProcessWorker` returns after starting its child. */
export interface ChildHandle {
  /** Sends a message; throws or drops it when the child is already gone. */
  send(message: ParentMessage): void;
  /** Ends the child by force; its end is then reported through `onExit`. */
  terminate(): void;
}

/** What the child's owner reports back to the host. */
export interface ChildCallbacks {
  onMessage(message: ChildMessage): void;
  /** The child failed outside the lifecycle (uncaught exception, failed spawn). */
  onCrash(error: Error): void;
  onExit(exit: ChildExit): void;
}

/** Where the host delivers what it learns: the worker instance on the parent. */
export interface HostSink {
  context(context: Readonly<Record<string, unknown>>): void;
  /** `local` is true for events the child could not report itself (crash, timeout). */
  event(event: WorkerEvent, data: unknown, local: boolean): void;
  ended(): void;
}

export class WorkerHost {
  readonly #name: string;
  readonly #sink: HostSink;
  readonly #child: ChildHandle;
  readonly #exited: Promise<ChildExit>;
  #resolveExit: (exit: ChildExit) => void = () => {};
  #exit: ChildExit | undefined;
  #shutdown = false;
  #terminatedAfterMs: number | undefined;
  #crash: Error | undefined;
  readonly #errors: Error[] = [];

  constructor(name: string, sink: HostSink, spawn: (callbacks: ChildCallbacks) => ChildHandle) {
    this.#name = name;
    this.#sink = sink;
    this.#exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.#child = spawn({
      onMessage: (message) => this.#onMessage(message),
      onCrash: (error) => (this.#crash ??= error),
      onExit: (exit) => this.#onExit(exit),
    });
  }

  stop(): void {
    if (this.#exit !== undefined) return;
    try {
      this.#child.send({ type: "stop" });
    } catch {
      // The child is already gone; its exit is on its way.
    }
  }

  async join(timeoutMs: number | undefined): Promise<JoinResult> {
    if (timeoutMs !== undefined && this.#exit === undefined && !this.#shutdown) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.#exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs)))),
      ]);
      clearTimeout(timer);
      // A child that already said `shutdown` exits on its own a moment later.
      if (timedOut && this.#exit === undefined && !this.#shutdown && this.#terminatedAfterMs === undefined) {
        this.#terminatedAfterMs = timeoutMs;
        this.#child.terminate();
      }
    }
    const exit = await this.#exited;
    return {
      name: this.#name,
      stopped: this.#shutdown,
      terminated: this.#terminatedAfterMs !== undefined,
      ...(exit.code === null ? {} : { exitCode: exit.code }),
      ...(exit.signal === null ? {} : { signal: exit.signal }),
      errors: [...this.#errors],
    };
  }

  #onMessage(message: ChildMessage): void {
    if (message.context !== undefined) this.#sink.context(message.context);
    if (message.event === "error") {
      const error = deserializeError(message.error);
      this.#errors.push(error);
      this.#sink.event("error", error, false);
    } else {
      if (message.event === "shutdown") this.#shutdown = true;
      this.#sink.event(message.event, { name: this.#name }, false);
    }
  }

  #onExit(exit: ChildExit): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
    if (!this.#shutdown) {
      const error = this.#endError(exit);
      this.#errors.push(error);
      this.#sink.event("error", error, true);
      this.#sink.event("shutdown", { name: this.#name }, true);
    }
    this.#sink.ended();
    this.#resolveExit(exit);
  }

  #endError(exit: ChildExit): WorkerError {
    const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
    if (this.#terminatedAfterMs !== undefined) {
      return new WorkerError(
        ErrorCode.WorkerTimeout,
        `worker "${this.#name}" did not stop within ${this.#terminatedAfterMs} ms of join and was terminated (${how})`,
        {
          hint: "make main() return once this.isRunning is false, and wait with `await this.sleep(ms)`, which returns at once on stop()",
        },
      );
    }
    const reason = this.#crash === undefined ? "" : `: ${this.#crash.message}`;
    return new WorkerError(
      ErrorCode.WorkerFailed,
      `worker "${this.#name}" ended without shutting down (${how})${reason}`,
      {
        hint: "an uncaught exception outside setup/main/teardown, process.exit() or a kill ends a worker abruptly; check its output above",
        ...(this.#crash === undefined ? {} : { cause: this.#crash }),
      },
    );
  }
}
