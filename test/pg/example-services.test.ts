/**
 * The example's services on PostgreSQL: each app's PostgreSQL migrations
 * (apps/<app>/migrations/postgres.ts) run through the same `migrate()`, and users, posts and
 * comments (with the notification queued in the same transaction) work as on SQLite.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { postgresMigrations as blogMigrations } from "../../apps/blog/models.ts";
import { CommentService, PostService, SearchService } from "../../apps/blog/services.ts";
import { postgresMigrations as userMigrations } from "../../apps/users/models.ts";
import type { User } from "../../apps/users/models.ts";
import { NotificationService, UserService } from "../../apps/users/services.ts";
import { DeliverEmail } from "../../apps/users/workers.ts";
import { JobQueue } from "spoc/workers";
import { provideJobs } from "../../framework/jobs.ts";
import {
  clearData,
  closeDatabase,
  type Database,
  isPostgres,
  migrate,
  openDatabase,
  writeTransaction,
} from "../../framework/database.ts";
import { frameworkMigrations } from "../../framework/heartbeat.ts";
import { createTestDatabase, query, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

describePg("the example's services on PostgreSQL", () => {
  let database: TestDatabase;
  let db: Database;
  let jobs: JobQueue;

  /** The `users.DeliverEmail` jobs in pg-boss's table, by message id. */
  async function deliveryJobs(): Promise<number[]> {
    const rows = await query<{ data: { messageId: number } }>(
      database.url,
      "select data from pgboss.job where name = 'users.DeliverEmail' order by created_on",
    );
    return rows.map((row) => row.data.messageId);
  }

  /** Alice and Bob, registered. */
  async function aliceAndBob(): Promise<[User, User]> {
    const users = new UserService({ db });
    const password = "correct horse battery";
    const alice = await users.createUser({
      username: "alice",
      email: "alice@example.com",
      fullName: "Alice",
      password,
    });
    const bob = await users.createUser({ username: "bob", email: "bob@example.com", fullName: "Bob", password });
    return [alice, bob];
  }

  beforeAll(async () => {
    database = await createTestDatabase(sharedServerUrl());
    db = openDatabase({ engine: "postgres", url: database.url, name: database.name });
    await migrate(db, "framework", frameworkMigrations);
    await migrate(db, "users", userMigrations);
    await migrate(db, "blog", blogMigrations);
    jobs = new JobQueue(new Map([["users.DeliverEmail", DeliverEmail]]), () => ({ connection: database.url }));
    provideJobs(jobs);
  });
  // Each test starts from empty tables (ids from 1) and no delivery job.
  beforeEach(async () => {
    await clearData(db);
    await query(database.url, "delete from pgboss.job where name = 'users.DeliverEmail'").catch((error) => {
      if ((error as { code?: string }).code !== "42P01") throw error; // pg-boss has not made its tables yet
    });
  });
  afterAll(async () => {
    provideJobs(undefined);
    await jobs?.stop();
    if (db) await closeDatabase(db);
    await database?.drop();
  });

  it("runs every app's PostgreSQL migrations once", async () => {
    const fresh = await createTestDatabase(sharedServerUrl());
    const freshDb = openDatabase({ engine: "postgres", url: fresh.url, name: fresh.name });
    try {
      expect(isPostgres(freshDb)).toBe(true);
      expect(await migrate(freshDb, "framework", frameworkMigrations)).toEqual(["0001_create_worker_heartbeats"]);
      expect(await migrate(freshDb, "users", userMigrations)).toEqual([
        "0001_create_users",
        "0002_create_email_outbox",
      ]);
      expect(await migrate(freshDb, "blog", blogMigrations)).toEqual([
        "0001_create_posts_and_comments",
        "0002_create_post_search",
      ]);
      expect(await migrate(freshDb, "blog", blogMigrations)).toEqual([]);
    } finally {
      await closeDatabase(freshDb);
      await fresh.drop();
    }
  });

  it("registers users, writes and publishes posts, and queues the comment's email in its transaction", async () => {
    const users = new UserService({ db });
    const [alice, bob] = await aliceAndBob();
    expect([alice.id, bob.id]).toEqual([1, 2]);
    await expect(
      users.createUser({
        username: "ALICE",
        email: "a2@example.com",
        fullName: "A",
        password: "correct horse battery",
      }),
    ).rejects.toMatchObject({ field: "username" });

    const posts = new PostService({ db });
    const post = await posts.createPost({ title: "Hello, PostgreSQL", content: "First post.", authorId: alice.id });
    expect(post.slug).toBe("hello-postgresql");
    expect((await posts.publishPost(post.id)).published).toBe(true);

    const comment = await new CommentService({ db }).createComment({
      postId: post.id,
      authorId: bob.id,
      text: "Nice!",
    });
    expect(comment.postId).toBe(post.id);
    const due = await new NotificationService({ db }).due();
    expect(due.map((message) => message.recipient)).toEqual(["alice@example.com"]);
    // The message's delivery job was sent in the comment's transaction.
    expect(await deliveryJobs()).toEqual([due[0]?.id]);

    await expect(
      new CommentService({ db }).createComment({ postId: 999, authorId: bob.id, text: "Lost" }),
    ).rejects.toThrow();
    expect(await new NotificationService({ db }).due()).toHaveLength(1);

    // A transaction that rolls back takes its message and its job with it.
    await expect(
      writeTransaction(db, async (trx) => {
        await new NotificationService({ db: trx }).notifyUser(alice.id, "Rolled back", "never sent");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await new NotificationService({ db }).due()).toHaveLength(1);
    expect(await deliveryJobs()).toHaveLength(1);
  });

  it("delivers a message once when two consumers handle its job at the same time", async () => {
    const [alice, bob] = await aliceAndBob();
    const post = await new PostService({ db }).createPost({ title: "Hello", content: "First.", authorId: alice.id });
    await new CommentService({ db }).createComment({ postId: post.id, authorId: bob.id, text: "Nice!" });
    const [message] = await new NotificationService({ db }).due();
    if (!message) throw new Error("a comment queues a message to the post's author");
    const delivered: number[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deliver = async (sent: { id: number }) => {
      delivered.push(sent.id);
      await slow;
    };
    // Two connections of the pool, as two consumer processes would have.
    const first = new NotificationService({ db }).deliverOnce(message.id, deliver);
    const second = new NotificationService({ db }).deliverOnce(message.id, deliver);
    // Hold the first delivery until the other one waits on the message's row lock, so the
    // test exercises the lock rather than two deliveries that merely ran one after the other.
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const waiting = await query<{ n: string }>(
          database.url,
          "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if (Number(waiting[0]?.n) > 0) break;
        if (Date.now() > deadline) throw new Error("no delivery waited on the message's row lock within 60 s");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(delivered).toEqual([message.id]);
    } finally {
      release();
    }
    const results = await Promise.all([first, second]);
    expect(delivered).toEqual([message.id]);
    expect(results.filter((result) => result !== undefined).map((result) => result?.id)).toEqual([message.id]);
    expect((await new NotificationService({ db }).getMessage(message.id)).sentAt).not.toBeNull();
    expect(await new NotificationService({ db }).deliverOnce(message.id, deliver)).toBeUndefined();
  }, 120_000);

  it("searches published posts with PostgreSQL full-text search, every word, ranked", async () => {
    const posts = new PostService({ db });
    const [author] = await aliceAndBob();
    // Matches "postgresql" but not "kysely": a search for both words must leave it out.
    await posts.publishPost(
      (await posts.createPost({ title: "Hello, PostgreSQL", content: "First post.", authorId: author.id })).id,
    );
    const draft = await posts.createPost({
      title: "Draft about kysely",
      content: "kysely queries",
      authorId: author.id,
    });
    const kept = await posts.publishPost(
      (await posts.createPost({ title: "Typed queries", content: "Kysely and PostgreSQL", authorId: author.id })).id,
    );
    const search = new SearchService({ db });
    expect(await search.reindex()).toEqual({ indexed: 2, removed: 0 });
    expect((await search.search("kysely postgresql")).map((post) => post.id)).toEqual([kept.id]);
    expect((await search.search("KYSELY")).map((post) => post.id)).toEqual([kept.id]);
    expect(await search.search("kysely & !typed | 'x")).toEqual([]);
    expect(draft.published).toBe(false);
    expect(await search.reindex()).toEqual({ indexed: 0, removed: 0 });
    expect(await search.indexedCount()).toBe(2);
  });

  it("clears every app table and restarts the ids, keeping the migrations", async () => {
    const [author] = await aliceAndBob();
    const posts = new PostService({ db });
    await posts.publishPost((await posts.createPost({ title: "Indexed", content: "Words", authorId: author.id })).id);
    expect(await new SearchService({ db }).reindex()).toEqual({ indexed: 1, removed: 0 });
    await clearData(db);
    expect(await new UserService({ db }).listUsers()).toEqual([]);
    expect(await new SearchService({ db }).indexedCount()).toBe(0);
    const again = await new UserService({ db }).createUser({
      username: "carol",
      email: "carol@example.com",
      fullName: "Carol",
      password: "correct horse battery",
    });
    expect(again.id).toBe(1);
    expect(await migrate(db, "users", userMigrations)).toEqual([]);
  });
});
