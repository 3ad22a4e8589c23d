/**
 * Project settings of the blog platform: installed apps, plugins, and the database, email
 * and worker configuration, read from the environment (`config/.env`, `config/.env.<mode>`
 * or the process environment; see `config/.env.example`).
 *
 * spoc imports this module after applying the `.env` files, so the `env` readers see them.
 * Relative paths are resolved against the project root, so the settings mean the same
 * files in the app, in a worker thread or process, and in the bundle under `out/`.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineSettings, env } from "spoc";
import type { PgConnectionOptions } from "spoc/workers";

/** The project root (this file is in `config/`; the bundle is in `out/`: both one level down). */
export const BASE_DIR = fileURLToPath(new URL("..", import.meta.url));

function fromRoot(path: string): string {
  return path === ":memory:" || isAbsolute(path) ? path : resolve(BASE_DIR, path);
}

const engine = env.string("DB_ENGINE", "sqlite");
const onPostgres = engine === "postgres";

const database = {
  /** "sqlite" (the default: a file, nothing to install) or "postgres"; anything else fails at startup. */
  engine,
  /** SQLite: the file, created with its folder when missing. PostgreSQL: the database on the server. */
  name: onPostgres ? env.string("DB_NAME", "") : fromRoot(env.string("DB_NAME", "var/blog_platform.db")),
  /** PostgreSQL: `postgres://user:password@host:port/database`; wins over the DB_* parts. */
  url: onPostgres ? env.string("DATABASE_URL", "") || undefined : undefined,
  host: env.string("DB_HOST", "localhost"),
  port: env.int("DB_PORT", 5432, { min: 1, max: 65535 }),
  user: env.string("DB_USER", ""),
  password: env.string("DB_PASSWORD", ""),
};

export default defineSettings({
  installedApps: ["users", "blog"],

  plugins: {
    middleware: [],
    hooks: [],
  },

  database,

  /**
   * PostgreSQL only: the job queue (pg-boss) of the queue workers, on the same database, so a
   * job can be sent in the transaction of what it is about. Consumers: `npx spoc worker`.
   */
  jobs: onPostgres
    ? {
        connection:
          database.url ??
          ({
            host: database.host,
            port: database.port,
            ...(database.user === "" ? {} : { user: database.user }),
            ...(database.password === "" ? {} : { password: database.password }),
            database: database.name,
          } satisfies PgConnectionOptions),
        connectTimeoutMs: 5000,
      }
    : undefined,

  email: {
    /** SMTP server. Empty: messages are written as .eml files to `mailDir` instead. */
    host: env.string("EMAIL_HOST", ""),
    port: env.int("EMAIL_PORT", 587, { min: 1, max: 65535 }),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: env.bool("EMAIL_SECURE", env.int("EMAIL_PORT", 587) === 465),
    user: env.string("EMAIL_USER", ""),
    password: env.string("EMAIL_PASSWORD", ""),
    from: env.string("EMAIL_FROM", "Blog Platform <no-reply@blog-platform.local>"),
    mailDir: fromRoot(env.string("EMAIL_MAIL_DIR", "var/mail")),
    /** First retry delay after a failed delivery; it doubles with each failure up to `retryMaxMs`. */
    retryBaseMs: env.int("EMAIL_RETRY_BASE_MS", 30_000, { min: 0 }),
    retryMaxMs: env.int("EMAIL_RETRY_MAX_MS", 3_600_000, { min: 0 }),
  },

  workers: {
    email_notifications: {
      enabled: env.bool("ENABLE_EMAIL_WORKER", true),
      /** Seconds between two passes over the outbox. */
      interval: 60,
    },
    content_indexer: {
      enabled: env.bool("ENABLE_INDEXER_WORKER", true),
      /** Seconds between two indexing passes. */
      interval: 300,
    },
  },
});
