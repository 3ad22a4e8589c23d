/**
 * The one place that imports pg-boss (lazily) and builds its options from
 * {@link JobsSettings}. Written against pg-boss 10; the calls used here (start, stop,
 * send, sendThrottled, fetch, complete, fail, createQueue, updateQueue, schedule,
 * purgeQueue, getDb) keep their shape in later versions.
 */
import type PgBoss from "pg-boss";
import { ErrorCode, SpocError } from "../../errors.ts";
import { describeConnection, type JobsSettings } from "./connection.ts";
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
      { hint: "install them: npm install pg-boss@10 pg", cause },
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
  // Consumers starting together on a fresh database race to create the same queue, which
  // PostgreSQL may settle by aborting one of them as a deadlock: the loser tries again.
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, queue);
      if (update) await boss.updateQueue(name, queue);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "23505" && code !== "40001")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

/** Fails jobs with an error record (pg-boss takes an array of ids where its types say one). */
export function failJobs(boss: BossClient, queue: string, ids: string[], error: object): Promise<unknown> {
  const fail = boss.fail.bind(boss) as (name: string, id: string[], data: object) => Promise<unknown>;
  return fail(queue, ids, error);
}

export interface OpenOptions {
  /** Consumers run pg-boss maintenance (expiring, retrying, archiving) and cron schedules; senders do not. */
  readonly consumer: boolean;
  /** Receives errors pg-boss reports in the background (a lost connection, say). */
  readonly onError?: (error: Error) => void;
}

/**
 * Connects to PostgreSQL, installs or migrates pg-boss's schema when needed, and returns
 * the started client.
 * @throws SpocError `DatabaseUnreachable` naming host and port, within the connect timeout.
 * @throws SpocError `MissingPeerDependency` when pg-boss or pg is not installed.
 */
export async function openBoss(jobs: JobsSettings, options: OpenOptions): Promise<BossClient> {
  const where = describeConnection(jobs.connection);
  await probe(jobs, where);
  for (let attempt = 1; ; attempt++) {
    const boss = await createBoss(jobs, options);
    try {
      await boss.start();
      return boss;
    } catch (cause) {
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      // Two processes installing pg-boss's schema at once: the loser starts again.
      if (attempt < 3 && isRace(cause)) continue;
      throw new SpocError(
        ErrorCode.JobQueueFailed,
        `cannot start the job queue on PostgreSQL at ${where}: ${reasonOf(cause)}`,
        { hint: "check that the database user may create the pg-boss schema and its tables", cause },
      );
    }
  }
}

/** One connection, so that an unreachable server is reported as such, within the connect timeout. */
async function probe(jobs: JobsSettings, where: string): Promise<void> {
  let Client: typeof import("pg").Client;
  try {
    Client = (await import("pg")).default.Client;
  } catch (cause) {
    throw new SpocError(ErrorCode.MissingPeerDependency, "queue workers need pg, which is not installed", {
      hint: "install it: npm install pg-boss@10 pg",
      cause,
    });
  }
  const connectTimeoutMs = jobs.connectTimeoutMs ?? 5000;
  const connection =
    typeof jobs.connection === "string" ? { connectionString: jobs.connection } : { ...jobs.connection };
  const client = new Client({ ...connection, connectionTimeoutMillis: connectTimeoutMs } as ConstructorParameters<
    typeof Client
  >[0]);
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new SpocError(
      ErrorCode.DatabaseUnreachable,
      `cannot connect to PostgreSQL at ${where} for the job queue: ${reasonOf(cause)}`,
      {
        hint: "start PostgreSQL there, or fix settings.jobs.connection (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME or DATABASE_URL)",
        cause,
      },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function isRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "23505" || code === "42P06" || code === "42P07" || code === "42710";
}

function reasonOf(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return reasonOf(cause.errors[0]);
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/**
 * Deletes the jobs of `queue` that no consumer is working on: those not started yet (pg-boss
 * `purgeQueue`) and those started by a consumer that is gone, still `active` past their
 * expiry (pg-boss's own test for a timed-out job), which maintenance would otherwise retry.
 */
export async function purgeQueue(boss: BossClient, jobs: JobsSettings, queue: string): Promise<void> {
  await boss.purgeQueue(queue);
  // The schema name is checked by pg-boss (letters, digits, underscores) when it starts.
  await boss
    .getDb()
    .executeSql(
      `DELETE FROM ${jobs.schema ?? "pgboss"}.job WHERE name = $1 AND state = 'active' AND started_on + expire_in < now()`,
      [queue],
    );
}
