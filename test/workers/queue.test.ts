/**
 * Queue workers without a server: the kind, typed and validated sending, and the
 * `spoc worker` errors a user meets before any connection. test/pg/ runs them for real.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ThreadWorker } from "spoc";
import {
  JobQueue,
  type Job,
  type JobKey,
  type JobPayload,
  type JobsSettings,
  QueueWorker,
  isQueueWorkerClass,
  queueWorker,
  queueWorkersOf,
} from "spoc/workers";
import * as v from "valibot";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { repoRoot, runSpoc } from "../cli/_project.ts";
import { prepareFixture } from "../pg/_consumers.ts";

const postPayload = v.object({ postId: v.number(), author: v.object({ email: v.pipe(v.string(), v.email()) }) });

class IndexPost extends queueWorker({ payload: postPayload, retryLimit: 5 }) {
  override async handle(_job: Job<v.InferOutput<typeof postPayload>>): Promise<void> {}
}
class Cleanup extends queueWorker({ schedule: { everySeconds: 60 } }) {
  override async handle(): Promise<void> {}
}
class Mailer extends ThreadWorker {
  override async main(): Promise<void> {}
}

type Map = {
  workers: { "blog.IndexPost": typeof IndexPost; "blog.Cleanup": typeof Cleanup; "users.Mailer": typeof Mailer };
  services: { "blog.PostService": typeof Object };
};

const unreachable: JobsSettings = { connection: "postgres://nobody@127.0.0.1:1/none", connectTimeoutMs: 500 };

function jobs(settings: () => JobsSettings = () => unreachable): JobQueue<Map> {
  return new JobQueue<Map>(
    queueWorkersOf({ workers: { "blog.IndexPost": IndexPost, "blog.Cleanup": Cleanup, "users.Mailer": Mailer } }),
    settings,
  );
}

describe("the queue worker kind", () => {
  it("tells queue worker classes from other workers and from the bases", () => {
    expect(isQueueWorkerClass(IndexPost)).toBe(true);
    expect(isQueueWorkerClass(Cleanup)).toBe(true);
    expect(isQueueWorkerClass(Mailer)).toBe(false);
    expect(isQueueWorkerClass(QueueWorker)).toBe(false);
    expect(isQueueWorkerClass(queueWorker({}))).toBe(false);
    expect([...queueWorkersOf({ workers: { b: IndexPost, a: Cleanup, c: Mailer } }).keys()]).toEqual(["a", "b"]);
    expect(IndexPost.queueOptions).toEqual({ retryLimit: 5 });
  });

  it("types send from the component map: keys of queue workers only, each with its payload", () => {
    expectTypeOf<JobKey<Map>>().toEqualTypeOf<"blog.IndexPost" | "blog.Cleanup">();
    expectTypeOf<JobPayload<Map, "blog.IndexPost">>().toEqualTypeOf<{ postId: number; author: { email: string } }>();
    expectTypeOf<JobPayload<Map, "blog.Cleanup">>().toEqualTypeOf<Record<string, never>>();
    const queue = jobs();
    const check = () => {
      // @ts-expect-error a thread worker is not a queue
      void queue.send("users.Mailer", {});
      // @ts-expect-error no such component
      void queue.send("blog.Nope", {});
      // @ts-expect-error postId must be a number
      void queue.send("blog.IndexPost", { postId: "7", author: { email: "a@b.c" } });
      // @ts-expect-error author is missing
      void queue.send("blog.IndexPost", { postId: 7 });
    };
    expect(check).toBeTypeOf("function");
  });

  it("rejects an invalid payload at send, naming the field, before connecting", async () => {
    const sending = jobs().send("blog.IndexPost", { postId: 7, author: { email: "not an address" } });
    await expect(sending).rejects.toMatchObject({
      code: "SPOC210",
      message: expect.stringMatching(/^invalid payload for job "blog\.IndexPost": author\.email: Invalid email/),
      hint: 'fix the field "author.email" of the payload passed to jobs.send("blog.IndexPost", …); its schema is the worker\'s payload',
    });
  });

  it("refuses a key that is not a queue worker when types were bypassed", async () => {
    await expect(jobs().send("users.Mailer" as never, {} as never)).rejects.toMatchObject({
      code: "SPOC122",
      message: '"users.Mailer" is not a queue worker of an installed app; known: blog.Cleanup, blog.IndexPost',
      hint: "send to the key of a queue worker (a class extending queueWorker(…) in an app's workers module), and run `npx spoc gen` after adding one",
    });
  });

  it("says how to configure a queue when settings.jobs is missing", async () => {
    const { jobsSettingsOf } = await import("../../src/workers/queue/connection.ts");
    const sending = jobs(() => jobsSettingsOf({})).send("blog.Cleanup", {});
    await expect(sending).rejects.toMatchObject({
      code: "SPOC120",
      message: "no job queue is configured: settings.jobs is not set",
      hint: expect.stringMatching(/^set jobs: \{ connection: "postgres:\/\/…" \} in config\/settings\.ts/),
    });
  });

  it("says how to write a connection that is neither a URL nor its parts", async () => {
    const { jobsSettingsOf } = await import("../../src/workers/queue/connection.ts");
    expect(() => jobsSettingsOf({ jobs: { connection: 5432 } })).toThrow(
      expect.objectContaining({
        code: "SPOC120",
        hint: 'write jobs: { connection: "postgres://user:password@host:5432/database" }, or the same parts as an object',
      }),
    );
  });

  it("names host and port when PostgreSQL is not there", async () => {
    const sending = jobs().send("blog.Cleanup", {});
    await expect(sending).rejects.toMatchObject({
      code: "SPOC121",
      message: expect.stringContaining("cannot connect to PostgreSQL at 127.0.0.1:1/none for the job queue"),
    });
  });
});

describe("spoc worker, before it connects", () => {
  const fixture = join(repoRoot, "test", "fixtures", "queue-project");
  beforeAll(prepareFixture);

  it("refuses a bad --concurrency with the usage", async () => {
    const run = await runSpoc(["worker", "--root", fixture, "--concurrency", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('spoc: worker: --concurrency must be a positive integer, got "0"');
  });

  it("says which queue workers exist when the filter matches none", async () => {
    const run = await runSpoc(["worker", "--root", fixture, "--app", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "SPOC212 no queue worker to consume for --app nope; the installed apps' queue workers: effects.RecordEffect, effects.Tick",
    );
    expect(run.stderr).toContain(
      "hint: declare one in an app's workers module (`@worker export class X extends queueWorker({ … })`) and run `npx spoc gen`, or fix the filter",
    );
  });

  it("says to generate the registry when a project has none yet", async () => {
    const root = await mkdtemp(join(tmpdir(), "spoc-worker-"));
    try {
      await mkdir(join(root, "config"));
      await writeFile(join(root, "config", "schema.ts"), "");
      const run = await runSpoc(["worker", "--root", root]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `SPOC140 spoc worker needs ${join(root, "generated", "registry.ts")}, which does not exist: the registry was never generated`,
      );
      expect(run.stderr).toContain("hint: run `npx spoc gen` in the project root first");
      expect(run.stderr).not.toContain("SPOC104");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("says where to run it from when the folder is not a project root", async () => {
    const root = await mkdtemp(join(tmpdir(), "spoc-worker-"));
    try {
      const run = await runSpoc(["worker", "--root", root]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `SPOC140 spoc worker needs ${join(root, "config", "schema.ts")}, which does not exist`,
      );
      expect(run.stderr).toContain(
        "hint: run spoc worker in the project root (the folder with config/schema.ts), or pass --root <dir>",
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
