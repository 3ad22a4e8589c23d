/**
 * The one place that imports pg-boss (lazily) and builds its options from
 * {@link JobsSettings}. Written against pg-boss 10; the calls used here (start, stop,
 * send, sendThrottled, fetch, complete, fail, createQueue, updateQueue, schedule) keep
 * their shape in later versions.
 */
import type PgBoss from "pg-boss";
import { ErrorCode, SpocError } from "../../errors.ts";
import type { JobsSettings, OpenOptions } from "./connection.ts";
import type { QueueOptions } from "./queue-worker.ts";

export type BossClient = PgBoss;
export type BossJob = PgBoss.JobWithMetadata<unknown>;
export type BossSendOptions = PgBoss.SendOptions;
export type BossDb = PgBoss.Db;

/** Builds a pg-boss client (not started yet). */
export async function createBoss(jobs: JobsSettings, options: OpenOptions): Promise<BossClient> {
  let Boss: typeof PgBoss;
  try {
    Boss = (await import("pg-boss")).default;
  } catch (cause) {
    throw new SpocError(
      ErrorCode.MissingPeerDependency,
      `queue workers need pg-boss 10 and pg, which are not installed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { hint: "Install them: npm install pg-boss@10 pg", cause },
    );
  }
  const connection =
    typeof jobs.connection === "string" ? { connectionString: jobs.connection } : { ...jobs.connection };
  const boss = new Boss({
    ...connection,
    schema: jobs.schema ?? "pgboss",
    max: jobs.poolSize ?? 10,
    application_name: "spoc",
    // node-postgres pool option, passed through by pg-boss: fail fast on an unreachable host.
    ...({ connectionTimeoutMillis: jobs.connectTimeoutMs ?? 5000 } as object),
    supervise: options.consumer,
    schedule: options.consumer,
    migrate: true,
    maintenanceIntervalSeconds: jobs.maintenanceIntervalSeconds ?? 60,
  } as PgBoss.ConstructorOptions);
  // pg-boss emits background errors (maintenance, cron) as events: unhandled, they would
  // crash the process, and a lost connection is recovered from on the next poll.
  boss.on("error", (error) => options.onError?.(error));
  return boss;
}

/**
 * Creates the queue when it does not exist yet (pg-boss 10 requires it before send and
 * fetch) and brings its retry and expiry settings in line with the worker's options.
 */
export async function ensureQueue(
  boss: BossClient,
  name: string,
  options: QueueOptions,
  update: boolean,
): Promise<void> {
  const queue: PgBoss.Queue = {
    name,
    policy: options.policy ?? "standard",
    retryLimit: options.retryLimit ?? 3,
    retryDelay: options.retryDelaySeconds ?? 5,
    retryBackoff: options.retryBackoff ?? true,
    expireInSeconds: options.expireInSeconds ?? 900,
  };
  await boss.createQueue(name, queue);
  if (update) await boss.updateQueue(name, queue);
}

/** Fails jobs with an error record (pg-boss takes an array of ids where its types say one). */
export function failJobs(boss: BossClient, queue: string, ids: string[], error: object): Promise<unknown> {
  const fail = boss.fail.bind(boss) as (name: string, id: string[], data: object) => Promise<unknown>;
  return fail(queue, ids, error);
}
