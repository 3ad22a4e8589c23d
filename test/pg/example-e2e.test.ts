/**
 * The example end to end on PostgreSQL, as a user runs it: two `spoc worker` consumer
 * processes (what `npx spoc worker` runs) and `DB_ENGINE=postgres npm start`, in a fresh copy
 * of the project, against the test server. It must print the demonstration the SQLite run
 * prints (same lines, same order) but for the lines that say where the email goes out, and
 * each email must reach the SMTP server exactly once, sent by one of the consumers.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildExample, copyProject, demoEnv } from "../example/_project.ts";
import { headerOf, type Received, startSmtp } from "../example/_smtp.ts";
import { createTestDatabase, query, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Consumer {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

/** `spoc worker` in the project, as `npx spoc worker` starts it. */
function startConsumer(cwd: string, env: NodeJS.ProcessEnv): Consumer {
  const child = spawn(process.execPath, ["bin/spoc.js", "worker"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitUntil(condition: () => boolean, what: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The lines that differ by engine, on purpose: on SQLite the email goes out through the
 * EmailNotificationWorker thread (its lifecycle lines); on PostgreSQL through the
 * users.DeliverEmail queue worker in the consumers, which is listed with the components.
 */
const SQLITE_ONLY = [/^ {2}\[EmailNotificationWorker\] /, /^ {2}• Added EmailNotificationWorker$/];
const POSTGRES_ONLY = [
  /^ {2}• users\.DeliverEmail: class DeliverEmail \(apps\/users\/workers\.ts:\d+\)$/,
  /^ {2}• Emails go out as users\.DeliverEmail jobs, handled by the queue consumers \(npx spoc worker\)$/,
];
/**
 * The one count that depends on timing on PostgreSQL: consumers already running may have
 * sent the email between the comment and the summary (on SQLite the worker starts later).
 */
const WAITING = /^ {2}Emails waiting in the outbox: (\d+)$/;

function withoutLines(output: string, patterns: readonly RegExp[]): string[] {
  return output.split("\n").filter((line) => !patterns.some((pattern) => pattern.test(line)));
}

function messageIds(received: readonly Received[]): string[] {
  return received.map((message) => headerOf(message.raw, "message-id")).sort();
}

describePg("the example on PostgreSQL with two consumer processes", () => {
  let project: string;
  let database: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    [project, database, smtp] = await Promise.all([
      // Built once here for the runs that need no `npm start` (which builds before it runs).
      copyProject("spoc-blog-pg-e2e-").then(async (copy) => {
        await buildExample(copy);
        return copy;
      }),
      createTestDatabase(sharedServerUrl()),
      startSmtp(),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const consumer of consumers) {
      if (consumer.child.exitCode === null && consumer.child.signalCode === null) consumer.child.kill("SIGKILL");
      await consumer.exited;
    }
    await smtp?.close();
    await database?.drop();
    if (project !== undefined) await rm(project, { recursive: true, force: true });
  });

  it("prints the SQLite run's demonstration and sends each email exactly once", async () => {
    const email = { EMAIL_HOST: "127.0.0.1", EMAIL_PORT: String(smtp.port), EMAIL_SECURE: "false" };
    const common = { ...email, DEMO_WORKER_WINDOW_MS: "1000" };

    // The reference: the same project and SMTP server on SQLite.
    const sqlite = await run(process.execPath, ["out/main.js"], project, demoEnv(common));
    expect(sqlite.code, sqlite.stderr).toBe(0);
    expect(messageIds(smtp.received)).toEqual(["<outbox-1@blog-platform.local>"]);
    smtp.received.length = 0;

    const postgres = { ...common, DB_ENGINE: "postgres", DATABASE_URL: database.url };
    for (let n = 0; n < 2; n++) consumers.push(startConsumer(project, demoEnv(postgres)));
    for (const consumer of consumers) {
      await waitUntil(
        () => consumer.stderr().includes("spoc worker: consuming users.DeliverEmail"),
        () => `a consumer to start; its output:\n${consumer.stdout()}${consumer.stderr()}`,
      );
    }

    const pg = await run("npm", ["start", "--silent"], project, demoEnv(postgres));
    expect(pg.code, `${pg.stdout}\n${pg.stderr}`).toBe(0);
    expect(pg.stderr).not.toMatch(/error|warn|SPOC\d/i);

    const waiting = pg.stdout.split("\n").flatMap((line) => WAITING.exec(line)?.[1] ?? []);
    expect(waiting).toHaveLength(1);
    expect(["0", "1"]).toContain(waiting[0]);
    const expected = withoutLines(sqlite.stdout, SQLITE_ONLY);
    const actual = withoutLines(pg.stdout, POSTGRES_ONLY).map((line) =>
      WAITING.test(line) ? "  Emails waiting in the outbox: 1" : line,
    );
    expect(actual).toEqual(expected);
    // Both lines say where the email went: the thread on SQLite, a consumer on PostgreSQL.
    expect(sqlite.stdout).toContain("  [EmailNotificationWorker] Sent 1 email\n");
    expect(pg.stdout).toContain(
      "  • Emails go out as users.DeliverEmail jobs, handled by the queue consumers (npx spoc worker)\n",
    );
    expect(pg.stdout).toContain("  Outbox: 1 sent, 0 waiting\n");

    // Exactly one delivery, by exactly one of the two consumers, and its job completed.
    expect(messageIds(smtp.received)).toEqual(["<outbox-1@blog-platform.local>"]);
    expect(smtp.received[0]?.to).toEqual(["alice@example.com"]);
    const sent = consumers.flatMap((consumer) =>
      consumer.stdout().includes("  [DeliverEmail] Sent email 1 to alice@example.com\n") ? [consumer] : [],
    );
    expect(sent).toHaveLength(1);
    const jobs = await query<{ state: string; data: { messageId: number } }>(
      database.url,
      "select state, data from pgboss.job where name = 'users.DeliverEmail'",
    );
    expect(jobs).toEqual([{ state: "completed", data: { messageId: 1 } }]);

    // SIGTERM: each consumer takes no new job, finishes, exits 0.
    for (const consumer of consumers) consumer.child.kill("SIGTERM");
    for (const consumer of consumers) {
      expect(await consumer.exited, consumer.stderr()).toBe(0);
      expect(consumer.stderr()).toContain("stopped: every job in flight finished");
    }
  }, 420_000);

  it("says to start a consumer when none sends the email; the next run drops that unsent job", async () => {
    const noConsumer = (waitMs: string) =>
      demoEnv({
        DB_ENGINE: "postgres",
        DATABASE_URL: database.url,
        DEMO_WORKER_WINDOW_MS: "0",
        DEMO_CONSUMER_WAIT_MS: waitMs,
      });
    const pending = () =>
      query<{ data: { messageId: number } }>(
        database.url,
        "select data from pgboss.job where name = 'users.DeliverEmail' and state < 'active'",
      );
    const alone = await run(process.execPath, ["out/main.js"], project, noConsumer("1000"));
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toContain(
      "\n  No queue consumer delivered the outbox within 1 second:\n" +
        "  start one with `npx spoc worker` (same DB_ENGINE and database settings)\n",
    );
    expect(alone.stdout).toContain("  Outbox: 0 sent, 1 waiting\n");
    expect(alone.stdout).toContain("APPLICATION STOPPED\n");
    expect(await pending()).toEqual([{ data: { messageId: 1 } }]);

    const again = await run(process.execPath, ["out/main.js"], project, noConsumer("0"));
    expect(again.code, again.stderr).toBe(0);
    // One job for this run's one message, not the previous run's beside it, which a consumer
    // would deliver as well (the message is sent once, the other job then says it already was).
    expect(await pending()).toEqual([{ data: { messageId: 1 } }]);
  }, 120_000);
});
