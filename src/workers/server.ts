import { ErrorCode, WorkerError } from "../errors.ts";
import type { JoinResult } from "./results.ts";
import type { AbstractWorker, JoinOptions } from "./abstract-worker.ts";

/** What `joinAll()` resolves to. */
export interface ServerJoinResult {
  /** One result per worker, in the order they were added. */
  readonly results: readonly JoinResult[];
  /** Names of the workers that had to be terminated because the budget ran out. */
  readonly terminated: readonly string[];
}

export interface RunForeverOptions {
  /**
   * How long the workers together have to stop after a signal before they are terminated.
   * @default 10_000
   */
  readonly timeoutMs?: number;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof SIGNALS)[number];
const FORCED_EXIT_CODE: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };
/**
 * A signal this soon after the stop began is the same stop delivered again, not a second one:
 * Ctrl-C reaches every process of the terminal's group, and launchers (npm, a start script)
 * pass it on as well, so a process gets it two or three times within milliseconds.
 */
const SAME_STOP_MS = 1000;

/**
 * Starts, stops and joins a set of workers. Creating a server has no side effect: SIGINT
 * and SIGTERM handlers exist from `start()` to `stop()`.
 *
 * ```ts
 * const server = new Server().addWorker(new EmailWorker());
 * await server.runForever(); // until Ctrl-C or SIGTERM; a second one (a second later) forces exit
 * ```
 */
export class Server {
  readonly #workers: AbstractWorker[] = [];
  #state: "new" | "running" | "stopped" = "new";
  #stopping = false;
  #stoppingSince = 0;
  #stopRequested: () => void = () => {};
  readonly #onSignal = (signal: StopSignal): void => {
    if (this.#stopping) {
      if (performance.now() - this.#stoppingSince < SAME_STOP_MS) return;
      process.exit(FORCED_EXIT_CODE[signal]);
    }
    this.#stopWorkers();
  };

  /** The workers, in the order they were added. */
  get workers(): readonly AbstractWorker[] {
    return this.#workers;
  }

  /** Adds a worker; a running server starts it at once. */
  addWorker(worker: AbstractWorker): this {
    if (this.#state === "stopped") {
      throw new WorkerError(ErrorCode.WorkerState, `cannot add worker "${worker.name}": the server was stopped`, {
        hint: "add workers before stop(), or create a new Server",
      });
    }
    this.#workers.push(worker);
    if (this.#state === "running") worker.start();
    return this;
  }

  /** Starts every worker and installs the SIGINT and SIGTERM handlers. */
  start(): void {
    if (this.#state !== "new") {
      throw new WorkerError(ErrorCode.WorkerState, "the server was already started", {
        hint: "a server runs once; create a new Server to run again",
      });
    }
    this.#state = "running";
    for (const signal of SIGNALS) process.on(signal, this.#onSignal);
    for (const worker of this.#workers) worker.start();
  }

  /** Asks every worker to stop and removes the signal handlers; `joinAll()` waits for them. */
  stop(): void {
    this.#stopWorkers();
    this.#removeSignalHandlers();
    if (this.#state === "running") this.#state = "stopped";
  }

  /**
   * Waits for every worker, sharing one budget: the workers still running when it runs out
   * are terminated.
   */
  async joinAll(options: JoinOptions = {}): Promise<ServerJoinResult> {
    if (this.#state === "new") {
      throw new WorkerError(ErrorCode.WorkerState, "cannot join the server's workers: it was never started", {
        hint: "call start() before joinAll()",
      });
    }
    const results = await Promise.all(this.#workers.map((worker) => worker.join(options)));
    return { results, terminated: results.filter((result) => result.terminated).map((result) => result.name) };
  }

  /**
   * Starts the server if needed and runs until SIGINT, SIGTERM, `stop()` or the end of
   * every worker; then stops and joins the workers. A second signal meanwhile exits the
   * process at once (code 130 or 143).
   */
  async runForever(options: RunForeverOptions = {}): Promise<ServerJoinResult> {
    const stopRequested = new Promise<void>((resolve) => (this.#stopRequested = resolve));
    if (this.#state === "new") this.start();
    const allEnded = Promise.all(this.#workers.map((worker) => worker.join()));
    await Promise.race([stopRequested, allEnded]);
    this.#stopWorkers();
    try {
      return await this.joinAll({ timeoutMs: options.timeoutMs ?? 10_000 });
    } finally {
      this.stop();
    }
  }

  #stopWorkers(): void {
    this.#stopping = true;
    this.#stoppingSince = performance.now();
    for (const worker of this.#workers) worker.stop();
    this.#stopRequested();
  }

  #removeSignalHandlers(): void {
    for (const signal of SIGNALS) process.off(signal, this.#onSignal);
  }
}
