/**
 * Starting the example on PostgreSQL: the app and its consumers may start together, so their
 * migrations run one at a time (an advisory lock) and never twice; the demonstration holds
 * the run's lock for as long as its shared connection is open, while consumers take none.
 */
import { sql } from "kysely";
import { ErrorCode } from "spoc";
import { afterAll, beforeAll, expect, it } from "vitest";
import { postgresMigrations as blogMigrations } from "../../apps/blog/models.ts";
import { postgresMigrations as userMigrations } from "../../apps/users/models.ts";
import {
  acquireDatabase,
  closeDatabase,
  type DatabaseSettings,
  database as sharedDatabase,
  holdDatabaseForRun,
  migrate,
  openDatabase,
  releaseDatabase,
} from "../../framework/database.ts";
import { lockPostgresDatabase } from "../../framework/database-postgres.ts";
import { createTestDatabase, query, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

describePg("starting the example on PostgreSQL", () => {
  let database: TestDatabase;
  let settings: DatabaseSettings;

  beforeAll(async () => {
    database = await createTestDatabase(sharedServerUrl());
    settings = { engine: "postgres", url: database.url, name: "" };
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("runs each migration once when several processes migrate at the same time", async () => {
    // Four pools: four processes starting together.
    const pools = [0, 1, 2, 3].map(() => openDatabase(settings));
    try {
      const ran = await Promise.all(
        pools.map(async (db) => [
          ...(await migrate(db, "users", userMigrations)),
          ...(await migrate(db, "blog", blogMigrations)),
        ]),
      );
      expect(ran.flat().sort()).toEqual(
        [
          "0001_create_users",
          "0002_create_email_outbox",
          "0001_create_posts_and_comments",
          "0002_create_post_search",
        ].sort(),
      );
      const recorded = await query<{ n: string }>(database.url, "select count(*) as n from schema_migrations");
      expect(Number(recorded[0]?.n)).toBe(4);
    } finally {
      await Promise.all(pools.map((db) => closeDatabase(db)));
    }
  });

  it("holds the run's lock while the shared connection is open, and frees it with the last release", async () => {
    await acquireDatabase(settings);
    try {
      await holdDatabaseForRun();
      await expect(lockPostgresDatabase(settings)).rejects.toMatchObject({ code: ErrorCode.DatabaseInUse });
    } finally {
      await releaseDatabase();
    }
    const again = await lockPostgresDatabase(settings);
    await again.release();
  });

  it("shares one connection between two acquires made at the same time, open until the last release", async () => {
    const [first, second] = await Promise.all([acquireDatabase(settings), acquireDatabase(settings)]);
    let released = 0;
    try {
      expect(second).toBe(first);
      expect(sharedDatabase()).toBe(first);
      await releaseDatabase();
      released += 1;
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(first);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      for (; released < 2; released += 1) await releaseDatabase();
    }
    expect(() => sharedDatabase()).toThrow("the database is not open");
  });
});
