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
 * 5000) sets how long the workers run.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { env, Framework, Server, SpocError, formatError, type ProcessWorker, type ThreadWorker } from "spoc";
import { schema } from "./config/schema.ts";
import { clearData, database } from "./framework/database.ts";
import { resetHeartbeat, waitForHeartbeat } from "./framework/heartbeat.ts";
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

/** `label` then the items, wrapped to the page width under the first item. */
function listLine(label: string, items: readonly string[]): void {
  const indent = " ".repeat(10);
  let line = label.padEnd(indent.length);
  let first = true;
  for (const item of items.length === 0 ? ["(none)"] : items) {
    const piece = first ? item : `, ${item}`;
    if (!first && line.length + piece.length > WIDTH) {
      console.log(`${line},`);
      line = indent + item;
    } else {
      line += piece;
    }
    first = false;
  }
  console.log(line);
}

/** A service's change log goes to stdout, indented. */
const log = (line: string): void => console.log(`  ${line}`);

function showComponents(framework: Framework): void {
  section("REGISTERED COMPONENTS");
  const { models, views, services, workers } = framework.components;
  listLine("models:", Object.keys(models));
  listLine("views:", Object.keys(views));
  listLine("services:", Object.keys(services));
  listLine("workers:", Object.keys(workers));
}

async function demonstrateAppInteraction(framework: Framework): Promise<void> {
  section("DEMONSTRATING APP INTERACTION");
  await clearData(database());
  console.log("  Demo data cleared: every run starts from an empty database");

  const UserService = framework.getComponent("services", "users.UserService");
  const NotificationService = framework.getComponent("services", "users.NotificationService");
  const PostService = framework.getComponent("services", "blog.PostService");
  const CommentService = framework.getComponent("services", "blog.CommentService");
  const users = new UserService({ log });
  const posts = new PostService({ log });
  const comments = new CommentService({ log });

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

  step("Publishing Posts");
  await posts.publishPost(first.id);
  await posts.publishPost(second.id);

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

  step("Approving Comments");
  await comments.approveComment(thanks.id);
  await comments.approveComment(reply.id);

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

async function runBackgroundWorkers(framework: Framework, settings: AppSettings): Promise<void> {
  section("STARTING BACKGROUND WORKERS");
  const windowMs = env.int("DEMO_WORKER_WINDOW_MS", 5000, { min: 0 });
  const db = database();
  const EmailNotificationWorker = framework.getComponent("workers", "users.EmailNotificationWorker");
  const ContentIndexerWorker = framework.getComponent("workers", "blog.ContentIndexerWorker");

  const workers: (ThreadWorker | ProcessWorker)[] = [];
  if (settings.workers.email_notifications.enabled) {
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
  // One at a time, each after its first pass, so that their lines never interleave.
  for (const worker of workers) {
    await resetHeartbeat(db, worker.name);
    server.addWorker(worker);
    const ready = await waitForHeartbeat(db, worker.name, { until: worker.join() });
    if (ready === undefined) console.log(`  [${worker.name}] did not complete a first pass`);
    // Stopped meanwhile (Ctrl-C, or it failed): start no more.
    if (!worker.isRunning) break;
  }

  console.log(`\n  Workers are running (will stop in ${describeWindow(windowMs)})...`);
  const window = new AbortController();
  await Promise.race([
    sleep(windowMs, undefined, { signal: window.signal }).catch(() => {}),
    Promise.all(workers.map((worker) => worker.join())),
  ]);
  window.abort();

  console.log("\n  Stopping workers...\n");
  for (const worker of workers) {
    worker.stop();
    const result = await worker.join({ timeoutMs: 10_000 });
    if (!result.stopped) console.log(`  [${worker.name}] did not stop cleanly`);
  }
  server.stop();
  await server.joinAll({ timeoutMs: 10_000 });

  step("Worker Results");
  const NotificationService = framework.getComponent("services", "users.NotificationService");
  const SearchService = framework.getComponent("services", "blog.SearchService");
  const outbox = await new NotificationService().listMessages();
  const sent = outbox.filter((message) => message.sentAt !== null).length;
  console.log(`  Outbox: ${sent} sent, ${outbox.length - sent} waiting`);
  console.log(`  Posts in the search index: ${await new SearchService().indexedCount()}`);
  const found = await new SearchService().search("modular");
  console.log(`  Search "modular": ${found.map((post) => post.title).join(", ") || "no match"}`);
}

async function main(): Promise<void> {
  const framework = await Framework.start({ baseDir: projectRoot(), schema, registry });
  const settings = framework.config.settings as unknown as AppSettings;
  try {
    console.log("");
    banner("SPOC BLOG PLATFORM");
    console.log(`Mode: ${framework.mode}`);
    console.log(`Installed apps: ${framework.installedApps.join(", ")}`);

    showComponents(framework);
    await demonstrateAppInteraction(framework);
    await runBackgroundWorkers(framework, settings);
  } finally {
    section("SHUTTING DOWN APPLICATION");
    await framework.shutdown();
  }
  console.log("");
  banner("APPLICATION STOPPED");
}

main().catch((error: unknown) => {
  console.error(error instanceof SpocError ? formatError(error) : error);
  process.exitCode = 1;
});
