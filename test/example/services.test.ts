import { sql } from "kysely";
import { ConfigError } from "spoc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrations as blogMigrations } from "../../apps/blog/models.ts";
import { CommentService, PostService, SearchService, slugify } from "../../apps/blog/services.ts";
import { migrations as userMigrations } from "../../apps/users/models.ts";
import { NotificationService, UserService, retryDelayMs } from "../../apps/users/services.ts";
import { migrate, openDatabase } from "../../framework/database.ts";
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from "../../framework/errors.ts";
import { alice, bob, createTestDatabase, type TestDatabase } from "./_helpers.ts";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.close();
});

describe("database", () => {
  it("opens SQLite in WAL mode with foreign keys on", async () => {
    const { rows: journal } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.db);
    const { rows: keys } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(t.db);
    expect(journal[0]?.journal_mode).toBe("wal");
    expect(keys[0]?.foreign_keys).toBe(1);
  });

  it("runs each migration once", async () => {
    expect(await migrate(t.db, "users", userMigrations)).toEqual([]);
    expect(await migrate(t.db, "blog", blogMigrations)).toEqual([]);
    const { rows } = await sql<{
      app: string;
      name: string;
    }>`select app, name from schema_migrations order by app, name`.execute(t.db);
    expect(rows.map((row) => `${row.app}.${row.name}`)).toEqual([
      "blog.0001_create_posts_and_comments",
      "blog.0002_create_post_search",
      "framework.0001_create_worker_heartbeats",
      "users.0001_create_users",
      "users.0002_create_email_outbox",
    ]);
  });

  it("refuses an engine it does not support, naming DB_ENGINE", () => {
    expect(() => openDatabase({ engine: "mysql", name: "blog" })).toThrow(ConfigError);
    expect(() => openDatabase({ engine: "mysql", name: "blog" })).toThrow(
      'database engine "mysql" (DB_ENGINE) is not supported; supported: sqlite, postgres',
    );
  });
});

describe("UserService", () => {
  it("creates a user with an empty profile, and gets and lists users", async () => {
    const users = new UserService({ db: t.db });
    const created = await users.createUser(alice);
    expect(created).toMatchObject({
      id: 1,
      username: "alice",
      email: "alice@example.com",
      fullName: "Alice Johnson",
      isActive: true,
    });
    expect(await users.getUser(created.id)).toEqual(created);
    expect(await users.getProfile(created.id)).toMatchObject({ userId: 1, bio: "", website: "" });
    await users.createUser(bob);
    expect((await users.listUsers()).map((user) => user.username)).toEqual(["alice", "bob"]);
  });

  it("normalises the email address", async () => {
    const user = await new UserService({ db: t.db }).createUser({ ...alice, email: "  Alice@Example.COM " });
    expect(user.email).toBe("alice@example.com");
  });

  it.each([
    ["a duplicate username, in any case", { ...bob, username: "ALICE" }, ConflictError, "username"],
    ["a duplicate email", { ...bob, email: "alice@example.com" }, ConflictError, "email"],
    ["an invalid email", { ...bob, email: "bob@nowhere" }, ValidationError, "email"],
    ["an email with a space", { ...bob, email: "bob smith@example.com" }, ValidationError, "email"],
    ["a username with spaces", { ...bob, username: "bob smith" }, ValidationError, "username"],
    ["an empty name", { ...bob, fullName: "  " }, ValidationError, "fullName"],
    ["a short password", { ...bob, password: "short" }, ValidationError, "password"],
  ])("rejects %s and writes nothing", async (_, input, ErrorClass, field) => {
    const users = new UserService({ db: t.db });
    await users.createUser(alice);
    const error = await users.createUser(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ field });
    expect(await t.count("users")).toBe(1);
    expect(await t.count("user_profiles")).toBe(1);
  });

  it("authenticates active users only, with one message for every failure", async () => {
    const users = new UserService({ db: t.db });
    const user = await users.createUser(alice);
    expect(await users.authenticate("alice", alice.password)).toEqual(user);
    await expect(users.authenticate("alice", "wrong password")).rejects.toThrow(AuthenticationError);
    await expect(users.authenticate("nobody", alice.password)).rejects.toThrow(AuthenticationError);
    await users.deactivateUser(user.id);
    await expect(users.authenticate("alice", alice.password)).rejects.toThrow(
      "invalid username or password, or the account is inactive",
    );
  });

  it("updates profiles and refuses a URL that is not http(s)", async () => {
    const users = new UserService({ db: t.db });
    const user = await users.createUser(alice);
    const profile = await users.updateProfile(user.id, {
      bio: "Writes about SPOC",
      website: "https://alice.example.com",
    });
    expect(profile).toMatchObject({ bio: "Writes about SPOC", website: "https://alice.example.com/" });
    await expect(users.updateProfile(user.id, { website: "javascript:alert(1)" })).rejects.toMatchObject({
      field: "website",
    });
    await expect(users.getProfile(99)).rejects.toThrow(NotFoundError);
  });
});

describe("PostService", () => {
  it("creates drafts with unique URL-safe slugs", async () => {
    const author = await new UserService({ db: t.db }).createUser(alice);
    const posts = new PostService({ db: t.db });
    const first = await posts.createPost({ title: "Hello, World!", content: "one", authorId: author.id });
    const second = await posts.createPost({ title: "hello world", content: "two", authorId: author.id });
    const third = await posts.createPost({ title: "Hello   World?", content: "three", authorId: author.id });
    expect([first.slug, second.slug, third.slug]).toEqual(["hello-world", "hello-world-2", "hello-world-3"]);
    expect(first.published).toBe(false);
    expect(await posts.getPostBySlug("hello-world-2")).toEqual(second);
  });

  it("slugifies accents, symbols and long titles", () => {
    expect(slugify("Crème brûlée à la SPOC")).toBe("creme-brulee-a-la-spoc");
    expect(slugify("!!!")).toBe("post");
    expect(slugify("x".repeat(300))).toHaveLength(80);
  });

  it("publishes, lists published or all, and gets posts", async () => {
    const author = await new UserService({ db: t.db }).createUser(alice);
    const posts = new PostService({ db: t.db });
    const draft = await posts.createPost({ title: "Draft", content: "not yet", authorId: author.id });
    const live = await posts.createPost({ title: "Live", content: "out now", authorId: author.id });
    const published = await posts.publishPost(live.id);
    expect(published).toMatchObject({ published: true });
    expect(published.publishedAt).not.toBeNull();
    expect(await posts.publishPost(live.id)).toEqual(published);
    expect((await posts.listPosts()).map((post) => post.id)).toEqual([draft.id, live.id]);
    expect((await posts.listPosts({ publishedOnly: true })).map((post) => post.id)).toEqual([live.id]);
    await expect(posts.getPost(42)).rejects.toThrow("post 42 does not exist");
    await expect(posts.publishPost(42)).rejects.toThrow(NotFoundError);
  });

  it.each([
    ["an empty title", { title: "   ", content: "text" }, ValidationError, "title"],
    ["an empty content", { title: "Title", content: "" }, ValidationError, "content"],
    ["an over-long title", { title: "t".repeat(201), content: "text" }, ValidationError, "title"],
    ["a title of two lines", { title: "Hello\nBcc: x@example.com", content: "text" }, ValidationError, "title"],
    ["an unknown author", { title: "Title", content: "text", authorId: 99 }, NotFoundError, "authorId"],
  ])("rejects %s and writes nothing", async (_, input, ErrorClass, field) => {
    const author = await new UserService({ db: t.db }).createUser(alice);
    const error = await new PostService({ db: t.db })
      .createPost({ authorId: author.id, ...input })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ field });
    expect(await t.count("posts")).toBe(0);
  });
});

describe("CommentService", () => {
  async function setup() {
    const users = new UserService({ db: t.db });
    const author = await users.createUser(alice);
    const reader = await users.createUser(bob);
    const post = await new PostService({ db: t.db }).createPost({
      title: "Getting Started with SPOC",
      content: "…",
      authorId: author.id,
    });
    return { author, reader, post, comments: new CommentService({ db: t.db }) };
  }

  it("notifies the post's author through the outbox when someone else comments", async () => {
    const { reader, post, comments } = await setup();
    const comment = await comments.createComment({ postId: post.id, authorId: reader.id, text: "Great article!" });
    expect(comment).toMatchObject({ postId: post.id, authorId: reader.id, text: "Great article!", approved: false });
    const outbox = await new NotificationService({ db: t.db }).listMessages();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      recipient: "alice@example.com",
      subject: 'New comment on "Getting Started with SPOC"',
      sentAt: null,
      attempts: 0,
    });
    expect(outbox[0]?.body).toContain("Great article!");
  });

  it("does not notify authors of their own comments", async () => {
    const { author, post, comments } = await setup();
    await comments.createComment({ postId: post.id, authorId: author.id, text: "Thanks!" });
    expect(await t.count("email_outbox")).toBe(0);
  });

  it.each([
    ["a missing post", { postId: 99 }, NotFoundError, "postId"],
    ["a missing author", { authorId: 99 }, NotFoundError, "authorId"],
    ["an empty text", { text: "  " }, ValidationError, "text"],
  ])("rejects a comment on %s and writes nothing", async (_, change, ErrorClass, field) => {
    const { reader, post, comments } = await setup();
    const input = { postId: post.id, authorId: reader.id, text: "Hello", ...change };
    const error = await comments.createComment(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ field });
    expect(await t.count("comments")).toBe(0);
    expect(await t.count("email_outbox")).toBe(0);
  });

  it("keeps no comment when its notification cannot be written", async () => {
    const { reader, post, comments } = await setup();
    await sql`create trigger outbox_down before insert on email_outbox begin select raise(abort, 'outbox down'); end`.execute(
      t.db,
    );
    await expect(comments.createComment({ postId: post.id, authorId: reader.id, text: "Hello" })).rejects.toThrow(
      "outbox down",
    );
    expect(await t.count("comments")).toBe(0);
  });

  it("approves comments and lists them per post", async () => {
    const { author, reader, post, comments } = await setup();
    const first = await comments.createComment({ postId: post.id, authorId: reader.id, text: "First" });
    await comments.createComment({ postId: post.id, authorId: author.id, text: "Second" });
    expect(await comments.approveComment(first.id)).toMatchObject({ approved: true });
    expect((await comments.getCommentsForPost(post.id)).map((c) => c.text)).toEqual(["First", "Second"]);
    expect((await comments.getCommentsForPost(post.id, { approvedOnly: true })).map((c) => c.text)).toEqual(["First"]);
    await expect(comments.approveComment(99)).rejects.toThrow(NotFoundError);
    await expect(comments.getCommentsForPost(99)).rejects.toThrow(NotFoundError);
  });
});

describe("NotificationService", () => {
  it("records failures with a doubling, capped delay and delivers each message once", async () => {
    const outbox = new NotificationService({ db: t.db });
    const message = await outbox.enqueue({ to: "Carol@Example.com", subject: "Hi", body: "Hello" });
    expect(message.recipient).toBe("carol@example.com");
    expect(await outbox.due()).toHaveLength(1);
    const delay = await outbox.markFailed(message.id, "connection refused", { baseMs: 1000, maxMs: 5000 });
    expect(delay).toBe(1000);
    expect(await outbox.due()).toHaveLength(0);
    expect(await outbox.due(50, new Date(Date.now() + 1500))).toHaveLength(1);
    expect(await outbox.getMessage(message.id)).toMatchObject({
      attempts: 1,
      lastError: "connection refused",
      sentAt: null,
    });
    expect(await outbox.markSent(message.id)).toBe(true);
    expect(await outbox.markSent(message.id)).toBe(false);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it("backs off exponentially up to the cap", () => {
    const policy = { baseMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, policy))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it("rejects an invalid recipient or a subject with a line break", async () => {
    const outbox = new NotificationService({ db: t.db });
    await expect(outbox.enqueue({ to: "nobody", subject: "Hi", body: "" })).rejects.toMatchObject({ field: "to" });
    await expect(outbox.enqueue({ to: "a@b.co", subject: "Hi\r\nBcc: x@y.z", body: "" })).rejects.toMatchObject({
      field: "subject",
    });
    expect(await t.count("email_outbox")).toBe(0);
  });
});

describe("SearchService", () => {
  it("indexes published posts only, incrementally, and finds them by word", async () => {
    const author = await new UserService({ db: t.db }).createUser(alice);
    const posts = new PostService({ db: t.db });
    const search = new SearchService({ db: t.db });
    const live = await posts.createPost({
      title: "Getting Started with SPOC",
      content: "Modular monoliths, explained.",
      authorId: author.id,
    });
    await posts.createPost({ title: "Secret draft", content: "Unannounced zeppelin plans.", authorId: author.id });
    await posts.publishPost(live.id);

    expect(await search.reindex()).toEqual({ indexed: 1, removed: 0 });
    expect(await search.reindex()).toEqual({ indexed: 0, removed: 0 });
    expect((await search.search("MODULAR")).map((post) => post.id)).toEqual([live.id]);
    expect(await search.search("zeppelin")).toEqual([]);
    expect(await search.search('"modular" (monoliths*')).toHaveLength(1);
    await expect(search.search(" *** ")).rejects.toMatchObject({ field: "q" });

    await t.db.deleteFrom("posts").where("id", "=", live.id).execute();
    expect(await search.reindex()).toEqual({ indexed: 0, removed: 1 });
    expect(await search.search("modular")).toEqual([]);
  });
});
