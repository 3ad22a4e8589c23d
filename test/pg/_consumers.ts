/**
 * `spoc worker` processes over the queue fixture project (test/fixtures/queue-project),
 * started as a user starts them, and the fixture's own tables and framework.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Framework, type Registry, type Schema } from "spoc";
import { generateRegistry } from "spoc/codegen";
import { query } from "./_db.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixtureRoot = join(repoRoot, "test", "fixtures", "queue-project");

/**
 * Regenerates the fixture's registry (written only when it changed), so that a change of the
 * generator's output never leaves the committed one stale under these tests.
 */
export async function prepareFixture(): Promise<void> {
  const { result } = await generateRegistry({ root: fixtureRoot });
  if (result.registry === undefined)
    throw new Error(`the queue fixture does not generate: ${JSON.stringify(result.diagnostics)}`);
}

export interface Consumer {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `spoc worker --root <fixture> …args` and waits until it consumes. */
export async function startConsumer(databaseUrl: string, args: readonly string[] = []): Promise<Consumer> {
  const consumer = spawnConsumer(databaseUrl, args);
  await waitFor(async () => {
    if (consumer.child.exitCode !== null) throw new Error(`the consumer exited early:\n${consumer.output()}`);
    return consumer.output().includes("consuming ");
  }, 60_000);
  return consumer;
}

/** Spawns `spoc worker` without waiting for it. */
export function spawnConsumer(databaseUrl: string, args: readonly string[] = []): Consumer {
  const child = spawn(process.execPath, [join(repoRoot, "bin", "spoc.js"), "worker", "--root", fixtureRoot, ...args], {
    env: { ...process.env, SPOC_QUEUE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid ?? -1, output: () => stderr, exited };
}

/** `spoc worker` started by `npx spoc worker`: npx, the `sh -c` npm runs it under, then spoc. */
export interface NpxConsumer {
  /** The npx process. */
  readonly npx: ChildProcess;
  /** stderr so far (all three share it). */
  output(): string;
  /** Settles once no process of the three holds stderr open: all have exited. */
  readonly allExited: Promise<void>;
  /** SIGKILLs whatever of the three is left (they share a process group). */
  kill(): void;
}

/** Spawns `npx spoc worker --root <fixture> …args` in the repository, as a user starts it. */
export function spawnConsumerThroughNpx(databaseUrl: string, args: readonly string[] = []): NpxConsumer {
  return spawnGroup(
    "npx",
    ["spoc", "worker", "--root", fixtureRoot, ...args],
    { SPOC_QUEUE_URL: databaseUrl },
    "ignore",
  );
}

/**
 * `spoc worker --root <fixture> …args` started in the background by a shell with npm's
 * environment, as an npm script `spoc worker & …` does (`npx` is the shell). The shell exits
 * once its stdin is closed (`npx.stdin.end()`).
 */
export function spawnConsumerInBackground(databaseUrl: string, args: readonly string[] = []): NpxConsumer {
  const command = [process.execPath, join(repoRoot, "bin", "spoc.js"), "worker", "--root", fixtureRoot, ...args]
    .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
    .join(" ");
  return spawnGroup("sh", ["-c", `${command} & read line`], { SPOC_QUEUE_URL: databaseUrl, npm_command: "run-script" });
}

/** Spawns `command` in a process group of its own, sharing its stderr with what it starts. */
function spawnGroup(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin: "ignore" | "pipe" = "pipe",
): NpxConsumer {
  const npx = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: [stdin, "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  npx.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  npx.stdout?.resume();
  const allExited = new Promise<void>((resolve) => npx.stderr?.once("close", () => resolve()));
  const kill = () => {
    try {
      process.kill(-(npx.pid ?? 0), "SIGKILL");
    } catch {
      // every one of them has exited
    }
  };
  return { npx, output: () => stderr, allExited, kill };
}

/** Ends a consumer that a test left running. */
export async function killConsumer(consumer: Consumer | undefined): Promise<void> {
  if (!consumer || consumer.child.exitCode !== null || consumer.child.signalCode !== null) return;
  consumer.child.kill("SIGKILL");
  await consumer.exited;
}

/** Polls `condition` every 100 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The tables the fixture's workers write. */
export async function createEffectTables(databaseUrl: string): Promise<void> {
  await query(
    databaseUrl,
    `create table attempts (n int not null, pid int not null, at timestamptz not null default clock_timestamp());
     create table effects (n int primary key, pid int not null);
     create table ticks (job_id uuid primary key, pid int not null, at timestamptz not null default clock_timestamp())`,
  );
}

export async function countOf(databaseUrl: string, table: string): Promise<number> {
  const [row] = await query<{ n: string }>(databaseUrl, `select count(*) as n from ${table}`);
  return Number(row?.n ?? 0);
}

type FixtureWorkers = typeof import("../fixtures/queue-project/apps/effects/workers.ts");

/** The fixture's component map, as its generated registry declares it. */
export interface FixtureMap {
  workers: { "effects.RecordEffect": FixtureWorkers["RecordEffect"]; "effects.Tick": FixtureWorkers["Tick"] };
}

/** The fixture application started in this process, sending to `databaseUrl`. */
export async function startFixture(databaseUrl: string): Promise<Framework<FixtureMap>> {
  process.env["SPOC_QUEUE_URL"] = databaseUrl;
  // Through a computed path, so that tsc does not merge the fixture's ComponentMap with the example's.
  const load = (file: string) => import(pathToFileURL(join(fixtureRoot, file)).href);
  const { schema } = (await load("config/schema.ts")) as { schema: Schema };
  const { registry } = (await load("generated/registry.ts")) as { registry: Registry };
  return Framework.start<FixtureMap>({ baseDir: fixtureRoot, schema, registry });
}
