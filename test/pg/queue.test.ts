/**
 * Queue workers against a real PostgreSQL and pg-boss: `spoc worker` processes consuming
 * the fixture project's queues, jobs sent through `framework.jobs`, effects counted in
 * tables with unique keys.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Framework } from "spoc";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  type Consumer,
  type FixtureMap,
  countOf,
  createEffectTables,
  killConsumer,
  prepareFixture,
  spawnConsumerInBackground,
  spawnConsumerThroughNpx,
  startConsumer,
  startFixture,
  waitFor,
} from "./_consumers.ts";
import { createTestDatabase, query, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

describePg("queue workers on PostgreSQL", () => {
  let database: TestDatabase;
  let framework: Framework<FixtureMap>;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await prepareFixture();
    database = await createTestDatabase(sharedServerUrl());
    await createEffectTables(database.url);
    framework = await startFixture(database.url);
    // pg-boss makes its tables on the queue's first use: made here, so that every test (one
    // that reads pgboss.job before it sends anything, alone) and the cleanup below find them.
    await framework.jobs.purge("effects.RecordEffect");
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map(killConsumer));
    await query(database.url, "truncate attempts, effects, ticks");
    // Jobs a test left behind (the committed one of the transaction test) must not feed the next.
    await query(database.url, "delete from pgboss.job where name = 'effects.RecordEffect'");
  });

  const attempted = async (n: number) =>
    (await query(database.url, "select 1 from attempts where n = $1", [n])).length > 0;

  afterAll(async () => {
    await Promise.all(consumers.splice(0).map(killConsumer));
    await framework?.shutdown();
    await database?.drop();
  });

  async function consumer(args: readonly string[] = []): Promise<Consumer> {
    const started = await startConsumer(database.url, args);
    consumers.push(started);
    return started;
  }

  it("two consumer processes handle 1,000 jobs, each exactly once", { timeout: 180_000 }, async () => {
    const [first, second] = await Promise.all([
      consumer(["--queue", "effects.RecordEffect", "--concurrency", "4"]),
      consumer(["--queue", "effects.RecordEffect", "--concurrency", "4"]),
    ]);
    for (let n = 0; n < 1000; n++) await framework.jobs.send("effects.RecordEffect", { n });
    await waitFor(async () => (await countOf(database.url, "effects")) === 1000, 150_000);
    // Every job ran once: one attempt each, no effect twice (effects.n is the primary key).
    expect(await countOf(database.url, "attempts"), "attempts").toBe(1000);
    const [duplicates] = await query<{ n: string }>(
      database.url,
      "select count(*) as n from (select n from attempts group by n having count(*) > 1) as twice",
    );
    expect(Number(duplicates?.n), "jobs attempted twice").toBe(0);
    const byProcess = await query<{ pid: number; n: string }>(
      database.url,
      "select pid, count(*) as n from effects group by pid",
    );
    expect(new Set(byProcess.map((row) => row.pid)), JSON.stringify(byProcess)).toEqual(
      new Set([first?.pid, second?.pid]),
    );
  });

  it("a rolled-back transaction leaves no job; a committed one leaves exactly one", async () => {
    const db = new Kysely<Record<string, never>>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
    });
    const jobsOf = async (n: number) =>
      Number(
        (
          await query<{ count: string }>(
            database.url,
            "select count(*) from pgboss.job where name = 'effects.RecordEffect' and (data->>'n')::int = $1",
            [n],
          )
        )[0]?.count,
      );
    try {
      await expect(
        db.transaction().execute(async (trx) => {
          await framework.jobs.send("effects.RecordEffect", { n: 70_001 }, { db: trx });
          await sql`select 1`.execute(trx);
          throw new Error("the caller's work failed");
        }),
      ).rejects.toThrow("the caller's work failed");
      expect(await jobsOf(70_001)).toBe(0);

      await db.transaction().execute(async (trx) => {
        await framework.jobs.send("effects.RecordEffect", { n: 70_002 }, { db: trx });
        // Not visible outside the transaction before it commits.
        expect(await jobsOf(70_002)).toBe(0);
      });
      expect(await jobsOf(70_002)).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it("an invalid payload is rejected at send, naming the field, and nothing is enqueued", async () => {
    const before = await countOf(database.url, "pgboss.job");
    // @ts-expect-error n must be a number: the compiler refuses it too
    const sending = framework.jobs.send("effects.RecordEffect", { n: "seven" });
    await expect(sending).rejects.toMatchObject({
      code: "SPOC210",
      message: expect.stringContaining('invalid payload for job "effects.RecordEffect": n: '),
    });
    expect(await countOf(database.url, "pgboss.job")).toBe(before);
  });

  it("purge deletes jobs not started and jobs a dead consumer left active past their expiry, not jobs in flight", async () => {
    await framework.jobs.send("effects.RecordEffect", { n: 6 });
    const abandoned = await framework.jobs.send("effects.RecordEffect", { n: 7 });
    const inFlight = await framework.jobs.send("effects.RecordEffect", { n: 8 });
    // As a consumer leaves them: one started a minute ago (its expiry is 4 s), one just now.
    await query(
      database.url,
      "update pgboss.job set state = 'active', started_on = now() - interval '1 minute' where id = $1",
      [abandoned],
    );
    await query(database.url, "update pgboss.job set state = 'active', started_on = now() where id = $1", [inFlight]);
    await framework.jobs.purge("effects.RecordEffect");
    const left = await query(database.url, "select id from pgboss.job where name = 'effects.RecordEffect'");
    expect(left).toEqual([{ id: inFlight }]);
  });

  it("SIGTERM: the job in flight completes, no new job is taken, exit 0", { timeout: 90_000 }, async () => {
    const worker = await consumer(["--queue", "effects.RecordEffect"]);
    await framework.jobs.send("effects.RecordEffect", { n: 1, sleepMs: 2000 });
    await waitFor(() => attempted(1));
    await framework.jobs.send("effects.RecordEffect", { n: 2 });
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await query(database.url, "select n, pid from effects order by n")).toEqual([{ n: 1, pid: worker.pid }]);
    // The second job was left for another consumer, untouched.
    expect(await countOf(database.url, "attempts")).toBe(1);
    expect(worker.output()).toContain("stopped: every job in flight finished");
  });

  it("SIGTERM past the stop budget: the job is released for retry and done by another", {
    timeout: 90_000,
  }, async () => {
    const worker = await consumer(["--queue", "effects.RecordEffect", "--stop-timeout", "500"]);
    await framework.jobs.send("effects.RecordEffect", { n: 3, sleepMs: 3000 });
    await waitFor(() => attempted(3));
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    expect(worker.output()).toContain("1 job(s) did not finish in time and were released for retry");
    const other = await consumer(["--queue", "effects.RecordEffect"]);
    await waitFor(
      async () => (await query(database.url, "select 1 from effects where pid = $1", [other.pid])).length === 1,
    );
  });

  it("npx spoc worker: SIGTERM to npx, which does not pass it on, still lets the job in flight finish and stops", {
    timeout: 90_000,
  }, async () => {
    const worker = spawnConsumerThroughNpx(database.url, ["--queue", "effects.RecordEffect"]);
    try {
      await waitFor(() => worker.output().includes("consuming "));
      await framework.jobs.send("effects.RecordEffect", { n: 5, sleepMs: 2000 });
      await waitFor(() => attempted(5));
      worker.npx.kill("SIGTERM");
      await worker.allExited;
      expect(worker.output()).toMatch(/spoc worker: the process that started spoc worker \(pid \d+\) is gone/);
      expect(worker.output()).toContain("stopped: every job in flight finished");
      expect(await query(database.url, "select n from effects")).toEqual([{ n: 5 }]);
    } finally {
      worker.kill();
    }
  });

  it("spoc worker --no-parent-check, backgrounded by an npm script, outlives it; without the flag it stops", {
    timeout: 90_000,
  }, async () => {
    const args = ["--queue", "effects.RecordEffect"];
    const checked = spawnConsumerInBackground(database.url, args);
    const unchecked = spawnConsumerInBackground(database.url, [...args, "--no-parent-check"]);
    try {
      await waitFor(() => checked.output().includes("consuming ") && unchecked.output().includes("consuming "));
      // The scripts end: the checked consumer sees its parent gone and stops.
      checked.npx.stdin?.end();
      unchecked.npx.stdin?.end();
      await checked.allExited;
      expect(checked.output()).toMatch(/the process that started spoc worker \(pid \d+\) is gone/);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await framework.jobs.send("effects.RecordEffect", { n: 6 });
      await waitFor(async () => (await countOf(database.url, "effects")) === 1);
      expect(unchecked.output()).not.toContain("is gone");
    } finally {
      checked.kill();
      unchecked.kill();
    }
  });

  it("kill -9 mid-job: the other consumer retries the job and completes it", { timeout: 120_000 }, async () => {
    const doomed = await consumer(["--queue", "effects.RecordEffect"]);
    await framework.jobs.send("effects.RecordEffect", { n: 4, sleepMs: 2500 });
    await waitFor(() => attempted(4));
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    const survivor = await consumer(["--queue", "effects.RecordEffect"]);
    // The job expires (4 s), pg-boss maintenance puts it back, the survivor runs it.
    await waitFor(async () => (await countOf(database.url, "effects")) === 1, 90_000);
    expect(await query(database.url, "select n, pid from effects")).toEqual([{ n: 4, pid: survivor.pid }]);
    expect(await query(database.url, "select pid from attempts order by at")).toEqual([
      { pid: doomed.pid },
      { pid: survivor.pid },
    ]);
  });

  it("a schedule runs once per interval, however many consumers", { timeout: 90_000 }, async () => {
    await Promise.all([consumer(["--queue", "effects.Tick"]), consumer(["--queue", "effects.Tick"])]);
    await waitFor(async () => (await countOf(database.url, "ticks")) >= 4, 60_000);
    // Every 2 s: one job per 2-second slot of its creation time, never two.
    const perSlot = await query<{ slot: string; n: string }>(
      database.url,
      `select floor(extract(epoch from j.singleton_on) / 2) as slot, count(*) as n
         from ticks t join pgboss.job j on j.id = t.job_id group by 1`,
    );
    expect(perSlot.length).toBeGreaterThanOrEqual(4);
    for (const row of perSlot) expect(Number(row.n)).toBe(1);
  });
});
