/**
 * The `queue` section of `npm run bench`: jobs through spoc's queue workers against raw
 * pg-boss on the same throwaway PostgreSQL (test/pg/_server.ts) with the same settings,
 * enqueue → handled latency, and 1 vs 2 consumer processes. Figures come from pg-boss's
 * own timestamps (created_on, started_on, completed_on), so every variant is measured alike.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import PgBoss from "pg-boss";
import { createTestDatabase } from "../test/pg/_db.ts";
import { findPostgresBin, startPostgres } from "../test/pg/_server.ts";
import type { Row } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

const JOBS = 5000;
const CONCURRENCY = 4;
const BATCH = 20;

interface Variant {
  readonly mode: "spoc" | "raw" | "loop";
  readonly processes: number;
}

function startConsumer(mode: string, url: string, queue: string): Promise<ChildProcess> {
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const child = spawn(
    tsx,
    [join(REPO_ROOT, "bench", "queue-consumer.ts"), mode, url, queue, String(CONCURRENCY), String(BATCH)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`consumer exited with ${code}`)));
  });
}

async function stopConsumer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function waitCompleted(client: pg.Client, queue: string, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from pgboss.job where name = $1 and state = 'completed'",
      [queue],
    );
    if (Number(rows[0]?.n) >= count) return;
    if (Date.now() > deadline) throw new Error(`${queue}: not all ${count} jobs completed in 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Jobs/s from the first start to the last completion, pre-enqueued jobs. */
async function throughput(
  boss: PgBoss,
  client: pg.Client,
  url: string,
  variant: Variant,
  run: number,
): Promise<number> {
  const queue = `bench-${variant.mode}-${variant.processes}-${run}`;
  await boss.createQueue(queue);
  for (let i = 0; i < JOBS; i += 1000) {
    await boss.insert(Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ name: queue, data: {} })));
  }
  const children = await Promise.all(
    Array.from({ length: variant.processes }, () => startConsumer(variant.mode, url, queue)),
  );
  try {
    await waitCompleted(client, queue, JOBS);
  } finally {
    await Promise.all(children.map(stopConsumer));
  }
  const { rows } = await client.query<{ seconds: number }>(
    "select extract(epoch from max(completed_on) - min(started_on))::float8 as seconds from pgboss.job where name = $1",
    [queue],
  );
  return JOBS / Number(rows[0]?.seconds);
}

/** Enqueue → completed, for jobs sent one by one at a steady pace to one running consumer. */
async function latency(boss: PgBoss, client: pg.Client, url: string, mode: "spoc" | "raw"): Promise<number[]> {
  const queue = `latency-${mode}`;
  await boss.createQueue(queue);
  const child = await startConsumer(mode, url, queue);
  try {
    for (let i = 0; i < 400; i++) {
      await boss.send(queue, {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitCompleted(client, queue, 400);
  } finally {
    await stopConsumer(child);
  }
  const { rows } = await client.query<{ ms: number }>(
    "select (extract(epoch from completed_on - created_on) * 1000)::float8 as ms from pgboss.job where name = $1 order by 1",
    [queue],
  );
  return rows.map((row) => Number(row.ms));
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** Runs the section and returns its rows. */
export async function benchQueue(runs: number, log: (message: string) => void): Promise<Row[]> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql");
  const server = await startPostgres({ bin });
  const database = await createTestDatabase(server.url);
  const boss = new PgBoss({ connectionString: database.url, supervise: false, schedule: false });
  boss.on("error", () => {});
  const client = new pg.Client({ connectionString: database.url });
  try {
    await boss.start();
    await client.connect();
    const variants: Variant[] = [
      { mode: "spoc", processes: 1 },
      { mode: "raw", processes: 1 },
      { mode: "loop", processes: 1 },
      { mode: "spoc", processes: 2 },
      { mode: "raw", processes: 2 },
      { mode: "loop", processes: 2 },
    ];
    const samples = new Map<string, number[]>();
    // Interleaved, so that the machine's load weighs on every variant alike.
    for (let run = 0; run < runs; run++) {
      for (const variant of variants) {
        const rate = await throughput(boss, client, database.url, variant, run);
        log(`queue ${variant.mode} × ${variant.processes} process(es), run ${run + 1}: ${rate.toFixed(0)} jobs/s`);
        const key = `${variant.mode}-${variant.processes}`;
        samples.set(key, [...(samples.get(key) ?? []), rate]);
      }
    }
    const rate = (key: string): number => median(samples.get(key) ?? []);
    const spocLatency = await latency(boss, client, database.url, "spoc");
    const rawLatency = await latency(boss, client, database.url, "raw");
    const settings = `${JOBS} jobs, ${CONCURRENCY} loops × batch ${BATCH}, poll 500 ms`;
    return [
      {
        section: "queue",
        measure: `jobs/s, 1 consumer process, spoc vs raw pg-boss (${settings})`,
        size: "–",
        median: rate("spoc-1"),
        baseline: rate("raw-1"),
        unit: "count",
        target: "≥ 0.9× raw",
        met: rate("spoc-1") >= 0.9 * rate("raw-1"),
        runs,
      },
      {
        section: "queue",
        measure: "jobs/s, 2 consumer processes, spoc vs raw pg-boss",
        size: "–",
        median: rate("spoc-2"),
        baseline: rate("raw-2"),
        unit: "count",
        target: "≥ 0.9× raw",
        met: rate("spoc-2") >= 0.9 * rate("raw-2"),
        runs,
      },
      {
        section: "queue",
        measure: "jobs/s, 1 process, spoc vs the same fetch-handle-complete loop on pg-boss directly",
        size: "–",
        median: rate("spoc-1"),
        baseline: rate("loop-1"),
        unit: "count",
        target: "≥ 0.9×",
        met: rate("spoc-1") >= 0.9 * rate("loop-1"),
        runs,
      },
      {
        section: "queue",
        measure: "jobs/s, 2 processes, spoc vs that loop",
        size: "–",
        median: rate("spoc-2"),
        baseline: rate("loop-2"),
        unit: "count",
        target: "≥ 0.9×",
        met: rate("spoc-2") >= 0.9 * rate("loop-2"),
        runs,
      },
      {
        section: "queue",
        measure: "jobs/s, spoc: 2 consumer processes vs 1",
        size: "–",
        median: rate("spoc-2"),
        baseline: rate("spoc-1"),
        unit: "count",
        target: "recorded",
        runs,
      },
      {
        section: "queue",
        measure: "enqueue → completed p50, spoc vs raw (400 jobs, 100/s, 1 process)",
        size: "–",
        median: percentile(spocLatency, 50),
        baseline: percentile(rawLatency, 50),
        unit: "ms",
        target: "recorded",
        runs: 1,
      },
      {
        section: "queue",
        measure: "enqueue → completed p99, spoc vs raw",
        size: "–",
        median: percentile(spocLatency, 99),
        baseline: percentile(rawLatency, 99),
        unit: "ms",
        target: "recorded",
        runs: 1,
      },
    ];
  } finally {
    await client.end().catch(() => {});
    await boss.stop({ graceful: false }).catch(() => {});
    await server.stop();
  }
}
