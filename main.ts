/**
 * The blog platform's entry point: SPOC's documented example, on real parts.
 *
 * It starts the framework (hooks open the SQLite database and run migrations), lists the
 * registered components, makes the apps work together (users, posts, comments, and an
 * email notification queued in the same transaction as the comment), runs the two
 * background workers (email delivery in a thread, search indexing in a process) for a
 * short window, and shuts down.
 *
 * The demonstration clears the database's data first, so every run prints the same thing
 * and a run killed halfway does not affect the next. `DEMO_WORKER_WINDOW_MS` (default
 * 5000) sets how long the workers run; `DEMO_STOP_BUDGET_MS` (default 1500) how long the
 * workers together get to stop before they are terminated.
 *
 * A signal (Ctrl-C, SIGTERM, SIGHUP) at any moment ends it promptly: the workers that were
 * started are stopped and joined, the app shuts down (the database last), exit 0. A crashed
 * worker or a failed hook exits 1. One run per database at a time (framework/database-lock.ts).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { env, Framework, Server, SpocError, formatError, type ProcessWorker, type ThreadWorker } from "spoc";
import { isQueueWorkerClass } from "spoc/workers";
import { schema } from "./config/schema.ts";
import { clearData, database, holdDatabaseForRun } from "./framework/database.ts";
import { resetHeartbeat, waitForHeartbeat } from "./framework/heartbeat.ts";
import { provideJobs } from "./framework/jobs.ts";
import { StopRequest, StopRequested } from "./framework/stop-request.ts";
import { registry } from "./generated/registry.ts";

type AppSettings = typeof import("./config/settings.ts").default;

const WIDTH = 60;

/** Where `config/` is, from this file in the sources or from `out/main.js` in the bundle. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "config", "spoc.toml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`config/spoc.toml not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

function banner(title: string): void {
  console.log("=".repeat(WIDTH));
  console.log(title);
  console.log("=".repeat(WIDTH));
}

function section(title: string): void {
  console.log(`\n${title}`);
  console.log("-".repeat(WIDTH));
}

function step(title: string): void {
  console.log(`\n--- ${title} ---`);
}

/** A service's change log goes to stdout, indented. */
const log = (line: string): void => console.log(`  ${line}`);

/**
 * Each kind under its heading, one bullet per component with what it is and where it is
 * declared: `• users.User: class User (apps/users/models.ts:12)`. Queue workers are listed
 * only with a job queue (PostgreSQL): on SQLite nothing can run them.
 */
function showComponents(framework: Framework, withQueues: boolean): void {
  section("REGISTERED COMPONENTS");
  const declared = new Map(registry.components.map((component) => [component.key, component]));
  for (const [kind, byKey] of Object.entries(framework.components as Record<string, Record<string, unknown>>)) {
    step(kind.charAt(0).toUpperCase() + kind.slice(1));
    const keys = Object.keys(byKey).filter((key) => withQueues || !isQueueWorkerClass(byKey[key]));
    if (keys.length === 0) console.log("  (none)");
    for (const key of keys) {
      const at = declared.get(key);
      const where = at === undefined ? "" : ` (${at.file}:${at.line})`;
      console.log(`  • ${key}: ${describeValue(byKey[key], at?.exportName ?? key)}${where}`);
    }
  }
}

/** `class User` or `function listPosts`: what TypeScript has where Python prints `<class …>`. */
function describeValue(value: unknown, name: string): string {
  if (typeof value !== "function") return `${typeof value} ${name}`;
  return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? `class ${name}` : `function ${name}`;
}

async function demonstrateAppInteraction(framework: Framework, stop: StopRequest): Promise<void> {
  section("DEMONSTRATING APP INTERACTION");
  // The ids restart with the data, so a previous run's unsent jobs would deliver this run's
  // messages: they go with it (PostgreSQL; on SQLite there is no job queue).
  if (framework.config.settings.database.engine === "postgres") await framework.jobs.purge("users.DeliverEmail");
  await clearData(database());
  console.log("  Demo data cleared: every run starts from an empty database");

  const UserService = framework.getComponent("services", "users.UserService");
  const NotificationService = framework.getComponent("services", "users.NotificationService");
  const PostService = framework.getComponent("services", "blog.PostService");
  const CommentService = framework.getComponent("services", "blog.CommentService");
  const users = new UserService({ log });
  const posts = new PostService({ log });
  const comments = new CommentService({ log });

  stop.check();
  step("Creating Users");
  const alice = await users.createUser({
    username: "alice",
    email: "alice@example.com",
    fullName: "Alice Johnson",
    password: "correct horse battery staple",
  });
  const bob = await users.createUser({
    username: "bob",
    email: "bob@example.com",
    fullName: "Bob Smith",
    password: "hunter2hunter2",
  });

  stop.check();
  step("Creating Blog Posts");
  const first = await posts.createPost({
    title: "Getting Started with SPOC",
    content: "SPOC is a powerful framework for building modular applications...",
    authorId: alice.id,
  });
  const second = await posts.createPost({
    title: "Advanced SPOC Patterns",
    content: "Learn about advanced patterns and best practices...",
    authorId: alice.id,
  });

  stop.check();
  step("Publishing Posts");
  await posts.publishPost(first.id);
  await posts.publishPost(second.id);

  stop.check();
  step("Adding Comments");
  const thanks = await comments.createComment({
    postId: first.id,
    authorId: bob.id,
    text: "Great article! Very helpful.",
  });
  const reply = await comments.createComment({
    postId: first.id,
    authorId: alice.id,
    text: "Thank you for the feedback!",
  });

  stop.check();
  step("Approving Comments");
  await comments.approveComment(thanks.id);
  await comments.approveComment(reply.id);

  stop.check();
  step("Summary");
  console.log(`  Total users: ${(await users.listUsers()).length}`);
  console.log(`  Total posts: ${(await posts.listPosts()).length}`);
  console.log(`  Published posts: ${(await posts.listPosts({ publishedOnly: true })).length}`);
  console.log(`  Comments on post ${first.id}: ${(await comments.getCommentsForPost(first.id)).length}`);
  console.log(`  Emails waiting in the outbox: ${await new NotificationService().pendingCount()}`);
}

function describeWindow(ms: number): string {
  if (ms % 1000 !== 0) return `${ms} ms`;
  return ms === 1000 ? "1 second" : `${ms / 1000} seconds`;
}

/**
 * Starts the workers one at a time (each after its first pass, so their lines never
 * interleave), lets them run for the window, then stops and joins every worker it started,
 * sharing one budget. A stop request ends the window or the start-up at once.
 * @returns whether every worker started ran to a clean stop (none crashed or had to be killed).
 */
async function runBackgroundWorkers(framework: Framework, settings: AppSettings, stop: StopRequest): Promise<boolean> {
  stop.check();
  section("STARTING BACKGROUND WORKERS");
  const windowMs = env.int("DEMO_WORKER_WINDOW_MS", 5000, { min: 0 });
  const stopBudgetMs = env.int("DEMO_STOP_BUDGET_MS", 1500, { min: 1 });
  const db = database();
  const EmailNotificationWorker = framework.getComponent("workers", "users.EmailNotificationWorker");
  const ContentIndexerWorker = framework.getComponent("workers", "blog.ContentIndexerWorker");

  const onPostgres = settings.database.engine === "postgres";
  const workers: (ThreadWorker | ProcessWorker)[] = [];
  if (onPostgres) {
    console.log("  • Emails go out as users.DeliverEmail jobs, handled by the queue consumers (npx spoc worker)");
  } else if (settings.workers.email_notifications.enabled) {
    workers.push(
      new EmailNotificationWorker({
        database: settings.database,
        email: settings.email,
        intervalMs: settings.workers.email_notifications.interval * 1000,
      }),
    );
  } else {
    console.log("  • EmailNotificationWorker is disabled (ENABLE_EMAIL_WORKER=false)");
  }
  if (settings.workers.content_indexer.enabled) {
    workers.push(
      new ContentIndexerWorker({
        database: settings.database,
        intervalMs: settings.workers.content_indexer.interval * 1000,
      }),
    );
  } else {
    console.log("  • ContentIndexerWorker is disabled (ENABLE_INDEXER_WORKER=false)");
  }
  for (const worker of workers) console.log(`  • Added ${worker.name}`);

  console.log("\n  Starting workers...\n");
  const server = new Server();
  server.start();
  /** Only workers that were started are stopped and joined. */
  const started: (ThreadWorker | ProcessWorker)[] = [];
  let clean = true;
  try {
    for (const worker of workers) {
      if (stop.signal.aborted) break;
      await resetHeartbeat(db, worker.name);
      server.addWorker(worker);
      started.push(worker);
      const ended = Promise.race([worker.join(), stop.requested]);
      const ready = await waitForHeartbeat(db, worker.name, { until: ended });
      if (ready === undefined && !stop.signal.aborted) console.log(`  [${worker.name}] did not complete a first pass`);
      // Stopped meanwhile (a signal, or it failed): start no more.
      if (!worker.isRunning) break;
    }
    if (!stop.signal.aborted && started.length === workers.length && started.every((worker) => worker.isRunning)) {
      console.log(`\n  Workers are running (will stop in ${describeWindow(windowMs)})...`);
      await Promise.race([
        sleep(windowMs, undefined, { signal: stop.signal }).catch(() => {}),
        Promise.all(started.map((worker) => worker.join())),
      ]);
      if (onPostgres) await waitForConsumers(framework, stop);
    }
  } finally {
    console.log("\n  Stopping workers...\n");
    // One budget for all (DEMO_STOP_BUDGET_MS), so that a signal ends the run within two seconds.
    const deadline = Date.now() + stopBudgetMs;
    for (const worker of started) {
      worker.stop();
      const result = await worker.join({ timeoutMs: Math.max(1, deadline - Date.now()) });
      if (!result.stopped) {
        clean = false;
        console.log(`  [${worker.name}] ${describeEnd(result)}`);
      }
    }
    server.stop();
  }

  step("Worker Results");
  const NotificationService = framework.getComponent("services", "users.NotificationService");
  const SearchService = framework.getComponent("services", "blog.SearchService");
  const outbox = await new NotificationService().listMessages();
  const sent = outbox.filter((message) => message.sentAt !== null).length;
  console.log(`  Outbox: ${sent} sent, ${outbox.length - sent} waiting`);
  console.log(`  Posts in the search index: ${await new SearchService().indexedCount()}`);
  const found = await new SearchService().search("modular");
  console.log(`  Search "modular": ${found.map((post) => post.title).join(", ") || "no match"}`);
  return clean;
}

/**
 * PostgreSQL: the emails are delivered by `npx spoc worker` processes, maybe on other
 * machines; waits until they have sent every message (`DEMO_CONSUMER_WAIT_MS`, default 30 s),
 * and says what to start when none did.
 */
async function waitForConsumers(framework: Framework, stop: StopRequest): Promise<void> {
  const waitMs = env.int("DEMO_CONSUMER_WAIT_MS", 30_000, { min: 0 });
  const outbox = new (framework.getComponent("services", "users.NotificationService"))();
  const deadline = Date.now() + waitMs;
  while ((await outbox.pendingCount()) > 0) {
    if (stop.signal.aborted) return;
    if (Date.now() >= deadline) {
      console.log(`\n  No queue consumer delivered the outbox within ${describeWindow(waitMs)}:`);
      console.log("  start one with `npx spoc worker` (same DB_ENGINE and database settings)");
      return;
    }
    await sleep(200, undefined, { signal: stop.signal }).catch(() => {});
  }
}

/** Why a worker did not stop cleanly, from its join result. */
function describeEnd(result: { terminated: boolean; exitCode?: number; signal?: string }): string {
  if (result.terminated) return "did not stop in time and was terminated";
  const how = result.signal !== undefined ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? "unknown"}`;
  return `crashed (${how}) before it could stop cleanly`;
}

/** The innermost SpocError of `error`'s causes: a failed hook's reason is the database's own message. */
function reportFailure(error: unknown): void {
  let innermost: unknown = error;
  for (let cause = error; cause instanceof Error; cause = cause.cause)
    if (cause instanceof SpocError) innermost = cause;
  console.error(innermost instanceof SpocError ? formatError(innermost) : innermost);
}

/**
 * Runs the demonstration. Exit status: 0 when it ran through or stopped cleanly on a signal;
 * 1 when a hook failed, a worker crashed, or anything else went wrong.
 */
async function main(): Promise<number> {
  const stop = new StopRequest();
  let framework: Framework | undefined;
  let ok = true;
  try {
    framework = await Framework.start({ baseDir: projectRoot(), schema, registry });
    const settings = framework.config.settings;
    // The demonstration clears the data: one run per database (consumers share it, see README).
    await holdDatabaseForRun();
    const onPostgres = settings.database.engine === "postgres";
    // Services send their jobs (PostgreSQL: the comment's email) through the app's queue.
    provideJobs(framework.jobs);
    stop.check();
    console.log("");
    banner("BLOG PLATFORM - SPOC APPLICATION");
    console.log(`Mode: ${framework.mode}`);
    console.log(`Installed apps: ${framework.installedApps.join(", ")}`);

    showComponents(framework, onPostgres);
    await demonstrateAppInteraction(framework, stop);
    ok = await runBackgroundWorkers(framework, settings, stop);
  } catch (error) {
    if (!(error instanceof StopRequested)) {
      reportFailure(error);
      ok = false;
    }
  } finally {
    if (framework !== undefined) {
      section("SHUTTING DOWN APPLICATION");
      try {
        provideJobs(undefined);
        await framework.shutdown();
      } catch (error) {
        reportFailure(error);
        ok = false;
      }
    }
    stop.dispose();
  }
  if (framework === undefined) return 1;
  console.log("");
  banner(ok ? "APPLICATION STOPPED" : "APPLICATION STOPPED WITH ERRORS");
  return ok ? 0 : 1;
}

process.exitCode = await main();
