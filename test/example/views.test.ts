import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addComment,
  approveComment,
  createPost,
  getPost,
  listComments,
  listPosts,
  publishPost,
  searchPosts,
} from "../../apps/blog/views.ts";
import { SearchService } from "../../apps/blog/services.ts";
import { getProfile, loginUser, registerUser, updateProfile } from "../../apps/users/views.ts";
import { alice, bob, createTestDatabase, installApp, type TestDatabase } from "./_helpers.ts";

let t: TestDatabase;
let uninstall: () => void;
beforeEach(async () => {
  t = await createTestDatabase();
  uninstall = installApp(t.db);
});
afterEach(async () => {
  uninstall();
  await t.close();
});

describe("users views", () => {
  it("registers, logs in and shows profiles", async () => {
    const registered = await registerUser(alice);
    expect(registered).toMatchObject({ status: 201, data: { id: 1, username: "alice", email: "alice@example.com" } });
    expect(registered).not.toHaveProperty("data.passwordHash");
    expect(await loginUser({ username: "alice", password: alice.password })).toMatchObject({
      status: 200,
      data: { id: 1 },
    });
    expect(await updateProfile({ userId: 1, bio: "Hi" })).toMatchObject({ status: 200, data: { bio: "Hi" } });
    expect(await getProfile({ userId: "1" })).toMatchObject({
      status: 200,
      data: { user: { username: "alice" }, profile: { userId: 1, bio: "Hi" } },
    });
  });

  it.each([
    ["a body that is not an object", "alice", 400, "validation_failed", "input"],
    ["a missing field", { ...alice, email: undefined }, 400, "validation_failed", "email"],
    ["a field of the wrong type", { ...alice, username: 42 }, 400, "validation_failed", "username"],
    ["an invalid email", { ...alice, email: "alice-at-example.com" }, 400, "validation_failed", "email"],
    ["a duplicate username", { ...bob, username: "alice" }, 409, "conflict", "username"],
    ["a duplicate email", { ...bob, email: "alice@example.com" }, 409, "conflict", "email"],
  ])("answers registration with %s by an error", async (_, input, status, code, field) => {
    await registerUser(alice);
    const response = await registerUser(input);
    expect(response).toMatchObject({ status, error: { code, field } });
    expect(response).not.toHaveProperty("data");
    expect(await t.count("users")).toBe(1);
  });

  it("keeps passwords exactly as typed, spaces included", async () => {
    await registerUser({ ...alice, password: "  spaced out  " });
    expect(await loginUser({ username: "alice", password: "  spaced out  " })).toMatchObject({ status: 200 });
    expect(await loginUser({ username: "alice", password: "spaced out" })).toMatchObject({ status: 401 });
  });

  it("answers bad credentials with 401 and unknown users with 404", async () => {
    await registerUser(alice);
    expect(await loginUser({ username: "alice", password: "nope" })).toMatchObject({
      status: 401,
      error: { code: "authentication_failed" },
    });
    expect(await getProfile({ userId: 7 })).toEqual({
      status: 404,
      error: { code: "not_found", message: "user 7 does not exist", field: "userId" },
    });
    expect(await getProfile({ userId: -1 })).toMatchObject({ status: 400, error: { field: "userId" } });
  });
});

describe("blog views", () => {
  beforeEach(async () => {
    await registerUser(alice);
    await registerUser(bob);
  });

  it("creates, publishes, gets and lists posts", async () => {
    const created = await createPost({ title: "Getting Started with SPOC", content: "SPOC is modular.", authorId: 1 });
    expect(created).toMatchObject({
      status: 201,
      data: { id: 1, slug: "getting-started-with-spoc", published: false },
    });
    expect(await listPosts()).toEqual({ status: 200, data: [] });
    expect(await publishPost({ postId: 1 })).toMatchObject({ status: 200, data: { published: true } });
    expect(await listPosts()).toMatchObject({ status: 200, data: [{ id: 1 }] });
    expect(await getPost({ slug: "getting-started-with-spoc" })).toMatchObject({ status: 200, data: { id: 1 } });
    expect(await getPost({ postId: 2 })).toMatchObject({ status: 404, error: { field: "postId" } });
  });

  it("answers an empty title with 400 and writes nothing", async () => {
    const response = await createPost({ title: "  ", content: "text", authorId: 1 });
    expect(response).toEqual({
      status: 400,
      error: { code: "validation_failed", message: "title must not be empty", field: "title" },
    });
    expect(await t.count("posts")).toBe(0);
  });

  it("adds, approves and lists comments, and queues the author's notification", async () => {
    await createPost({ title: "Hello", content: "World", authorId: 1 });
    expect(await addComment({ postId: 1, authorId: 2, text: "Nice!" })).toMatchObject({
      status: 201,
      data: { id: 1, approved: false },
    });
    expect(await listComments({ postId: 1 })).toEqual({ status: 200, data: [] });
    expect(await approveComment({ commentId: 1 })).toMatchObject({ status: 200, data: { approved: true } });
    expect(await listComments({ postId: 1 })).toMatchObject({ status: 200, data: [{ text: "Nice!" }] });
    expect(await t.count("email_outbox")).toBe(1);
  });

  it("answers a comment on a missing post with 404 and writes nothing", async () => {
    const response = await addComment({ postId: 99, authorId: 2, text: "Hello?" });
    expect(response).toEqual({
      status: 404,
      error: { code: "not_found", message: "post 99 does not exist", field: "postId" },
    });
    expect(await t.count("comments")).toBe(0);
    expect(await t.count("email_outbox")).toBe(0);
  });

  it("answers malformed comment input with 400", async () => {
    expect(await addComment({ postId: "abc", authorId: 2, text: "x" })).toMatchObject({
      status: 400,
      error: { field: "postId" },
    });
    expect(await addComment({ postId: 1, authorId: 2 })).toMatchObject({ status: 400, error: { field: "text" } });
    expect(await approveComment({ commentId: 5 })).toMatchObject({ status: 404, error: { field: "commentId" } });
  });

  it("searches published posts, never drafts", async () => {
    await createPost({ title: "Published post", content: "Modular monoliths with SPOC.", authorId: 1 });
    await createPost({ title: "Draft post", content: "Secret zeppelin plans.", authorId: 1 });
    await publishPost({ postId: 1 });
    await new SearchService({ db: t.db }).reindex();
    expect(await searchPosts({ q: "monoliths" })).toMatchObject({ status: 200, data: [{ id: 1 }] });
    expect(await searchPosts({ q: "zeppelin" })).toEqual({ status: 200, data: [] });
    expect(await searchPosts({ q: "" })).toMatchObject({ status: 400, error: { field: "q" } });
    expect(await searchPosts({ q: "?!" })).toMatchObject({ status: 400, error: { field: "q" } });
  });
});
