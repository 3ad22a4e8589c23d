/**
 * A consumer: takes jobs from the queue workers' queues and runs their handlers, in as
 * many processes on as many machines as wanted, against one PostgreSQL.
 *
 * Each queue gets `concurrency` loops; a loop fetches (pg-boss `fetch`, which locks the
 * jobs it takes with SKIP LOCKED, so no two consumers get the same job), runs the handler,
 * and completes or fails the job. A completion that cannot reach the database is retried
 * until it can; a job whose consumer died is expired by pg-boss maintenance and retried
 * elsewhere. Delivery is therefore at least once: handlers must be idempotent.
 */
import type { Settings } from "../../config/index.ts";
import { ErrorCode, SpocError, WorkerError } from "../../errors.ts";
import { type BossClient, type BossJob, ensureQueue, failJobs, openBoss } from "./_boss.ts";
import { describeConnection, type JobsSettings } from "./connection.ts";
import { queueNameOf, type Job, type QueueWorker, type QueueWorkerClass } from "./queue-worker.ts";

export interface ConsumerOptions {
  readonly jobs: JobsSettings;
  /** The queue workers to consume for, by component key. */
  readonly workers: ReadonlyMap<string, QueueWorkerClass>;
  /** Handed to each worker's `setup`. */
  readonly settings: Settings;
  /**
   * Jobs of one queue handled at the same time in this process.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * How long `stop()` lets jobs in flight finish; then their signal aborts and they are
   * released for retry (failed, so that pg-boss retries them after `retryDelaySeconds`).
   * @default 30_000
   */
  readonly stopTimeoutMs?: number;
  /**
   * Progress and trouble, one line each.
   * @default console.error
   */
  readonly log?: (line: string) => void;
}

/** What `stop()` did. */
export interface StopReport {
  /** Whether every job in flight finished within the stop budget. */
  readonly drained: boolean;
  /** Jobs given back to the queue because they did not finish in time. */
  readonly released: number;
}

interface Consumed {
  readonly key: string;
  readonly queue: string;
  readonly worker: QueueWorker;
  readonly batchSize: number;
  readonly expireMs: number;
}

interface InFlight {
  readonly consumed: Consumed;
  readonly controller: AbortController;
  /** Ids not completed or failed yet. */
  readonly open: Set<string>;
}

/** Consumes the queues of a set of queue workers until stopped. */
export class QueueConsumer {
  /** The queue names consumed, sorted. */
  readonly queues: readonly string[];
  /** Jobs completed and attempts failed since the start. */
  readonly counts = { completed: 0, failed: 0 };

  readonly #boss: BossClient;
  readonly #consumed: readonly Consumed[];
  readonly #options: ConsumerOptions;
  readonly #log: (line: string) => void;
  readonly #inFlight = new Set<InFlight>();
  readonly #wake = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];
  #loops: Promise<void>[] = [];
  #stopping: Promise<StopReport> | undefined;
  #closed = false;

  private constructor(boss: BossClient, consumed: readonly Consumed[], options: ConsumerOptions) {
    this.#boss = boss;
    this.#consumed = consumed;
    this.#options = options;
    this.#log = options.log ?? ((line) => console.error(line));
    this.queues = consumed.map((entry) => entry.queue).sort();
  }

  /**
   * Connects, creates the queues that do not exist yet, runs each worker's `setup`,
   * registers schedules, and starts consuming.
   * @throws SpocError `DatabaseUnreachable` when PostgreSQL cannot be reached.
   */
  static async start(options: ConsumerOptions): Promise<QueueConsumer> {
    const log = options.log ?? ((line: string) => console.error(line));
    const where = describeConnection(options.jobs.connection);
    const errors = throttledLog(log, `job queue at ${where}`);
    const boss = await openBoss(options.jobs, { consumer: true, onError: errors });
    const consumed: Consumed[] = [];
    try {
      for (const [key, Worker] of options.workers) {
        const queue = queueNameOf(Worker, key);
        await ensureQueue(boss, queue, Worker.queueOptions, true).catch((cause: unknown) => {
          throw new SpocError(
            ErrorCode.JobQueueFailed,
            `cannot create or update the queue "${queue}" on PostgreSQL at ${where}: ${messageOf(cause)}`,
            { hint: "check that the database user may create tables in the pg-boss schema, then start again", cause },
          );
        });
        const worker = new (Worker as unknown as new () => QueueWorker)();
        await call(() => worker.setup({ key, queue, settings: options.settings })).catch((cause: unknown) => {
          throw new WorkerError(
            ErrorCode.WorkerFailed,
            `setup() of the queue worker ${key} failed: ${messageOf(cause)}`,
            {
              hint: `fix ${key}'s setup(); the error it threw is the cause`,
              cause,
            },
          );
        });
        const { batchSize = 1, expireInSeconds = 900 } = Worker.queueOptions;
        consumed.push({ key, queue, worker, batchSize: Math.max(1, batchSize), expireMs: expireInSeconds * 1000 });
      }
    } catch (error) {
      for (const entry of consumed) await call(() => entry.worker.teardown()).catch(() => {});
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      throw error;
    }
    const consumer = new QueueConsumer(boss, consumed, options);
    await consumer.#schedule();
    consumer.#loops = consumed.flatMap((entry) =>
      Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => consumer.#loop(entry)),
    );
    return consumer;
  }

  /** Jobs being handled right now. */
  get inFlight(): number {
    let count = 0;
    for (const flight of this.#inFlight) count += flight.open.size;
    return count;
  }

  /**
   * Takes no new job, lets the jobs in flight finish within `stopTimeoutMs`, releases the
   * others for retry, runs each worker's `teardown` and disconnects. Later calls wait for
   * the first.
   */
  stop(): Promise<StopReport> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<StopReport> {
    this.#wake.abort();
    for (const timer of this.#timers) clearInterval(timer);
    const budget = this.#options.stopTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(this.#loops).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), budget);
      }),
    ]);
    clearTimeout(timer);
    let released = 0;
    if (!drained) {
      for (const flight of this.#inFlight) {
        flight.controller.abort(new Error("the consumer is stopping"));
        const ids = [...flight.open];
        flight.open.clear();
        if (ids.length === 0) continue;
        released += ids.length;
        await failJobs(this.#boss, flight.consumed.queue, ids, {
          message: `released: the consumer stopped after ${budget} ms`,
        }).catch((error: unknown) =>
          this.#log(`could not release ${ids.length} job(s) of ${flight.consumed.queue}: ${messageOf(error)}`),
        );
      }
    }
    this.#closed = true;
    for (const entry of this.#consumed) {
      await call(() => entry.worker.teardown()).catch((error: unknown) =>
        this.#log(`${entry.key} teardown failed: ${messageOf(error)}`),
      );
    }
    await this.#boss.stop({ graceful: false, close: true }).catch(() => {});
    return { drained, released };
  }

  async #loop(entry: Consumed): Promise<void> {
    const pollMs = this.#options.jobs.pollIntervalMs ?? 1000;
    while (!this.#wake.signal.aborted) {
      let jobs: BossJob[] = [];
      try {
        jobs = await this.#boss.fetch<unknown>(entry.queue, { batchSize: entry.batchSize, includeMetadata: true });
      } catch (error) {
        this.#log(`fetching from ${entry.queue} failed, retrying: ${messageOf(error)}`);
      }
      if (jobs.length === 0) {
        await pause(pollMs, this.#wake.signal);
        continue;
      }
      await this.#run(entry, jobs);
    }
  }

  async #run(entry: Consumed, fetched: readonly BossJob[]): Promise<void> {
    const controller = new AbortController();
    const flight: InFlight = { consumed: entry, controller, open: new Set(fetched.map((job) => job.id)) };
    this.#inFlight.add(flight);
    const expiry = setTimeout(
      () => controller.abort(new Error(`the job expired after ${entry.expireMs} ms`)),
      entry.expireMs,
    );
    const jobs = fetched.map((job) => toJob(entry, job));
    const { worker } = entry;
    const { signal } = controller;
    try {
      if (jobs.length > 1 && worker.handleBatch) {
        const outcome = await attempt(() => worker.handleBatch?.(jobs, signal));
        await this.#finish(flight, jobs, outcome);
      } else {
        // Each job fails on its own; the ones that succeed are completed together, in one query.
        const done: Job<unknown>[] = [];
        for (const job of jobs) {
          if (!flight.open.has(job.id)) continue;
          const outcome = await attempt(() => worker.handle(job, signal));
          if (outcome) await this.#finish(flight, [job], outcome);
          else done.push(job);
        }
        await this.#finish(flight, done, undefined);
      }
    } finally {
      clearTimeout(expiry);
      this.#inFlight.delete(flight);
    }
  }

  /** Completes or fails jobs still open (not released meanwhile), retrying while the database is away. */
  async #finish(flight: InFlight, jobs: readonly Job<unknown>[], outcome: Error | undefined): Promise<void> {
    const ids = jobs.map((job) => job.id).filter((id) => flight.open.has(id));
    if (ids.length === 0) return;
    const { queue, key } = flight.consumed;
    if (outcome) this.#log(`${key}: job ${ids.join(", ")} failed: ${outcome.message}`);
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        if (outcome) await failJobs(this.#boss, queue, ids, { message: outcome.message, name: outcome.name });
        else await this.#boss.complete(queue, ids);
        for (const id of ids) flight.open.delete(id);
        if (outcome) this.counts.failed += ids.length;
        else this.counts.completed += ids.length;
        return;
      } catch (error) {
        if (attempt === 0) this.#log(`recording ${key} job ${ids.join(", ")} failed, retrying: ${messageOf(error)}`);
        await pause(Math.min(5000, 100 * 2 ** attempt), undefined);
      }
    }
  }

  /** Schedules: `everySeconds` as one throttled job per slot, `cron` through pg-boss. */
  async #schedule(): Promise<void> {
    for (const entry of this.#consumed) {
      const schedule = this.#options.workers.get(entry.key)?.queueOptions.schedule;
      if (!schedule) continue;
      if ("cron" in schedule) {
        await this.#boss.schedule(entry.queue, schedule.cron, {}, { tz: schedule.tz ?? "UTC" });
        continue;
      }
      const seconds = Math.max(1, Math.round(schedule.everySeconds));
      // Every consumer offers the slot's job; the unique (queue, slot) index keeps one.
      const offer = () =>
        this.#boss
          .sendThrottled(entry.queue, {}, {}, seconds, "spoc-schedule")
          .catch((error: unknown) => this.#log(`scheduling ${entry.key} failed: ${messageOf(error)}`));
      await offer();
      this.#timers.push(setInterval(offer, Math.min(1000, (seconds * 1000) / 4)));
    }
  }
}

function toJob(entry: Consumed, job: BossJob): Job<unknown> {
  return {
    id: job.id,
    key: entry.key,
    queue: entry.queue,
    payload: job.data,
    attempt: (job.retryCount ?? 0) + 1,
    createdAt: job.createdOn,
  };
}

/** Calls a user's hook, so that a synchronous throw rejects like an asynchronous one. */
async function call(hook: () => void | Promise<void>): Promise<void> {
  await hook();
}

/**
 * Runs a handler to its end and says how it ended: `undefined`, or the error (a synchronous
 * throw included). One async frame per job: this is the consumer's per-job path.
 */
async function attempt(handler: () => void | Promise<void>): Promise<Error | undefined> {
  try {
    await handler();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The same error repeated while the database is away is said once every 10 s. */
function throttledLog(log: (line: string) => void, what: string): (error: Error) => void {
  let last = "";
  let at = 0;
  return (error) => {
    const message = messageOf(error);
    if (message === last && Date.now() - at < 10_000) return;
    last = message;
    at = Date.now();
    log(`${what}: ${message}`);
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
