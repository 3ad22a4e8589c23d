/**
 * QueueConsumer and JobQueue used directly, as from a user's own entry (no registry):
 * batches, retries after a throwing handler, and the abort signal of an expired job.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Job, JobQueue, QueueConsumer, type QueueWorkerClass, queueWorker } from "spoc/workers";
import * as v from "valibot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "./_consumers.ts";
import { createTestDatabase, type TestDatabase } from "./_db.ts";
import { describePg, sharedServerUrl } from "./_pg.ts";

const seen: { batches: number[]; attempts: Map<number, number[]>; aborted: string[] } = {
  batches: [],
  attempts: new Map(),
  aborted: [],
};
const numbered = v.object({ n: v.number() });

class InBatches extends queueWorker({ payload: numbered, batchSize: 5 }) {
  override async handle(): Promise<void> {
    throw new Error("handleBatch takes the jobs");
  }
  override async handleBatch(jobs: readonly Job<{ n: number }>[]): Promise<void> {
    seen.batches.push(jobs.length);
  }
}

class FailsFirst extends queueWorker({ payload: numbered, retryDelaySeconds: 1, retryBackoff: false }) {
  override async handle(job: Job<{ n: number }>): Promise<void> {
    seen.attempts.set(job.payload.n, [...(seen.attempts.get(job.payload.n) ?? []), job.attempt]);
    if (job.attempt === 1) throw new Error("the first attempt fails");
  }
}

class Slow extends queueWorker({ expireInSeconds: 1, retryLimit: 0 }) {
  override async handle(job: Job<Record<string, never>>, signal: AbortSignal): Promise<void> {
    try {
      await sleep(30_000, undefined, { signal });
    } catch (error) {
      seen.aborted.push(`${job.key}: ${(signal.reason as Error).message}`);
      throw error;
    }
  }
}

const workers = new Map<string, QueueWorkerClass>([
  ["t.InBatches", InBatches],
  ["t.FailsFirst", FailsFirst],
  ["t.Slow", Slow],
]);
type TestMap = {
  workers: { "t.InBatches": typeof InBatches; "t.FailsFirst": typeof FailsFirst; "t.Slow": typeof Slow };
};

describePg("QueueConsumer in process", () => {
  let database: TestDatabase;
  let consumer: QueueConsumer;
  let jobs: JobQueue<TestMap>;

  beforeAll(async () => {
    database = await createTestDatabase(sharedServerUrl());
    const settings = { connection: database.url, pollIntervalMs: 100, maintenanceIntervalSeconds: 1 };
    jobs = new JobQueue<TestMap>(workers, () => settings);
    // Sent before the consumer starts, so that one fetch finds a full batch.
    for (let n = 0; n < 10; n++) await jobs.send("t.InBatches", { n });
    consumer = await QueueConsumer.start({ jobs: settings, workers, settings: {}, concurrency: 1, log: () => {} });
  });

  afterAll(async () => {
    await consumer?.stop();
    await jobs?.stop();
    await database?.drop();
  });

  it("hands a worker with handleBatch its jobs together, batchSize at most", async () => {
    await waitFor(() => seen.batches.reduce((sum, size) => sum + size, 0) === 10);
    expect(seen.batches).toEqual([5, 5]);
  });

  it("retries a job whose handler threw, with its attempt number", async () => {
    await jobs.send("t.FailsFirst", { n: 1 });
    await waitFor(() => seen.attempts.get(1)?.length === 2);
    expect(seen.attempts.get(1)).toEqual([1, 2]);
    expect(consumer.counts.failed).toBeGreaterThanOrEqual(1);
  });

  it("aborts the signal of a job that runs past expireInSeconds", async () => {
    await jobs.send("t.Slow", {});
    await waitFor(() => seen.aborted.length === 1);
    expect(seen.aborted).toEqual(["t.Slow: the job expired after 1000 ms"]);
  });
});
