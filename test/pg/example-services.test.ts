/**
 * The example's services on PostgreSQL: each app's PostgreSQL migrations
 * (apps/<app>/migrations/postgres.ts) run through the same `migrate()`, and users, posts and
 * comments (with the notification queued in the same transaction) work as on SQLite.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { postgresMigrations as blogMigrations } from "../../apps/blog/models.ts";
import { CommentService, PostService, SearchService } from "../../apps/blog/services.ts";
import { postgresMigrations as userMigrations } from "../../apps/users/models.ts";
import { NotificationService, UserService } from "../../apps/users/services.ts";
import {
  clearData,
  closeDatabase,
  type Database,
  isPostgres,
  migrate,
  openDatabase,
} from "../../framework/database.ts";
import { frameworkMigrations } from "../../framework/heartbeat.ts";
import { createTestDatabase, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

describePg("the example's services on PostgreSQL", () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase(sharedServerUrl());
    db = openDatabase({ engine: "postgres", url: database.url, name: database.name });
  });
  afterAll(async () => {
    if (db) await closeDatabase(db);
    await database?.drop();
  });

  it("runs every app's PostgreSQL migrations once", async () => {
    expect(isPostgres(db)).toBe(true);
    expect(await migrate(db, "framework", frameworkMigrations)).toEqual(["0001_create_worker_heartbeats"]);
    expect(await migrate(db, "users", userMigrations)).toEqual(["0001_create_users", "0002_create_email_outbox"]);
    expect(await migrate(db, "blog", blogMigrations)).toEqual([
      "0001_create_posts_and_comments",
      "0002_create_post_search",
    ]);
    expect(await migrate(db, "blog", blogMigrations)).toEqual([]);
  });

  it("registers users, writes and publishes posts, and queues the comment's email in its transaction", async () => {
    const users = new UserService({ db });
    const alice = await users.createUser({
      username: "alice",
      email: "alice@example.com",
      fullName: "Alice",
      password: "correct horse battery",
    });
    const bob = await users.createUser({
      username: "bob",
      email: "bob@example.com",
      fullName: "Bob",
      password: "correct horse battery",
    });
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

    await expect(
      new CommentService({ db }).createComment({ postId: 999, authorId: bob.id, text: "Lost" }),
    ).rejects.toThrow();
    expect(await new NotificationService({ db }).due()).toHaveLength(1);
  });

  it("searches published posts with PostgreSQL full-text search, every word, ranked", async () => {
    const posts = new PostService({ db });
    const [author] = await new UserService({ db }).listUsers();
    if (!author) throw new Error("the previous test registers users");
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
