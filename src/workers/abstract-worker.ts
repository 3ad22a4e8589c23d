import { ErrorCode, SpocError, WorkerError, formatError } from "../errors.ts";
import { WorkerHost, type ChildCallbacks, type ChildHandle, type JoinResult } from "./_host.ts";
import {
  IS_WORKER,
  RUN_HERE,
  findUncloneable,
  serializeError,
  toError,
  type ChildInit,
  type ChildMessage,
  type WorkerEvent,
} from "./_protocol.ts";
import { getWorkerLocation } from "./location.ts";

export type { ChildCallbacks, ChildHandle } from "./_host.ts";
export type { ChildInit } from "./_protocol.ts";
export type { JoinResult, WorkerEvent } from "./results.ts";

/** A worker's state: plain, structured-clone-able values. */
export type WorkerContext = Record<string, unknown>;

/**
 * Constructor options of a worker. They are sent to the thread or process that runs it,
 * where the class is constructed again with them, so every value must survive
 * `structuredClone`: no functions, class instances with methods, sockets or connections.
 */
export interface WorkerOptions<Context extends WorkerContext = WorkerContext> {
  /**
   * Names the worker in events and errors.
   * @default the class name
   */
  readonly name?: string;
  /**
   * The initial state; the child's final state comes back in `worker.context` after `join()`.
   * @default {}
   */
  readonly context?: Context;
  readonly [option: string]: unknown;
}

/** What each lifecycle event carries. */
export interface WorkerEvents {
  startup: { readonly name: string };
  error: Error;
  shutdown: { readonly name: string };
}

export type WorkerListener<E extends WorkerEvent> = (data: WorkerEvents[E]) => void;

export interface JoinOptions {
  /**
   * How long to wait for the worker to end before terminating its thread or killing its
   * process; the result then says `terminated: true`.
   * @default wait without limit
   */
  readonly timeoutMs?: number;
}

/**
 * A background worker. Subclass `ThreadWorker` or `ProcessWorker`, implement `main()`, and
 * optionally `setup()`, `teardown()` and `lifecycle()`; each may be async. The worker runs
 * `startup → setup → main → teardown → shutdown`; an error in setup or main emits `error`
 * and teardown and `shutdown` still run.
 *
 * ```ts
 * export class EmailWorker extends ThreadWorker {
 *   override async main() {
 *     while (this.isRunning) { await sendPending(); await this.sleep(5_000); }
 *   }
 * }
 * ```
 */
export abstract class AbstractWorker<Context extends WorkerContext = WorkerContext> {
  /** Names the worker in events and errors. */
  readonly name: string;
  /** The worker's state. On the parent it holds the child's final state after `join()`. */
  context: Context;
  /** The options the worker was constructed with. */
  readonly options: Readonly<WorkerOptions<Context>>;

  #started = false;
  #running = false;
  readonly #wakers = new Set<() => void>();
  readonly #listeners: { [E in WorkerEvent]: Set<WorkerListener<E>> } = {
    startup: new Set(),
    error: new Set(),
    shutdown: new Set(),
  };
  #host: WorkerHost | undefined;

  /** @throws WorkerError (`WorkerNotSerializable`) when an option cannot be sent to a child. */
  constructor(options: WorkerOptions<Context> = {}) {
    this.name = options.name ?? new.target.name;
    for (const [key, value] of Object.entries(options)) {
      const path = findUncloneable(value, key);
      if (path !== undefined) throw notSerializable(this.name, `option "${path}"`);
    }
    this.options = options;
    this.context = structuredClone(options.context ?? {}) as Context;
  }

  /** True from `start()` until `stop()` or the end of the worker. */
  get isRunning(): boolean {
    return this.#running;
  }

  /** Runs first, in the thread or process. */
  setup(): void | Promise<void> {}

  /** The work: loop while `this.isRunning`, waiting with `await this.sleep(ms)`. */
  abstract main(): void | Promise<void>;

  /** Runs last, in the thread or process, even when setup or main failed. */
  teardown(): void | Promise<void> {}

  /**
   * Called in the thread or process for each lifecycle event; the event then reaches the
   * parent's listeners (`worker.on(...)`). By default it writes errors to stderr.
   */
  lifecycle<E extends WorkerEvent>(event: E, data: WorkerEvents[E]): void | Promise<void> {
    if (event === "error") reportUnhandled(this.name, data);
  }

  /** Waits `ms` milliseconds, or less: it resolves at once when the worker is stopped. */
  sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  /** Listens to a lifecycle event of this worker, on the parent. */
  on<E extends WorkerEvent>(event: E, listener: WorkerListener<E>): this {
    this.#listeners[event].add(listener);
    return this;
  }

  off<E extends WorkerEvent>(event: E, listener: WorkerListener<E>): this {
    this.#listeners[event].delete(listener);
    return this;
  }

  /**
   * Starts the worker in its thread or process and returns at once; events follow.
   * @throws WorkerError `WorkerState` when started twice, `WorkerNotLocatable` when the
   * class cannot be found from a child, `WorkerNotSerializable` for an unclonable context.
   */
  start(): void {
    if (this.#started) {
      throw new WorkerError(ErrorCode.WorkerState, `worker "${this.name}" was already started`, {
        hint: "a worker runs once; construct a new instance to run it again",
      });
    }
    const location = getWorkerLocation(this.constructor as abstract new () => unknown);
    if (location === undefined) {
      const className = this.constructor.name;
      throw new WorkerError(
        ErrorCode.WorkerNotLocatable,
        `worker "${this.name}" cannot be started: its thread or process cannot find class ${className}`,
        {
          hint:
            `export ${className} from an app's workers module and start it through the Framework, ` +
            `or call setWorkerLocation(${className}, { moduleUrl: import.meta.url, exportName: "${className}" }) in the module that declares it`,
        },
      );
    }
    const path = findUncloneable(this.context, "");
    if (path !== undefined) throw notSerializable(this.name, path === "" ? "its context" : `context "${path}"`);
    const init: ChildInit = {
      location,
      options: this.options,
      name: this.name,
      context: this.context,
    };
    this.#started = true;
    this.#running = true;
    try {
      this.#host = new WorkerHost(
        this.name,
        {
          context: (context) => (this.context = context as Context),
          event: (event, data, local) => this.#emit(event, data, local),
          ended: () => (this.#running = false),
        },
        (callbacks) => this.spawnChild(init, callbacks),
      );
    } catch (error) {
      this.#running = false;
      throw error;
    }
  }

  /** Asks the worker to stop: `isRunning` turns false and a pending `sleep()` returns. */
  stop(): void {
    this.#running = false;
    for (const wake of [...this.#wakers]) wake();
    this.#host?.stop();
  }

  /**
   * Waits for the worker to end. With `timeoutMs`, a worker still running then is
   * terminated, and an `error` (`WorkerTimeout`) is emitted.
   * @throws WorkerError (`WorkerState`) when the worker was never started.
   */
  join(options: JoinOptions = {}): Promise<JoinResult> {
    if (this.#host === undefined) {
      return Promise.reject(
        new WorkerError(ErrorCode.WorkerState, `worker "${this.name}" cannot be joined: it was never started`, {
          hint: "call start() before join()",
        }),
      );
    }
    return this.#host.join(options.timeoutMs);
  }

  /** Starts the child that runs this worker: a thread or a process. */
  protected abstract spawnChild(init: ChildInit, callbacks: ChildCallbacks): ChildHandle;

  #emit(event: WorkerEvent, data: unknown, local: boolean): void {
    const listeners = this.#listeners[event] as Set<(data: unknown) => void>;
    if (event === "error" && local && listeners.size === 0) {
      reportUnhandled(this.name, data);
    }
    for (const listener of [...listeners]) listener(data);
  }

  /**
   * Runs the lifecycle here, in the child: called by the child bootstrap through a
   * `Symbol.for` key, so that any copy of this code in a bundle can run any worker.
   * @internal
   */
  async [RUN_HERE](send: (message: ChildMessage) => Promise<void>): Promise<void> {
    this.#started = true;
    this.#running = true;
    const report = async (event: WorkerEvent, data: unknown): Promise<void> => {
      try {
        await this.lifecycle(event, data as never);
      } catch (error) {
        if (event !== "error") await report("error", toError(error));
        else console.error(`worker "${this.name}": lifecycle("error") failed:`, error);
      }
      await send(withContext(this, event, data));
    };
    await report("startup", { name: this.name });
    try {
      await this.setup();
      if (this.#running) await this.main();
    } catch (error) {
      await report("error", toError(error));
    }
    try {
      await this.teardown();
    } catch (error) {
      await report("error", toError(error));
    }
    this.stop();
    const lost = Object.entries(this.context).find(([key, value]) => findUncloneable(value, key) !== undefined);
    if (lost !== undefined) {
      const path = findUncloneable(lost[1], lost[0]) ?? lost[0];
      await report("error", notSerializable(this.name, `context "${path}"`, "back to the parent"));
    }
    await report("shutdown", { name: this.name });
  }

  static {
    Object.defineProperty(AbstractWorker.prototype, IS_WORKER, { value: true });
  }
}

/** The message for `event`, with as much of the context as can be cloned. */
function withContext(worker: AbstractWorker, event: WorkerEvent, data: unknown): ChildMessage {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(worker.context)) {
    if (findUncloneable(value, key) === undefined) context[key] = value;
  }
  return event === "error"
    ? { type: "event", event, error: serializeError(data), context }
    : { type: "event", event, context };
}

/** Writes an error nobody listens to on stderr: spoc's own without a stack trace. */
function reportUnhandled(name: string, error: unknown): void {
  console.error(`worker "${name}" failed:`, error instanceof SpocError ? formatError(error) : error);
}

function notSerializable(name: string, what: string, where = "to its thread or process"): WorkerError {
  return new WorkerError(ErrorCode.WorkerNotSerializable, `worker "${name}": ${what} cannot be sent ${where}`, {
    hint: "worker options and context must be structured-clone-able: plain objects, arrays, strings, numbers, Dates, Maps, Sets; no functions, class instances with methods, sockets or connections. Create those in setup() instead",
  });
}
