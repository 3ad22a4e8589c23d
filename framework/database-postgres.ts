/**
 * The blog platform's database on PostgreSQL: Kysely's PostgreSQL dialect over a `pg` pool,
 * and the one-run-per-database lock as a session advisory lock (the SQLite lock file of
 * database-lock.ts has no meaning for a server several machines share).
 *
 * `openDatabase()` opens it for `engine: "postgres"`; the app's start does not accept it yet.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
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

function clientConfig(settings: PostgresSettings): pg.ClientConfig {
  if (settings.url) return { connectionString: settings.url };
  return {
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
 * A Kysely connection to the PostgreSQL database. The pool connects on first use, so an
 * unreachable server shows at the first query (see {@link lockPostgresDatabase}, which the
 * start path runs first).
 */
export function openPostgresDatabase<Tables>(settings: PostgresSettings): Kysely<Tables> {
  return new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ ...clientConfig(settings), max: 10 }) }),
  });
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
  const client = new pg.Client(clientConfig(settings));
  // A session dropped by the server must not crash the process through an unhandled 'error'.
  client.on("error", () => {});
  const where = describePostgres(settings);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    throw new ConfigError(
      ErrorCode.DatabaseUnreachable,
      `cannot connect to the PostgreSQL database ${where}: ${(cause as Error).message}`,
      {
        hint: "start the server, or set DATABASE_URL (or DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME) to one that runs",
        cause,
      },
    );
  }
  const { rows } = await client.query<{ locked: boolean }>(
    "select pg_try_advisory_lock(hashtext('spoc run: ' || current_database())) as locked",
  );
  if (rows[0]?.locked !== true) {
    await client.end().catch(() => {});
    throw new ConfigError(ErrorCode.DatabaseInUse, `another run of the app is using the PostgreSQL database ${where}`, {
      hint: "wait for it to finish or stop it (Ctrl+C), or set DB_NAME to another database",
    });
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
