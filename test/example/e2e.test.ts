/**
 * The demonstration as a user runs it: `npm start` (generator + esbuild, then
 * `node out/main.js`) in a fresh copy of the project, twice in a row, and after runs killed
 * halfway. Every run must print exactly the expected output; each test stands alone on the
 * copy built before them.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExample, copyProject, demoEnv } from "./_project.ts";

const demo = { DEMO_WORKER_WINDOW_MS: "1000" };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: demoEnv(demo), timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Starts the built demonstration and kills it (SIGKILL) once its output contains `marker`. */
function runAndKillAt(cwd: string, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["out/main.js"], {
      cwd,
      env: demoEnv(demo),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`"${marker}" never appeared; output so far:\n${stdout}`));
    }, 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (stdout.includes(marker)) child.kill("SIGKILL");
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(stdout);
    });
  });
}

const EXPECTED = `  [Database] Initializing tables for: users.models
  [Views] Loaded: users.views
  [Services] Initializing: users.services
  [Workers] Registered: users.workers
  [Database] Initializing tables for: blog.models
  [Views] Loaded: blog.views
  [Services] Initializing: blog.services
  [Workers] Registered: blog.workers

============================================================
BLOG PLATFORM - SPOC APPLICATION
============================================================
Mode: development
Installed apps: users, blog

REGISTERED COMPONENTS
------------------------------------------------------------

--- Models ---
  • users.EmailMessage: class EmailMessage (apps/users/models.ts:91)
  • users.User: class User (apps/users/models.ts:55)
  • users.UserProfile: class UserProfile (apps/users/models.ts:76)
  • blog.Comment: class Comment (apps/blog/models.ts:92)
  • blog.Post: class Post (apps/blog/models.ts:58)

--- Views ---
  • users.getProfile: function getProfile (apps/users/views.ts:38)
  • users.loginUser: function loginUser (apps/users/views.ts:26)
  • users.registerUser: function registerUser (apps/users/views.ts:12)
  • users.updateProfile: function updateProfile (apps/users/views.ts:49)
  • blog.addComment: function addComment (apps/blog/views.ts:49)
  • blog.approveComment: function approveComment (apps/blog/views.ts:61)
  • blog.createPost: function createPost (apps/blog/views.ts:20)
  • blog.getPost: function getPost (apps/blog/views.ts:32)
  • blog.listComments: function listComments (apps/blog/views.ts:68)
  • blog.listPosts: function listPosts (apps/blog/views.ts:12)
  • blog.publishPost: function publishPost (apps/blog/views.ts:44)
  • blog.searchPosts: function searchPosts (apps/blog/views.ts:77)

--- Services ---
  • users.NotificationService: class NotificationService (apps/users/services.ts:199)
  • users.UserService: class UserService (apps/users/services.ts:35)
  • blog.CommentService: class CommentService (apps/blog/services.ts:108)
  • blog.PostService: class PostService (apps/blog/services.ts:32)
  • blog.SearchService: class SearchService (apps/blog/services.ts:180)

--- Workers ---
  • users.EmailNotificationWorker: class EmailNotificationWorker (apps/users/workers.ts:78)
  • blog.ContentIndexerWorker: class ContentIndexerWorker (apps/blog/workers.ts:44)

DEMONSTRATING APP INTERACTION
------------------------------------------------------------
  Demo data cleared: every run starts from an empty database

--- Creating Users ---
  [UserService] Created user: alice (ID: 1)
  [UserService] Created user: bob (ID: 2)

--- Creating Blog Posts ---
  [PostService] Created post: Getting Started with SPOC (ID: 1)
  [PostService] Created post: Advanced SPOC Patterns (ID: 2)

--- Publishing Posts ---
  [PostService] Published post ID: 1
  [PostService] Published post ID: 2

--- Adding Comments ---
  [CommentService] Created comment on post 1 (ID: 1)
  [CommentService] Queued notification email to alice@example.com
  [CommentService] Created comment on post 1 (ID: 2)

--- Approving Comments ---
  [CommentService] Approved comment ID: 1
  [CommentService] Approved comment ID: 2

--- Summary ---
  Total users: 2
  Total posts: 2
  Published posts: 2
  Comments on post 1: 2
  Emails waiting in the outbox: 1

STARTING BACKGROUND WORKERS
------------------------------------------------------------
  • Added EmailNotificationWorker
  • Added ContentIndexerWorker

  Starting workers...

  [EmailNotificationWorker] Lifecycle: Started
  [EmailNotificationWorker] Initializing email service...
  [EmailNotificationWorker] Delivering to the mail folder var/mail (EMAIL_HOST is not set)
  [EmailNotificationWorker] Started monitoring email queue
  [EmailNotificationWorker] Sent 1 email
  [ContentIndexerWorker] Lifecycle: Started
  [ContentIndexerWorker] Initializing search index...
  [ContentIndexerWorker] Started content indexing
  [ContentIndexerWorker] Indexed 2 posts, removed 0

  Workers are running (will stop in 1 second)...

  Stopping workers...

  [EmailNotificationWorker] Shutting down. Total emails sent: 1
  [EmailNotificationWorker] Lifecycle: Stopped
  [ContentIndexerWorker] Shutting down. Total posts indexed: 2
  [ContentIndexerWorker] Lifecycle: Stopped

--- Worker Results ---
  Outbox: 1 sent, 0 waiting
  Posts in the search index: 2
  Search "modular": Getting Started with SPOC

SHUTTING DOWN APPLICATION
------------------------------------------------------------
  [Database] Closing connections for: blog.models
  [Database] Closing connections for: users.models

============================================================
APPLICATION STOPPED
============================================================
`;

let project: string;

beforeAll(async () => {
  project = await copyProject("spoc-blog-e2e-");
  // Every test but the first runs the built demonstration: build it here, so none depends on
  // another having run.
  await buildExample(project);
}, 180_000);

afterAll(async () => {
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

describe("npm start", () => {
  it("builds and runs the demonstration, printing every section and count", async () => {
    // Built by beforeAll for the other tests: removed, so that out/main.js below is npm start's.
    await rm(join(project, "out"), { recursive: true, force: true });
    const result = await run("npm", ["start", "--silent"], project);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(existsSync(join(project, "out", "main.js"))).toBe(true);
    expect(result.stdout).toBe(EXPECTED);
    const eml = await readFile(join(project, "var", "mail", "outbox-000001.eml"), "utf8");
    expect(eml).toContain("To: alice@example.com");
    expect(eml).toContain("Great article! Very helpful.");
  }, 180_000);

  it("prints the same output on a second run", async () => {
    for (const attempt of ["first", "second"]) {
      const result = await run(process.execPath, ["out/main.js"], project);
      expect(result.code, attempt).toBe(0);
      expect(result.stdout, attempt).toBe(EXPECTED);
    }
  }, 120_000);

  it.each([
    ["halfway through the demonstration", "[CommentService] Created comment on post 1 (ID: 1)"],
    ["while the workers run", "Workers are running"],
  ])(
    "is not affected by a previous run killed %s",
    async (_, marker) => {
      const killed = await runAndKillAt(project, marker);
      expect(killed).toContain(marker);
      const next = await run(process.execPath, ["out/main.js"], project);
      expect(next.code).toBe(0);
      expect(next.stdout).toBe(EXPECTED);
    },
    120_000,
  );
});
