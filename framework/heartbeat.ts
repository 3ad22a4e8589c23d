/**
 * Worker heartbeats: each background worker records every pass it completes in the
 * `worker_heartbeats` table. Anyone with the database (the app, an operator, a test) can
 * see that a worker in another thread or process is alive and how much it has done, and
 * wait for its next pass.
 */
import { setTimeout as delay } from "node:timers/promises";
import { now, type Database, type Migration } from "./database.ts";

export interface WorkerHeartbeatTable {
  /** The worker's name. */
  name: string;
  /** Passes completed since the worker started. */
  passes: number;
  /** Items handled since the worker started: emails sent, posts indexed. */
  processed: number;
  updated_at: string;
}

declare module "./database.ts" {
  interface Tables {
    worker_heartbeats: WorkerHeartbeatTable;
  }
}

/** The framework's own tables, migrated before the apps' (config/schema.ts). */
export const frameworkMigrations: readonly Migration[] = [
  {
    name: "0001_create_worker_heartbeats",
    async up(db) {
      await db.schema
        .createTable("worker_heartbeats")
        .addColumn("name", "text", (col) => col.primaryKey())
        .addColumn("passes", "integer", (col) => col.notNull())
        .addColumn("processed", "integer", (col) => col.notNull())
        .addColumn("updated_at", "text", (col) => col.notNull())
        .execute();
    },
  },
];

export interface Heartbeat {
  readonly passes: number;
  readonly processed: number;
}

/** Starts a worker's record over: no pass yet. */
export async function resetHeartbeat(db: Database, name: string): Promise<void> {
  await db
    .insertInto("worker_heartbeats")
    .values({ name, passes: 0, processed: 0, updated_at: now() })
    .onConflict((oc) => oc.column("name").doUpdateSet({ passes: 0, processed: 0, updated_at: now() }))
    .execute();
}

/** Records a completed pass that handled `processed` items. */
export async function beat(db: Database, name: string, processed: number): Promise<Heartbeat> {
  const row = await db
    .insertInto("worker_heartbeats")
    .values({ name, passes: 1, processed, updated_at: now() })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet((eb) => ({
        passes: eb("worker_heartbeats.passes", "+", 1),
        processed: eb("worker_heartbeats.processed", "+", processed),
        updated_at: now(),
      })),
    )
    .returning(["passes", "processed"])
    .executeTakeFirstOrThrow();
  return row;
}

/** The worker's record, if it has one. */
export async function readHeartbeat(db: Database, name: string): Promise<Heartbeat | undefined> {
  return db.selectFrom("worker_heartbeats").select(["passes", "processed"]).where("name", "=", name).executeTakeFirst();
}

export interface WaitOptions {
  /** @default 1 */
  readonly passes?: number;
  /** @default 30_000 */
  readonly timeoutMs?: number;
  /** Stop waiting when this settles (the worker ended). */
  readonly until?: Promise<unknown>;
}

/**
 * Waits until the worker has completed `passes` passes.
 * @returns its heartbeat, or `undefined` when the time ran out or `until` settled first.
 */
export async function waitForHeartbeat(
  db: Database,
  name: string,
  options: WaitOptions = {},
): Promise<Heartbeat | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let ended = false;
  void options.until?.then(
    () => (ended = true),
    () => (ended = true),
  );
  for (;;) {
    const heartbeat = await readHeartbeat(db, name);
    if (heartbeat && heartbeat.passes >= (options.passes ?? 1)) return heartbeat;
    if (ended || Date.now() >= deadline) return undefined;
    await delay(20);
  }
}
