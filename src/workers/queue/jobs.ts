/**
 * Typed enqueueing: `framework.jobs.send("blog.IndexPost", { postId })`, where the key is
 * a queue worker's component key and the payload its schema's type, both checked by tsc
 * from the generated registry's `ComponentMap`.
 */
import { ErrorCode, SpocError } from "../../errors.ts";
import { REGENERATE_COMMAND } from "../../regenerate-command.ts";
import type { ComponentMap } from "../../registry.ts";
import { type BossClient, type BossDb, type BossSendOptions, ensureQueue, openBoss, purgeQueue } from "./_boss.ts";
import { describeConnection, type JobsSettings } from "./connection.ts";
import { validatePayload } from "./payload.ts";
import {
  isQueueWorkerClass,
  queueNameOf,
  type PayloadOfWorker,
  type QueueWorker,
  type QueueWorkerClass,
} from "./queue-worker.ts";

type QueueKeysOf<Map> = {
  [M in keyof Map]: {
    // biome-ignore lint/suspicious/noExplicitAny: any payload; the key is what is selected here
    [K in keyof Map[M]]: Map[M][K] extends abstract new () => QueueWorker<any> ? K : never;
  }[keyof Map[M]];
}[keyof Map];

/** The component keys of every queue worker in the registry: what `jobs.send` accepts. */
export type JobKey<Map extends object = ComponentMap> = Extract<QueueKeysOf<Map>, string>;

type WorkerOf<Map, K> = {
  [M in keyof Map]: K extends keyof Map[M] ? Map[M][K] : never;
}[keyof Map];

/** The payload the queue worker registered under `K` takes. */
export type JobPayload<Map extends object, K extends JobKey<Map>> = PayloadOfWorker<WorkerOf<Map, K>>;

/** Runs SQL on the caller's connection or transaction (pg-boss's `db` option). */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A Kysely connection or transaction, as far as sending needs it. */
export interface KyselyExecutor {
  readonly isTransaction: boolean;
  executeQuery(query: never): Promise<{ readonly rows: readonly unknown[] }>;
}

export interface SendOptions {
  /**
   * The transaction to enqueue in: a Kysely transaction (`trx`) or any {@link SqlExecutor}.
   * The job then exists if and only if that transaction commits.
   */
  readonly db?: KyselyExecutor | SqlExecutor;
  /** Not before this time, or this many seconds from now. */
  readonly startAfter?: Date | number;
  /** With a `singleton`/`stately` queue policy: the key jobs are made unique by. */
  readonly singletonKey?: string;
  /** Higher runs first. @default 0 */
  readonly priority?: number;
}

/**
 * Sends jobs to queue workers' queues. Created by the framework (`framework.jobs`), it
 * connects to PostgreSQL at the first `send`, and is stopped by `framework.shutdown()`.
 */
export class JobQueue<Map extends object = ComponentMap> {
  readonly #workers: ReadonlyMap<string, QueueWorkerClass>;
  readonly #settings: () => JobsSettings;
  #boss: Promise<BossClient> | undefined;
  readonly #queues = new Map<string, Promise<void>>();

  /**
   * @param workers the queue workers by component key.
   * @param settings read at the first send, so that an app without queues needs none.
   */
  constructor(workers: ReadonlyMap<string, QueueWorkerClass>, settings: () => JobsSettings) {
    this.#workers = workers;
    this.#settings = settings;
  }

  /** The component keys of the queue workers this queue can send to, sorted. */
  get keys(): readonly string[] {
    return [...this.#workers.keys()].sort();
  }

  /**
   * Validates `payload` with the worker's schema and enqueues it.
   * @returns the job id, or `null` when a singleton policy kept an identical job.
   * @throws WorkerError `InvalidPayload` naming the field; SpocError `UnknownJob` for a key
   *   that is not a queue worker (only reachable without type checking).
   */
  async send<K extends JobKey<Map>>(
    key: K,
    payload: JobPayload<Map, K>,
    options: SendOptions = {},
  ): Promise<string | null> {
    const worker = this.#worker(key);
    const data = await validatePayload(worker.payload, payload, key);
    const queue = queueNameOf(worker, key);
    const boss = await this.#open();
    await this.#ensure(boss, queue, worker);
    const sendOptions: BossSendOptions = {};
    if (options.db) sendOptions.db = await toBossDb(options.db);
    if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter;
    if (options.singletonKey !== undefined) sendOptions.singletonKey = options.singletonKey;
    if (options.priority !== undefined) sendOptions.priority = options.priority;
    return boss.send(queue, data as object, sendOptions);
  }

  /**
   * Deletes the jobs of a queue worker's queue that no consumer is working on: not started
   * yet (pg-boss `purgeQueue`), or left `active` past their expiry by a consumer that died.
   * What a run that empties the data those jobs are about needs, so that they do not act on
   * the new rows that reuse the old ids. Jobs in flight within their expiry are left alone.
   * @throws SpocError `UnknownJob` for a key that is not a queue worker.
   */
  async purge<K extends JobKey<Map>>(key: K): Promise<void> {
    const worker = this.#worker(key);
    const queue = queueNameOf(worker, key);
    const boss = await this.#open();
    await this.#ensure(boss, queue, worker);
    await purgeQueue(boss, this.#settings(), queue);
  }

  /** Closes the connection pool; later sends open a new one. */
  async stop(): Promise<void> {
    const boss = this.#boss;
    this.#boss = undefined;
    this.#queues.clear();
    if (boss) await (await boss.catch(() => undefined))?.stop({ graceful: false, close: true });
  }

  #worker(key: string): QueueWorkerClass {
    const worker = this.#workers.get(key);
    if (!worker) {
      const known = this.keys.length > 0 ? this.keys.join(", ") : "none";
      throw new SpocError(ErrorCode.UnknownJob, `"${key}" is not a queue worker of an installed app; known: ${known}`, {
        hint: `send to the key of a queue worker (a class extending queueWorker(…) in an app's workers module), and run \`${REGENERATE_COMMAND}\` after adding one`,
      });
    }
    return worker;
  }

  #open(): Promise<BossClient> {
    if (!this.#boss) {
      const settings = this.#settings();
      const where = describeConnection(settings.connection);
      const opening = openBoss(settings, {
        consumer: false,
        onError: (error) => console.warn(`spoc jobs (${where}): ${error.message}`),
      });
      // A failed connection is not cached: the next send tries again.
      opening.catch(() => {
        if (this.#boss === opening) this.#boss = undefined;
      });
      this.#boss = opening;
    }
    return this.#boss;
  }

  #ensure(boss: BossClient, queue: string, worker: QueueWorkerClass): Promise<void> {
    let ensured = this.#queues.get(queue);
    if (!ensured) {
      ensured = ensureQueue(boss, queue, worker.queueOptions, false);
      ensured.catch(() => this.#queues.delete(queue));
      this.#queues.set(queue, ensured);
    }
    return ensured;
  }
}

/** The queue workers among a started framework's components, by key. */
export function queueWorkersOf(
  components: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): Map<string, QueueWorkerClass> {
  const workers = new Map<string, QueueWorkerClass>();
  for (const byKey of Object.values(components)) {
    for (const [key, value] of Object.entries(byKey)) if (isQueueWorkerClass(value)) workers.set(key, value);
  }
  return new Map([...workers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** pg-boss runs its insert through `executeSql`; a Kysely transaction runs it as a raw query. */
async function toBossDb(db: KyselyExecutor | SqlExecutor): Promise<BossDb> {
  if ("executeSql" in db) return db as BossDb;
  const { CompiledQuery } = await import("kysely");
  return {
    executeSql: async (text, values) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values) as never);
      return { rows: [...result.rows] };
    },
  };
}
