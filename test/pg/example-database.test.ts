/**
 * The example's PostgreSQL connection and its one-run-per-database advisory lock
 * (framework/database-postgres.ts), against a real server.
 */
import { type Generated, sql } from "kysely";
import { ErrorCode } from "spoc";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lockPostgresDatabase, openPostgresDatabase } from "../../framework/database-postgres.ts";
import { createTestDatabase, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

describePg("the example's PostgreSQL database", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(sharedServerUrl());
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("opens a Kysely connection from DATABASE_URL and runs queries in transactions", async () => {
    const db = openPostgresDatabase<{ notes: { id: Generated<number>; body: string } }>({
      url: database.url,
      name: "",
    });
    try {
      await sql`create table notes (id integer generated always as identity primary key, body text not null)`.execute(
        db,
      );
      const inserted = await db
        .transaction()
        .execute((trx) => trx.insertInto("notes").values({ body: "kept" }).returning("id").executeTakeFirstOrThrow());
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto("notes").values({ body: "rolled back" }).execute();
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      const rows = await db.selectFrom("notes").selectAll().execute();
      expect(rows).toEqual([{ id: inserted.id, body: "kept" }]);
    } finally {
      await db.destroy();
    }
  });

  it("opens from DB_HOST, DB_PORT, DB_USER, DB_PASSWORD and DB_NAME as well", async () => {
    const url = new URL(database.url);
    const db = openPostgresDatabase({
      name: database.name,
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
    try {
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      expect(rows).toEqual([{ name: database.name }]);
    } finally {
      await db.destroy();
    }
  });

  it("lets one run at a time hold the database, and frees it on release", async () => {
    const first = await lockPostgresDatabase({ url: database.url, name: "" });
    try {
      await expect(lockPostgresDatabase({ url: database.url, name: "" })).rejects.toMatchObject({
        code: ErrorCode.DatabaseInUse,
        message: expect.stringContaining(`another run of the app is using the PostgreSQL database`),
      });
    } finally {
      await first.release();
    }
    const second = await lockPostgresDatabase({ url: database.url, name: "" });
    await second.release();
  });

  it("reports an unreachable server as DatabaseUnreachable, without the password", async () => {
    const url = new URL(database.url);
    url.port = "1";
    url.password = "s3cret";
    const failure = lockPostgresDatabase({ url: url.toString(), name: "" });
    await expect(failure).rejects.toMatchObject({ code: ErrorCode.DatabaseUnreachable });
    await expect(failure).rejects.not.toThrow("s3cret");
  });
});
