/**
 * PostgreSQL away: not there at start (a clear error naming host and port, quickly), and
 * restarted while consumers run (they reconnect; no job is lost). The restart uses a
 * server of its own, so that the other PostgreSQL test files never see it go down.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type Consumer,
  countOf,
  createEffectTables,
  killConsumer,
  prepareFixture,
  spawnConsumer,
  startConsumer,
  startFixture,
  waitFor,
} from "./_consumers.ts";
import { createTestDatabase, type TestDatabase } from "./_db.ts";
import { describePg } from "./_pg.ts";
import { findPostgresBin, startPostgres, type PostgresServer } from "./_server.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
}

describePg("PostgreSQL unreachable or restarted", () => {
  it("unreachable at start: spoc worker exits 1 naming host and port, without hanging", {
    timeout: 60_000,
  }, async () => {
    const port = await closedPort();
    const worker = spawnConsumer(`postgres://postgres@127.0.0.1:${port}/queue`);
    const startedAt = Date.now();
    const { code } = await worker.exited;
    // Exit 2 is a usage or internal error: its output says which.
    expect(code, worker.output()).toBe(1);
    expect(worker.output()).toContain(
      `SPOC121 cannot connect to PostgreSQL at 127.0.0.1:${port}/queue for the job queue`,
    );
    expect(worker.output()).toContain("ECONNREFUSED");
    expect(worker.output()).toContain("hint: start PostgreSQL there, or fix settings.jobs.connection");
    expect(worker.output()).not.toContain("internal error");
    // Generous for a loaded machine; the point is that it gives up instead of waiting for ever.
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  const bin = findPostgresBin();
  const withServerOfItsOwn = bin ? it : it.skip;
  let server: PostgresServer | undefined;
  let database: TestDatabase | undefined;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await prepareFixture();
    if (!bin) return;
    server = await startPostgres({ bin });
    database = await createTestDatabase(server.url);
    await createEffectTables(database.url);
  });

  afterAll(async () => {
    await Promise.all(consumers.map(killConsumer));
    await server?.stop();
  });

  withServerOfItsOwn("restarted mid-run: consumers reconnect and every job is done", { timeout: 180_000 }, async () => {
    const url = (database as TestDatabase).url;
    const framework = await startFixture(url);
    try {
      for (const _ of [1, 2])
        consumers.push(await startConsumer(url, ["--queue", "effects.RecordEffect", "--concurrency", "2"]));
      for (let n = 0; n < 200; n++) await framework.jobs.send("effects.RecordEffect", { n, sleepMs: 20 });
      await waitFor(async () => (await countOf(url, "effects")) >= 20);
      // Down long enough that every consumer meets it: fetches, completions and sends fail meanwhile.
      await (server as PostgresServer).halt();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await (server as PostgresServer).resume();
      for (let n = 200; n < 300; n++) await framework.jobs.send("effects.RecordEffect", { n });
      await waitFor(async () => (await countOf(url, "effects")) === 300, 150_000);
      for (const consumer of consumers) expect(consumer.child.exitCode, consumer.output()).toBe(null);
    } finally {
      await framework.shutdown();
    }
  });
});
