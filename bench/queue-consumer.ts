/**
 * One consumer process of the queue benchmark, until SIGTERM:
 *
 *   tsx bench/queue-consumer.ts spoc|raw|loop <postgres-url> <queue> <concurrency> <batchSize>
 *
 * `spoc` runs a no-op queue worker through spoc's QueueConsumer; `raw` runs the same no-op
 * handler through pg-boss's own `work()`, with the same pool, polling interval, batch size
 * and number of loops; `loop` is spoc's algorithm written directly on pg-boss (fetch, handle,
 * complete; wait only when the queue is empty), so spoc's own cost shows against it.
 * Prints "ready" once it consumes, and on SIGTERM "cpu <ms>", its CPU time since then.
 */
import PgBoss from "pg-boss";
import { QueueConsumer, queueWorker } from "../src/workers/index.ts";

const [mode, url = "", queue = "", concurrencyText = "1", batchText = "1"] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const batchSize = Number(batchText);
export const POLL_MS = 500;

class Noop extends queueWorker({ queue, batchSize }) {
  override async handle(): Promise<void> {}
}

async function spoc(): Promise<() => Promise<unknown>> {
  const consumer = await QueueConsumer.start({
    jobs: { connection: url, pollIntervalMs: POLL_MS, poolSize: 10 },
    workers: new Map([["bench.Noop", Noop]]),
    settings: {},
    concurrency,
    log: () => {},
  });
  return () => consumer.stop();
}

async function raw(): Promise<() => Promise<unknown>> {
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: true, schedule: true });
  boss.on("error", () => {});
  await boss.start();
  for (let i = 0; i < concurrency; i++) {
    await boss.work(queue, { batchSize, pollingIntervalSeconds: POLL_MS / 1000 }, async () => {});
  }
  return () => boss.stop({ graceful: true, timeout: 5000 });
}

const noop = async (_job: unknown): Promise<void> => {};

async function loop(): Promise<() => Promise<unknown>> {
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: true, schedule: true });
  boss.on("error", () => {});
  await boss.start();
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const jobs = await boss.fetch(queue, { batchSize, includeMetadata: true });
      if (jobs.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      for (const job of jobs) await noop(job);
      await boss.complete(
        queue,
        jobs.map((job) => job.id),
      );
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
    await boss.stop({ graceful: false });
  };
}

const stop = await (mode === "raw" ? raw() : mode === "loop" ? loop() : spoc());
const ready = process.cpuUsage();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  // CPU time spent consuming (start-up excluded): what this process costs per job, which
  // other load on the machine disturbs less than the wall-clock rate.
  const { user, system } = process.cpuUsage(ready);
  process.stdout.write(`cpu ${(user + system) / 1000}\n`);
  void stop().then(() => process.exit(0));
});
