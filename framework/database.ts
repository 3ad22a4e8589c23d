/**
 * The blog platform's database: SQLite through better-sqlite3 by default, or PostgreSQL
 * (`DB_ENGINE=postgres`, database-postgres.ts), behind Kysely's typed query builder.
 *
 * Each app's models module adds its tables to {@link Tables} by declaration merging and
 * exports its `migrations`; the models startup hook (config/schema.ts) opens the shared
 * connection and runs them, the shutdown hook closes it. Workers in other threads and
 * processes open their own connection to the same file with {@link openDatabase}: the
 * file is in WAL mode so that they can read while the app writes.
 */
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresAdapter, SqliteDialect, sql } from "kysely";
import { ConfigError, ErrorCode } from "spoc";
import { lockDatabase, type DatabaseLock } from "./database-lock.ts";
import {
  checkPostgresReachable,
  checkPostgresSettings,
  clearPostgresData,
  lockPostgresDatabase,
  openPostgresDatabase,
  type PostgresLock,
  withMigrationLock,
} from "./database-postgres.ts";

/**
 * The application's tables. Empty here: `apps/<app>/models.ts` adds its own with
 * `declare module "../../framework/database.ts" { interface Tables { users: UserTable } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface Tables {}

/** A connection (or a transaction, which is one too) with every app's tables typed. */
export type Database = Kysely<Tables>;

/** The engines the app can start on (`DB_ENGINE`). */
export const SUPPORTED_ENGINES = ["sqlite", "postgres"] as const;

/** `settings.database`: plain values, so that it can be sent to a worker thread or process. */
export interface DatabaseSettings {
  /** `DB_ENGINE`: `"sqlite"` (the default) or `"postgres"`. */
  readonly engine: string;
  /**
   * `DB_NAME`: for SQLite, the database file, relative to the project root, or `":memory:"`;
   * for PostgreSQL, the database on the server.
   */
  readonly name: string;
  /** `DATABASE_URL`, for PostgreSQL: wins over the host, port, user, password and name. */
  readonly url?: string | undefined;
  /** `DB_HOST`, for server engines. */
  readonly host?: string;
  /** `DB_PORT`, for server engines. */
  readonly port?: number;
  /** `DB_USER`, for server engines. */
  readonly user?: string;
  /** `DB_PASSWORD`, for server engines. */
  readonly password?: string;
  /**
   * How long a connection waits for another one's write lock before failing.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
}

/** One step of an app's schema. Migrations run once each, in array order. */
export interface Migration {
  /** Unique within its app, e.g. `"0001_create_users"`; recorded in `schema_migrations`. */
  readonly name: string;
  // Migrations see the database as it was when they were written, not today's `Tables`.
  // biome-ignore lint/suspicious/noExplicitAny: a migration's database has no fixed table types
  readonly up: (db: Kysely<any>) => Promise<void>;
}

const handles = new WeakMap<Database, BetterSqlite3.Database>();
/** Whether `db` (a connection, transaction or one from {@link openDatabase}) is on PostgreSQL. */
export function isPostgres<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Connections inside a {@link writeTransaction}: work given one of them joins it. */
const inWriteTransaction = new WeakSet<object>();

/**
 * Resolves `settings.name` against `baseDir`, so that the settings mean the same file in
 * any thread or process whatever its working directory.
 */
export function resolveDatabaseSettings(settings: DatabaseSettings, baseDir: string): DatabaseSettings {
  if (settings.engine !== "sqlite" || settings.name === ":memory:" || isAbsolute(settings.name)) return settings;
  return { ...settings, name: resolve(baseDir, settings.name) };
}

/**
 * Opens a connection: the SQLite file (created with its folder if missing) in WAL mode,
 * with foreign keys enforced and a busy timeout; or a pool on the PostgreSQL server, which
 * connects at the first query.
 * @throws ConfigError (`InvalidEnvironment`) for an unknown engine or a setting that is wrong.
 */
export function openDatabase(settings: DatabaseSettings): Database {
  if (settings.engine === "postgres") {
    checkPostgresSettings(settings);
    return openPostgresDatabase<Tables>(settings);
  }
  if (!(SUPPORTED_ENGINES as readonly string[]).includes(settings.engine)) throw unsupportedEngine(settings.engine);
  if (settings.name.trim() === "") {
    throw new ConfigError(ErrorCode.InvalidEnvironment, "DB_NAME is empty; SQLite needs a database file", {
      hint: "set DB_NAME in config/.env, e.g. DB_NAME=var/blog_platform.db",
    });
  }
  let raw: BetterSqlite3.Database;
  try {
    if (settings.name !== ":memory:") mkdirSync(dirname(resolve(settings.name)), { recursive: true });
    raw = new BetterSqlite3(settings.name);
  } catch (cause) {
    throw new ConfigError(
      ErrorCode.InvalidEnvironment,
      `cannot open the database file "${settings.name}" (DB_NAME): ${(cause as Error).message}`,
      { hint: "set DB_NAME in config/.env to a file path whose folder can be created and written", cause },
    );
  }
  try {
    raw.pragma("journal_mode = WAL");
    raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(settings.busyTimeoutMs ?? 5000))}`);
    raw.pragma("foreign_keys = ON");
    raw.pragma("synchronous = NORMAL");
    // Rewrites the header with its own value: fails now, not in the middle of a run, when
    // the file cannot be written.
    raw.pragma(`user_version = ${Number(raw.pragma("user_version", { simple: true }))}`);
  } catch (error) {
    raw.close();
    throw unusableDatabase(settings.name, error);
  }
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: raw }) });
  handles.set(db, raw);
  return db;
}

function unsupportedEngine(engine: string): ConfigError {
  return new ConfigError(
    ErrorCode.InvalidEnvironment,
    `database engine "${engine}" (DB_ENGINE) is not supported; supported: ${SUPPORTED_ENGINES.join(", ")}`,
    {
      hint: "set DB_ENGINE=sqlite in config/.env, with DB_NAME the database file, or DB_ENGINE=postgres with DATABASE_URL (or DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME)",
    },
  );
}

/**
 * What SQLite's refusal to use the file means for a person: the path, and what to do.
 * Other errors are returned as they are.
 */
export function unusableDatabase(file: string, cause: unknown): unknown {
  const code = (cause as { code?: unknown } | null)?.code;
  const problems: Record<string, { what: string; fix: string }> = {
    SQLITE_NOTADB: {
      what: "is not a SQLite database (damaged, or another kind of file)",
      fix: `move it away (mv ${file} ${file}.broken) to start with an empty database, or restore it from a backup`,
    },
    SQLITE_CORRUPT: {
      what: "is damaged",
      fix: `restore it from a backup, or move it away (mv ${file} ${file}.broken) to start with an empty database`,
    },
    SQLITE_READONLY: {
      what: "cannot be written (read-only or immutable file, or read-only file system)",
      fix: `make ${file} and its folder writable (ls -l, lsattr; chattr -i if immutable), or set DB_NAME in config/.env to a writable file`,
    },
    SQLITE_CANTOPEN: {
      what: "cannot be opened (its folder cannot be written, or a path part is missing)",
      fix: `make the folder of ${file} writable, or set DB_NAME in config/.env to a file in a writable folder`,
    },
    SQLITE_PERM: {
      what: "cannot be accessed (permission denied)",
      fix: `give your user access to ${file} and its folder, or set DB_NAME in config/.env to another file`,
    },
  };
  // Extended codes (SQLITE_READONLY_DBMOVED) count as their primary code.
  const problem = typeof code === "string" ? problems[code.split("_").slice(0, 2).join("_")] : undefined;
  if (problem === undefined) return cause;
  return new ConfigError(
    ErrorCode.DatabaseUnusable,
    `the database file ${file} (DB_NAME) ${problem.what}: ${(cause as Error).message}`,
    { hint: problem.fix, cause },
  );
}

/** Closes a connection from {@link openDatabase}; closing twice is harmless. */
export async function closeDatabase(db: Database): Promise<void> {
  await db.destroy();
  // Kysely closes the file only if it ever ran a query.
  const raw = handles.get(db);
  if (raw?.open) raw.close();
}

/**
 * Runs `work` in a write transaction, committed when it resolves and rolled back when it
 * throws. It takes the write lock at once (`BEGIN IMMEDIATE`, waiting up to the busy
 * timeout), so a transaction that reads before it writes cannot fail when a worker in
 * another thread or process committed in between. Called with a connection that is
 * already in one, `work` simply joins it.
 */
export async function writeTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction || inWriteTransaction.has(db)) return work(db);
  // PostgreSQL locks rows, not the database: a plain `begin`, and unique keys settle races.
  const begin = isPostgres(db) ? sql`begin` : sql`begin immediate`;
  return db.connection().execute(async (connection) => {
    await begin.execute(connection);
    inWriteTransaction.add(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      // The error that made us roll back is the one to report, not a failed rollback.
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    } finally {
      inWriteTransaction.delete(connection);
    }
  });
}

/**
 * Runs the migrations of `app` that have not run yet, each in its own transaction together
 * with its `schema_migrations` record. Safe to call on every start.
 * @returns the names of the migrations that ran now.
 */
export async function migrate(db: Database, app: string, migrations: readonly Migration[]): Promise<string[]> {
  // On PostgreSQL the app and its consumer processes may start together: one at a time.
  if (isPostgres(db) && !db.isTransaction)
    return withMigrationLock(db, (connection) => runMigrations(connection, app, migrations));
  return runMigrations(db, app, migrations);
}

async function runMigrations(db: Database, app: string, migrations: readonly Migration[]): Promise<string[]> {
  const raw = db as unknown as Kysely<MigrationTables>;
  await raw.schema
    .createTable("schema_migrations")
    .ifNotExists()
    .addColumn("app", "text", (col) => col.notNull())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("applied_at", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("schema_migrations_pk", ["app", "name"])
    .execute();
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await writeTransaction(raw, async (trx) => {
      const done = await trx
        .selectFrom("schema_migrations")
        .select("name")
        .where("app", "=", app)
        .where("name", "=", migration.name)
        .executeTakeFirst();
      if (done) return false;
      await migration.up(trx);
      await trx
        .insertInto("schema_migrations")
        .values({ app, name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

interface MigrationTables {
  schema_migrations: { app: string; name: string; applied_at: string };
}

/**
 * Deletes every row of every application table (not the schema or migrations) and resets
 * the id sequences, in one transaction. The demonstration starts with it, so that a run
 * killed halfway does not change the next one.
 */
export async function clearData(db: Database): Promise<void> {
  if (isPostgres(db)) return clearPostgresData(db);
  await writeTransaction(db, async (trx) => {
    // SQLite says which tables are a virtual table's shadow tables (cleared through the virtual
    // one); a table merely named like one (post_search_state beside post_search) is a table.
    const { rows } = await sql<{ name: string }>`
      select name from pragma_table_list where schema = 'main' and type in ('table', 'virtual')
      and name not like 'sqlite_%' order by name`.execute(trx);
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    for (const { name } of rows) {
      if (name === "schema_migrations") continue;
      await sql`delete from ${sql.table(name)}`.execute(trx);
    }
    const sequence = await sql<{ n: number }>`
      select count(*) as n from sqlite_master where type = 'table' and name = 'sqlite_sequence'`.execute(trx);
    if ((sequence.rows[0]?.n ?? 0) > 0) await sql`delete from sqlite_sequence`.execute(trx);
  });
}

/** The connection the app shares, opened by the first models startup hook. */
let shared:
  | {
      db: Database;
      settings?: DatabaseSettings;
      holders: number;
      lock?: DatabaseLock | PostgresLock | undefined;
      /** Settles when the opener's check that the server answers does; other acquirers wait on it. */
      ready?: Promise<void>;
    }
  | undefined;

/**
 * Opens the shared connection, or counts one more holder of it. Each models module's
 * startup hook acquires it and its shutdown hook releases it, so it closes after the last.
 * Concurrent acquires share one connection: the first records it before it waits.
 *
 * SQLite: the first acquire locks the database file for this run (see database-lock.ts).
 * PostgreSQL: the first acquire checks that the server answers; consumer processes
 * (`spoc worker`) share the database with the app, so only the demonstration takes the
 * run's lock, with {@link holdDatabaseForRun}.
 * @throws ConfigError `DatabaseInUse` when another run holds the SQLite database,
 *   `DatabaseUnreachable` naming host and port when the PostgreSQL server does not answer.
 */
export async function acquireDatabase(settings: DatabaseSettings): Promise<Database> {
  if (shared) {
    const entry = shared;
    entry.holders += 1;
    await entry.ready;
    return entry.db;
  }
  if (!(SUPPORTED_ENGINES as readonly string[]).includes(settings.engine)) throw unsupportedEngine(settings.engine);
  if (settings.engine === "postgres") {
    const db = openDatabase(settings);
    const entry = { db, settings, holders: 1, ready: checkPostgresReachable(settings) };
    shared = entry;
    try {
      await entry.ready;
    } catch (error) {
      if (shared === entry) shared = undefined;
      await closeDatabase(db);
      throw error;
    }
    return db;
  }
  const lock = settings.name !== ":memory:" ? lockDatabase(resolve(settings.name)) : undefined;
  try {
    shared = { db: openDatabase(settings), holders: 1, lock };
  } catch (error) {
    lock?.release();
    throw error;
  }
  return shared.db;
}

/**
 * Makes this process the one run of the app on its database, for as long as the shared
 * connection is open: what a run that clears the data needs. On SQLite `acquireDatabase`
 * already did; on PostgreSQL it takes a session advisory lock, which the server releases
 * when the process ends, however it ends.
 * @throws ConfigError `DatabaseInUse` when another run holds it.
 */
export async function holdDatabaseForRun(): Promise<void> {
  if (!shared || shared.lock !== undefined || shared.settings?.engine !== "postgres") return;
  const lock = await lockPostgresDatabase(shared.settings);
  if (shared) shared.lock = lock;
  else await lock.release();
}

/** Releases one hold on the shared connection; the last release closes it. */
export async function releaseDatabase(): Promise<void> {
  if (!shared) return;
  shared.holders -= 1;
  if (shared.holders > 0) return;
  const { db, lock } = shared;
  shared = undefined;
  try {
    await closeDatabase(db);
  } finally {
    await lock?.release();
  }
}

/**
 * The shared connection, for services constructed without one.
 * @throws Error when no models module has started (the app is not running).
 */
export function database(): Database {
  if (!shared) {
    throw new Error(
      "the database is not open: no models module has started; start the app with Framework.start() " +
        "(its models startup hook opens the database), or pass a connection from openDatabase() to the service",
    );
  }
  return shared.db;
}

/**
 * Makes `db` the shared connection (tests, scripts), or forgets it with `undefined`.
 * The caller keeps the duty to close it.
 */
export function useDatabase(db: Database | undefined): void {
  shared = db === undefined ? undefined : { db, holders: Number.POSITIVE_INFINITY };
}

/** The current time as an ISO-8601 string: how timestamps are stored. */
export function now(): string {
  return new Date().toISOString();
}
