/**
 * The blog platform's database on PostgreSQL: Kysely's PostgreSQL dialect over a `pg` pool,
 * and the one-run-per-database lock as a session advisory lock (the SQLite lock file of
 * database-lock.ts has no meaning for a server several machines share).
 *
 * `DB_ENGINE=postgres` selects it (config/settings.ts); `acquireDatabase()` checks that the
 * server answers before anything else runs, so a wrong host or port is one clear error.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import type * as pg from "pg";
import { ConfigError, ErrorCode } from "spoc";

/** Where the PostgreSQL database is: `DATABASE_URL`, or `DB_HOST`, `DB_PORT`, … */
export interface PostgresSettings {
  /** `DATABASE_URL`; when set, it wins over the separate fields. */
  readonly url?: string | undefined;
  /** `DB_NAME`: the database on the server. */
  readonly name: string;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

/** A held advisory lock; {@link PostgresLock.release} ends its session. */
export interface PostgresLock {
  release(): Promise<void>;
}

/**
 * How long a new connection may take before it counts as unreachable: a server that does
 * not answer (a firewall dropping packets) is reported well within 10 s, never a hang.
 */
export const CONNECT_TIMEOUT_MS = 5000;

function clientConfig(settings: PostgresSettings): pg.ClientConfig {
  const common = { connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
  if (settings.url) return { ...common, connectionString: settings.url };
  return {
    ...common,
    database: settings.name,
    ...(settings.host ? { host: settings.host } : {}),
    ...(settings.port ? { port: settings.port } : {}),
    ...(settings.user ? { user: settings.user } : {}),
    ...(settings.password ? { password: settings.password } : {}),
  };
}

/** Where the settings point, for messages: never the password. */
export function describePostgres(settings: PostgresSettings): string {
  if (settings.url) {
    try {
      const url = new URL(settings.url);
      url.password = "";
      return url.toString();
    } catch {
      return "DATABASE_URL (not a valid URL)";
    }
  }
  return `postgres://${settings.user ? `${settings.user}@` : ""}${settings.host ?? "localhost"}:${settings.port ?? 5432}/${settings.name}`;
}

/**
 * Checks what the settings name before anything connects: a `DATABASE_URL` that is not a
 * `postgres://` URL, or no database at all, is named here rather than failing later.
 * @throws ConfigError `InvalidEnvironment` naming the variable.
 */
export function checkPostgresSettings(settings: PostgresSettings): void {
  if (settings.url) {
    let protocol: string;
    try {
      protocol = new URL(settings.url).protocol;
    } catch {
      throw new ConfigError(ErrorCode.InvalidEnvironment, "DATABASE_URL is not a valid URL", {
        hint: "set DATABASE_URL to postgres://user:password@host:port/database, or unset it and use DB_HOST, DB_PORT, DB_USER, DB_PASSWORD and DB_NAME",
      });
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      throw new ConfigError(
        ErrorCode.InvalidEnvironment,
        `DATABASE_URL must be a postgres:// URL with DB_ENGINE=postgres, not ${protocol}//…`,
        { hint: "set DATABASE_URL to postgres://user:password@host:port/database" },
      );
    }
    return;
  }
  if (settings.name.trim() === "") {
    throw new ConfigError(ErrorCode.InvalidEnvironment, "DB_NAME is not set; PostgreSQL needs the database's name", {
      hint: "set DB_NAME (with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD) in config/.env, or DATABASE_URL=postgres://user:password@host:port/database",
    });
  }
}

/**
 * A Kysely connection to the PostgreSQL database. The pool connects on first use, so an
 * unreachable server shows at the first query (see {@link checkPostgresReachable}, which the
 * start path runs first).
 */
export function openPostgresDatabase<Tables>(settings: PostgresSettings): Kysely<Tables> {
  const pool = async (): Promise<pg.Pool> => {
    const created = new (await driver()).Pool({ ...clientConfig(settings), max: 10 });
    // An idle connection the server closed (a restart) is dropped and replaced by the pool;
    // without a listener, node-postgres would crash the process over it.
    created.on("error", () => {});
    return created;
  };
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * node-postgres, loaded when a connection is first made: the app, its worker threads and
 * processes on SQLite never load it (about 40 ms of CPU each).
 */
async function driver(): Promise<typeof import("pg").default> {
  return (await import("pg")).default;
}

/** A session of its own, or the error that says the server cannot be reached. */
async function connect(settings: PostgresSettings): Promise<pg.Client> {
  const client = new (await driver()).Client(clientConfig(settings));
  // A session dropped by the server must not crash the process through an unhandled 'error'.
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (cause) {
    await client.end().catch(() => {});
    throw new ConfigError(
      ErrorCode.DatabaseUnreachable,
      `cannot connect to the PostgreSQL database ${describePostgres(settings)}: ${(cause as Error).message}`,
      {
        hint: "start the server, or set DATABASE_URL (or DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME) to one that runs",
        cause,
      },
    );
  }
}

/**
 * Connects once and disconnects, within {@link CONNECT_TIMEOUT_MS}.
 * @throws ConfigError `DatabaseUnreachable` naming the server's host and port.
 */
export async function checkPostgresReachable(settings: PostgresSettings): Promise<void> {
  const client = await connect(settings);
  await client.end().catch(() => {});
}

/**
 * Takes this run's lock on the database: `pg_try_advisory_lock` keyed by the database's
 * name, on a session of its own that holds it until {@link PostgresLock.release} (or until
 * the process dies: the server then ends the session and the lock with it, so there is no
 * stale lock to clean up).
 * @throws ConfigError `DatabaseUnreachable` when the server cannot be reached,
 *   `DatabaseInUse` when another run holds the lock.
 */
export async function lockPostgresDatabase(settings: PostgresSettings): Promise<PostgresLock> {
  const client = await connect(settings);
  const { rows } = await client.query<{ locked: boolean }>(
    "select pg_try_advisory_lock(hashtext('spoc run: ' || current_database())) as locked",
  );
  if (rows[0]?.locked !== true) {
    await client.end().catch(() => {});
    throw new ConfigError(
      ErrorCode.DatabaseInUse,
      `another run of the app is using the PostgreSQL database ${describePostgres(settings)}`,
      { hint: "wait for it to finish or stop it (Ctrl+C), or set DB_NAME to another database" },
    );
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.end().catch(() => {});
    },
  };
}

/**
 * Runs `work` while holding the migration lock of the database, so that the app and consumer
 * processes starting together never run one migration twice (the second waits, then finds it
 * done). The lock is a session lock on the one connection `work` receives.
 */
export async function withMigrationLock<Tables, T>(
  db: Kysely<Tables>,
  work: (connection: Kysely<Tables>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('spoc migrations: ' || current_database()))`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('spoc migrations: ' || current_database()))`
        .execute(connection)
        .catch(() => {});
    }
  });
}

/**
 * Empties every table of the current schema but `schema_migrations`, and restarts their
 * identity sequences, in one statement (so in one transaction).
 */
export async function clearPostgresData<Tables>(db: Kysely<Tables>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = current_schema()
    and tablename <> 'schema_migrations' order by tablename`.execute(db);
  if (rows.length === 0) return;
  const tables = sql.join(rows.map(({ name }) => sql.table(name)));
  await sql`truncate ${tables} restart identity`.execute(db);
}
