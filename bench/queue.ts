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
import { type Row, TSX } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

/** Jobs per throughput run: enough for a few seconds of consuming, so start and end weigh little. */
const JOBS = 20_000;
/**
 * pg-boss's `work()` takes one batch per loop per polling interval (4 × 20 / 0.5 s = 160
 * jobs/s), whatever the job count: fewer jobs measure the same rate in less time.
 */
const RAW_JOBS = 2000;
const CONCURRENCY = 4;
const BATCH = 20;

interface Variant {
  readonly mode: "spoc" | "raw" | "loop";
  readonly processes: number;
}

interface Consumer {
  readonly child: ChildProcess;
  /** What the child printed on stdout so far. */
  readonly output: () => string;
}

function startConsumer(mode: string, url: string, queue: string): Promise<Consumer> {
  // One node process with the tsx loader (not the tsx CLI, which wraps it in a second
  // process and relays signals): SIGTERM reaches the consumer itself.
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX,
      join(REPO_ROOT, "bench", "queue-consumer.ts"),
      mode,
      url,
      queue,
      String(CONCURRENCY),
      String(BATCH),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready")) resolve({ child, output: () => output });
    });
    child.once("exit", (code) => reject(new Error(`consumer exited with ${code}`)));
  });
}

/** Stops a consumer and returns the CPU time (ms) it spent consuming. */
async function stopConsumer({ child, output }: Consumer): Promise<number> {
  // "close", not "exit": the last lines of stdout may arrive after the exit.
  const closed = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGTERM");
  await closed;
  const cpu = /^cpu ([\d.]+)$/m.exec(output());
  if (!cpu) throw new Error(`the consumer did not report its CPU time:\n${output()}`);
  return Number(cpu[1]);
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

/** The table pg-boss 10 keeps a queue's jobs in. */
async function partitionOf(client: pg.Client, queue: string): Promise<string> {
  const { rows } = await client.query<{ partition: string }>(
    "select partition_name as partition from pgboss.queue where name = $1",
    [queue],
  );
  const partition = rows[0]?.partition;
  if (!partition) throw new Error(`pg-boss has no table for the queue ${queue}`);
  return partition;
}

/**
 * Brings the database to the same state before every variant: the new queue's jobs vacuumed
 * and analysed, dirty pages written, and no autovacuum at work. Without it, whichever
 * variant ran right after a busy one paid for the vacuum of the other's table.
 */
async function settle(client: pg.Client, queue: string): Promise<void> {
  await client.query(`vacuum analyze pgboss.${client.escapeIdentifier(await partitionOf(client, queue))}`);
  await client.query("checkpoint");
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows: busy } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'",
    );
    if ((busy[0]?.n ?? 0) === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Throughput {
  readonly jobsPerSecond: number;
  /** CPU time of the consumer process(es) while consuming, per 1000 jobs. */
  readonly cpuMsPer1000: number;
}

/** Jobs/s from the first start to the last completion, pre-enqueued jobs. */
async function throughput(
  boss: PgBoss,
  client: pg.Client,
  url: string,
  variant: Variant,
  run: number,
): Promise<Throughput> {
  const queue = `bench-${variant.mode}-${variant.processes}-${run}`;
  const jobs = variant.mode === "raw" ? RAW_JOBS : JOBS;
  await boss.createQueue(queue);
  for (let i = 0; i < jobs; i += 1000) {
    await boss.insert(Array.from({ length: Math.min(1000, jobs - i) }, () => ({ name: queue, data: {} })));
  }
  await settle(client, queue);
  const consumers = await Promise.all(
    Array.from({ length: variant.processes }, () => startConsumer(variant.mode, url, queue)),
  );
  let cpuMs = 0;
  try {
    await waitCompleted(client, queue, jobs);
  } finally {
    for (const ms of await Promise.all(consumers.map(stopConsumer))) cpuMs += ms;
  }
  const { rows } = await client.query<{ seconds: number }>(
    "select extract(epoch from max(completed_on) - min(started_on))::float8 as seconds from pgboss.job where name = $1",
    [queue],
  );
  // Its jobs removed, so that no vacuum of them runs during the next variant.
  await client.query(`truncate pgboss.${client.escapeIdentifier(await partitionOf(client, queue))}`);
  return { jobsPerSecond: jobs / Number(rows[0]?.seconds), cpuMsPer1000: (cpuMs / jobs) * 1000 };
}

/** Enqueue → completed, for jobs sent one by one at a steady pace to one running consumer. */
async function latency(boss: PgBoss, client: pg.Client, url: string, mode: "spoc" | "raw"): Promise<number[]> {
  const queue = `latency-${mode}`;
  await boss.createQueue(queue);
  const consumer = await startConsumer(mode, url, queue);
  try {
    for (let i = 0; i < 400; i++) {
      await boss.send(queue, {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitCompleted(client, queue, 400);
  } finally {
    await stopConsumer(consumer);
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
    const samples = new Map<string, Throughput[]>();
    // Interleaved, in the reverse order every other run, so that the machine's load and
    // the position in the run weigh on every variant alike.
    for (let run = 0; run < runs; run++) {
      for (const variant of run % 2 === 0 ? variants : [...variants].reverse()) {
        const sample = await throughput(boss, client, database.url, variant, run);
        log(
          `queue ${variant.mode} × ${variant.processes} process(es), run ${run + 1}: ` +
            `${sample.jobsPerSecond.toFixed(0)} jobs/s, ${sample.cpuMsPer1000.toFixed(0)} ms CPU per 1000 jobs`,
        );
        const key = `${variant.mode}-${variant.processes}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
      }
    }
    const rate = (key: string): number =>
      Math.round(median((samples.get(key) ?? []).map((sample) => sample.jobsPerSecond)));
    const cpu = (key: string): number => median((samples.get(key) ?? []).map((sample) => sample.cpuMsPer1000));
    const spocLatency = await latency(boss, client, database.url, "spoc");
    const rawLatency = await latency(boss, client, database.url, "raw");
    const settings = `${CONCURRENCY} loops × batch ${BATCH}, poll 500 ms; ${JOBS} jobs, ${RAW_JOBS} for raw`;
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
        measure: "consumer CPU ms per 1000 jobs, 1 process, spoc vs that loop",
        size: "–",
        median: cpu("spoc-1"),
        baseline: cpu("loop-1"),
        unit: "ms",
        target: "recorded",
        runs,
      },
      {
        section: "queue",
        measure: "consumer CPU ms per 1000 jobs, 1 process, spoc vs raw pg-boss",
        size: "–",
        median: cpu("spoc-1"),
        baseline: cpu("raw-1"),
        unit: "ms",
        target: "recorded",
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
