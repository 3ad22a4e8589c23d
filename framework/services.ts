/**
 * How services are built and found.
 *
 * A service takes a database connection (a transaction is one too), so that it works the
 * same in the app, in a test on a temporary file, and in a worker thread or process that
 * opened its own connection. Views find services through {@link getService}: the schema
 * lets views depend on models only, so they look services up instead of importing them;
 * the services startup hook (config/schema.ts) provides them.
 */
import type { ComponentMap } from "spoc";
import { database, type Database } from "./database.ts";
import type { Jobs } from "./jobs.ts";

export interface ServiceOptions {
  /**
   * The connection to use.
   * @default the app's shared connection, `database()`
   */
  readonly db?: Database;
  /**
   * Receives one line per change the service makes (`[UserService] Created user: alice (ID: 1)`).
   * @default silent
   */
  readonly log?: (line: string) => void;
  /**
   * The job queue to send to (PostgreSQL only).
   * @default the app's, `jobs()` from framework/jobs.ts
   */
  readonly jobs?: Jobs;
}

/** A service's connection and log, with the defaults applied. */
export function serviceContext(options: ServiceOptions): { db: Database; log: (line: string) => void } {
  return { db: options.db ?? database(), log: options.log ?? (() => {}) };
}

/** The service classes by key, typed from the generated registry. */
export type ServiceMap = ComponentMap extends { readonly services: infer S } ? S : Record<string, never>;

const provided = new Map<string, unknown>();

/** Makes service classes findable by key; the services startup hook calls it for each module. */
export function provideServices(services: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(services)) provided.set(key, value);
}

/** Forgets provided services whose keys are given, or all of them. */
export function withdrawServices(keys?: readonly string[]): void {
  if (keys === undefined) provided.clear();
  else for (const key of keys) provided.delete(key);
}

/**
 * The service class registered under `key` (`"blog.PostService"`).
 * @throws Error when it was not provided: its app is not installed or has not started.
 */
export function getService<K extends keyof ServiceMap & string>(key: K): ServiceMap[K] {
  const found = provided.get(key);
  if (found === undefined) {
    const known = [...provided.keys()].sort().join(", ") || "none";
    throw new Error(
      `service "${key}" is not available (provided: ${known}); is its app installed and started with Framework.start()?`,
    );
  }
  return found as ServiceMap[K];
}
