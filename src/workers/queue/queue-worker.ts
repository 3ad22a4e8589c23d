/**
 * The queue worker kind: a component whose handler runs in any number of consumer
 * processes on any number of machines, fed by a job queue on PostgreSQL (pg-boss).
 *
 * ```ts
 * const indexPost = v.object({ postId: v.number() });          // any Standard Schema
 * @worker
 * export class IndexPost extends queueWorker({ payload: indexPost, retryLimit: 5 }) {
 *   override async handle(job: Job<{ postId: number }>, signal: AbortSignal) { … }
 * }
 * // elsewhere: await framework.jobs.send("blog.IndexPost", { postId: 7 });
 * ```
 */
import type { Settings } from "../../config/index.ts";
import { emptyPayload, type EmptyPayload, type PayloadOf, type PayloadSchema } from "./payload.ts";

/** How often a scheduled queue gets a job, once per interval across all consumers. */
export type Schedule =
  /** Every `everySeconds`, in slots aligned to the epoch (every 60 s: at each full minute). */
  | { readonly everySeconds: number }
  /** A cron expression (five fields, minute precision), evaluated by pg-boss. */
  | { readonly cron: string; readonly tz?: string };

/** Queue-level settings of a queue worker. */
export interface QueueOptions {
  /**
   * The pg-boss queue name.
   * @default the component key, `"<app>.<ExportName>"`
   */
  readonly queue?: string;
  /**
   * Retries after a failed attempt (a thrown error, an expired or released job).
   * @default 3
   */
  readonly retryLimit?: number;
  /**
   * Seconds before the first retry.
   * @default 5
   */
  readonly retryDelaySeconds?: number;
  /**
   * Whether the retry delay doubles with each attempt.
   * @default true
   */
  readonly retryBackoff?: boolean;
  /**
   * An attempt still running after this long is aborted (its signal fires) and retried.
   * @default 900
   */
  readonly expireInSeconds?: number;
  /**
   * pg-boss queue policy: `singleton` runs one job at a time across all consumers,
   * `stately` keeps at most one job per state, `short` at most one waiting job.
   * @default "standard"
   */
  readonly policy?: "standard" | "short" | "singleton" | "stately";
  /**
   * Jobs taken per fetch. With more than one, a worker that overrides `handleBatch`
   * receives them together; otherwise `handle` sees them one after the other.
   * @default 1
   */
  readonly batchSize?: number;
  /** Enqueue a job (with an empty payload) once per interval, across all consumers. */
  readonly schedule?: Schedule;
}

/** What a queue worker's definition holds: its payload schema and its queue options. */
export interface QueueDefinition<S extends PayloadSchema | undefined> extends QueueOptions {
  /**
   * Validates each payload at `send`, naming the field that is wrong.
   * @default an empty object
   */
  readonly payload?: S;
}

/** One job as a handler sees it. */
export interface Job<Payload> {
  readonly id: string;
  /** The component key, `"<app>.<ExportName>"`. */
  readonly key: string;
  readonly queue: string;
  readonly payload: Payload;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly createdAt: Date;
}

/** What `setup` receives: where the worker runs. */
export interface QueueWorkerContext {
  readonly key: string;
  readonly queue: string;
  /** The started application's settings (`config/settings.ts`). */
  readonly settings: Settings;
}

const QUEUE_WORKER = Symbol.for("spoc.QueueWorker");

/**
 * Base of every queue worker; extend {@link queueWorker}`({ … })` rather than this class.
 * A consumer process constructs one instance per queue, calls `setup` once, then `handle`
 * for each job, and `teardown` when it stops. Handlers must be idempotent: a job is
 * delivered at least once (a crash or an expiry retries it).
 */
export abstract class QueueWorker<Payload = unknown> {
  /** Brand that survives two copies of spoc in one process. */
  static readonly [QUEUE_WORKER] = true;
  /** The payload schema; set by {@link queueWorker}. */
  static readonly payload: PayloadSchema = emptyPayload;
  /** The queue options; set by {@link queueWorker}. */
  static readonly queueOptions: QueueOptions = {};

  /** Once per consumer process, before the first job (open connections here). */
  setup(_context: QueueWorkerContext): void | Promise<void> {}

  /**
   * Handles one job. Resolving completes it; throwing fails the attempt (retried up to
   * `retryLimit`). `signal` aborts when the job expires or the consumer's stop budget ran out.
   */
  abstract handle(job: Job<Payload>, signal: AbortSignal): Promise<void>;

  /**
   * Handles a batch of up to `batchSize` jobs, all completed or all failed together.
   * The default hands each job to `handle` and completes or fails each on its own.
   */
  handleBatch?(jobs: readonly Job<Payload>[], signal: AbortSignal): Promise<void>;

  /** When the consumer stops, after the last job. */
  teardown(): void | Promise<void> {}
}

/** A queue worker class, as the registry holds it. */
export type QueueWorkerClass<Payload = unknown> = (abstract new () => QueueWorker<Payload>) & {
  readonly payload: PayloadSchema;
  readonly queueOptions: QueueOptions;
  readonly name: string;
};

/** The payload a queue worker class accepts. */
export type PayloadOfWorker<C> = C extends abstract new () => QueueWorker<infer Payload> ? Payload : never;

/**
 * Defines the base class of a queue worker from its payload schema and queue options.
 * The payload type of `handle` and of `jobs.send` is the schema's output.
 */
export function queueWorker<S extends PayloadSchema | undefined = undefined>(definition: QueueDefinition<S> = {}) {
  type Payload = S extends PayloadSchema ? PayloadOf<S> : EmptyPayload;
  const { payload, ...options } = definition;
  abstract class DefinedQueueWorker extends QueueWorker<Payload> {
    static override readonly payload: PayloadSchema = payload ?? emptyPayload;
    static override readonly queueOptions: QueueOptions = Object.freeze({ ...options });
  }
  return DefinedQueueWorker;
}

/** Whether `value` is a queue worker class (a subclass of {@link QueueWorker}). */
export function isQueueWorkerClass(value: unknown): value is QueueWorkerClass {
  return (
    typeof value === "function" &&
    (value as unknown as Record<symbol, unknown>)[QUEUE_WORKER] === true &&
    value !== QueueWorker &&
    typeof (value as { prototype?: { handle?: unknown } }).prototype?.handle === "function"
  );
}

/** The pg-boss queue of a worker registered under `key`. */
export function queueNameOf(worker: QueueWorkerClass, key: string): string {
  return worker.queueOptions.queue ?? key;
}
