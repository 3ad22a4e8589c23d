/**
 * The content indexer in its real child process: after it has run, a word from a
 * published post finds that post and a word from a draft finds nothing.
 */
import { setWorkerLocation } from "spoc/workers";
import { afterEach, beforeEach, expect, it } from "vitest";
import { searchPosts } from "../../apps/blog/views.ts";
import { PostService } from "../../apps/blog/services.ts";
import { ContentIndexerWorker } from "../../apps/blog/workers.ts";
import { UserService } from "../../apps/users/services.ts";
import { waitForHeartbeat } from "../../framework/heartbeat.ts";
import { alice, createTestDatabase, installApp, type TestDatabase } from "./_helpers.ts";

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

it("indexes published posts from its process, so search finds them and never drafts", async () => {
  const author = await new UserService({ db: t.db }).createUser(alice);
  const posts = new PostService({ db: t.db });
  const live = await posts.createPost({
    title: "Getting Started with SPOC",
    content: "Modular monoliths, explained.",
    authorId: author.id,
  });
  await posts.createPost({ title: "Secret draft", content: "Unannounced zeppelin plans.", authorId: author.id });
  await posts.publishPost(live.id);
  expect(await searchPosts({ q: "monoliths" })).toEqual({ status: 200, data: [] });

  setWorkerLocation(ContentIndexerWorker, {
    moduleUrl: new URL("../../apps/blog/workers.ts", import.meta.url).href,
    exportName: "ContentIndexerWorker",
  });
  const worker = new ContentIndexerWorker({ database: t.settings, quiet: true });
  try {
    worker.start();
    expect(worker.pid).not.toBe(process.pid);
    expect(await waitForHeartbeat(t.db, worker.name, { until: worker.join(), timeoutMs: 30_000 })).toEqual({
      passes: 1,
      processed: 1,
    });
    worker.stop();
    expect(await worker.join({ timeoutMs: 10_000 })).toMatchObject({ stopped: true, terminated: false, errors: [] });
  } finally {
    worker.stop();
  }
  expect(worker.context).toEqual({ indexedPosts: 1, removedPosts: 0, passes: 1, failedPasses: 0 });

  const found = await searchPosts({ q: "monoliths" });
  expect(found).toMatchObject({
    status: 200,
    data: [{ id: live.id, title: "Getting Started with SPOC", published: true }],
  });
  expect(await searchPosts({ q: "zeppelin" })).toEqual({ status: 200, data: [] });
  expect(await searchPosts({ q: "draft" })).toEqual({ status: 200, data: [] });
});

it("keeps indexing while the app writes to the same file from another process", async () => {
  const author = await new UserService({ db: t.db }).createUser(alice);
  const posts = new PostService({ db: t.db });
  setWorkerLocation(ContentIndexerWorker, {
    moduleUrl: new URL("../../apps/blog/workers.ts", import.meta.url).href,
    exportName: "ContentIndexerWorker",
  });
  const worker = new ContentIndexerWorker({ database: t.settings, intervalMs: 5, quiet: true });
  try {
    worker.start();
    await waitForHeartbeat(t.db, worker.name, { until: worker.join(), timeoutMs: 30_000 });
    for (let n = 1; n <= 40; n++) {
      const post = await posts.createPost({
        title: `Concurrent post ${n}`,
        content: `word${n} appears here`,
        authorId: author.id,
      });
      await posts.publishPost(post.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const passes = (await waitForHeartbeat(t.db, worker.name, { until: worker.join() }))?.passes ?? 0;
    await waitForHeartbeat(t.db, worker.name, { passes: passes + 2, until: worker.join() });
    worker.stop();
    expect(await worker.join({ timeoutMs: 10_000 })).toMatchObject({ stopped: true, errors: [] });
  } finally {
    worker.stop();
  }
  expect(worker.context.failedPasses).toBe(0);
  expect(worker.context.indexedPosts).toBe(40);
  expect(worker.context.passes).toBeGreaterThan(2);
  expect(await searchPosts({ q: "word40" })).toMatchObject({ status: 200, data: [{ title: "Concurrent post 40" }] });
});
