/**
 * A fresh, migrated database in a temporary folder per test, with the services provided
 * to views as the services startup hook would.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { migrations as blogMigrations } from "../../apps/blog/models.ts";
import { CommentService, PostService, SearchService } from "../../apps/blog/services.ts";
import { migrations as userMigrations } from "../../apps/users/models.ts";
import { NotificationService, UserService } from "../../apps/users/services.ts";
import {
  closeDatabase,
  migrate,
  openDatabase,
  useDatabase,
  type Database,
  type DatabaseSettings,
} from "../../framework/database.ts";
import { frameworkMigrations } from "../../framework/heartbeat.ts";
import { provideServices, withdrawServices } from "../../framework/services.ts";

export interface TestDatabase {
  readonly db: Database;
  readonly settings: DatabaseSettings;
  readonly dir: string;
  /** Row count of a table. */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "spoc-blog-"));
  const settings: DatabaseSettings = { engine: "sqlite", name: join(dir, "blog.db") };
  const db = openDatabase(settings);
  await migrate(db, "framework", frameworkMigrations);
  await migrate(db, "users", userMigrations);
  await migrate(db, "blog", blogMigrations);
  return {
    db,
    settings,
    dir,
    async count(table) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await closeDatabase(db);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Makes `db` the app's shared connection and provides every service, for view tests. */
export function installApp(db: Database): () => void {
  useDatabase(db);
  provideServices({
    "users.UserService": UserService,
    "users.NotificationService": NotificationService,
    "blog.PostService": PostService,
    "blog.CommentService": CommentService,
    "blog.SearchService": SearchService,
  });
  return () => {
    withdrawServices();
    useDatabase(undefined);
  };
}

export const alice = {
  username: "alice",
  email: "alice@example.com",
  fullName: "Alice Johnson",
  password: "correct horse battery staple",
} as const;

export const bob = {
  username: "bob",
  email: "bob@example.com",
  fullName: "Bob Smith",
  password: "hunter2hunter2",
} as const;
