/**
 * The job queue's connection: pg-boss on PostgreSQL, imported lazily so that a project
 * that never uses queue workers never installs pg-boss or pg (they are optional peers).
 *
 * Everything version-specific about pg-boss is in `_boss.ts`, so moving to a later
 * pg-boss (11+ needs Node 22) stays a version bump there.
 */
import { ErrorCode, SpocError } from "../../errors.ts";

/** Where PostgreSQL is, as node-postgres takes it. */
export interface PgConnectionOptions {
  readonly host?: string;
  /** @default 5432 */
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  readonly ssl?: boolean | Readonly<Record<string, unknown>>;
}

/** `settings.jobs`: the job queue of queue workers. */
export interface JobsSettings {
  /** A `postgres://user:password@host:port/database` URL, or its parts. */
  readonly connection: string | PgConnectionOptions;
  /**
   * The PostgreSQL schema pg-boss keeps its tables in.
   * @default "pgboss"
   */
  readonly schema?: string;
  /**
   * Connections in each process's pool.
   * @default 10
   */
  readonly poolSize?: number;
  /**
   * How long an idle consumer waits before it looks for jobs again.
   * @default 1000
   */
  readonly pollIntervalMs?: number;
  /**
   * How long to wait for PostgreSQL to answer a new connection.
   * @default 5000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How often consumers look for expired jobs to retry (pg-boss maintenance), in seconds.
   * @default 60
   */
  readonly maintenanceIntervalSeconds?: number;
}

/** `host:port/database` of a connection, for messages (never the password). */
export function describeConnection(connection: JobsSettings["connection"]): string {
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname.length > 1 ? url.pathname : ""}`;
    } catch {
      return "(an unparsable DATABASE_URL)";
    }
  }
  const database = connection.database ? `/${connection.database}` : "";
  return `${connection.host ?? "localhost"}:${connection.port ?? 5432}${database}`;
}

/** Reads `settings.jobs`, or says how to configure it. */
export function jobsSettingsOf(settings: Readonly<Record<string, unknown>>): JobsSettings {
  const jobs = settings["jobs"] as JobsSettings | undefined;
  if (jobs === undefined || jobs === null) {
    throw new SpocError(ErrorCode.JobsNotConfigured, "no job queue is configured: settings.jobs is not set", {
      hint: 'set jobs: { connection: "postgres://…" } in config/settings.ts (in the example: DB_ENGINE=postgres with DB_HOST… or DATABASE_URL)',
      location: { file: "config/settings.ts" },
    });
  }
  const { connection } = jobs;
  if (typeof connection !== "string" && (typeof connection !== "object" || connection === null)) {
    throw new SpocError(
      ErrorCode.JobsNotConfigured,
      "settings.jobs.connection must be a postgres:// URL or { host, port, user, password, database }",
      {
        hint: 'write jobs: { connection: "postgres://user:password@host:5432/database" }, or the same parts as an object',
        location: { file: "config/settings.ts" },
      },
    );
  }
  return jobs;
}
