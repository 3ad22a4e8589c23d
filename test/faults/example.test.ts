/**
 * The example under faults, as an operator meets them: signals at five moments of the demo,
 * to whichever process gets them; kill -9 of the process worker; two runs on one database; a
 * corrupt, an immutable or a read-only database; a failed build and a build under a running
 * app. Every run must end with every process gone, no lock or temporary file left, and an
 * exit status that says what happened (0 for a clean stop on a signal).
 *
 * The thread worker (email) cannot be killed alone: a thread has no pid. Its failure path is
 * the same join result as the process worker's, which is killed here.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  copyProject,
  demoEnv,
  descendants,
  leftovers,
  start,
  survivors,
  type Finished,
  type Running,
} from "./_example.ts";

let project = "";
const main = (): string => join(project, "out", "main.js");
const database = (): string => join(project, "var", "blog_platform.db");

beforeAll(async () => {
  project = await copyProject();
  const build = await start(process.execPath, ["--import", "tsx", "build.ts"], project).finished;
  if (build.code !== 0) throw new Error(`the example does not build:\n${build.stdout}${build.stderr}`);
}, 180_000);

afterAll(async () => {
  if (project !== "") await rm(project, { recursive: true, force: true });
});

/** Runs the built demo to its end. */
function demo(env: NodeJS.ProcessEnv = {}): Running {
  return start(process.execPath, [main()], project, { env: demoEnv(env) });
}

/** For runs whose workers play no part in what a test checks: each costs a thread or a process. */
const withoutWorkers = { ENABLE_EMAIL_WORKER: "false", ENABLE_INDEXER_WORKER: "false" } as const;

/** The run ended with every process it started gone, and left no lock or temporary file. */
async function expectNothingLeft(processes: readonly number[]): Promise<void> {
  expect(await survivors(processes)).toEqual([]);
  expect(await leftovers(project)).toEqual([]);
}

/** A clean stop: exit 0, the workers that started stopped, the app shut down, no error. */
function expectCleanStop(run: Finished): void {
  expect(run.stderr).toBe("");
  expect(run.stdout).not.toContain("SPOC2");
  expect(run.stdout).toContain("APPLICATION STOPPED\n");
  expect(run.code).toBe(0);
}

describe("a signal at any moment ends the demo cleanly", () => {
  it.each([
    ["while the app starts (hooks)", "SIGINT", "[Database] Initializing tables for: users.models"],
    ["during the demonstration", "SIGTERM", "--- Creating Users ---"],
    ["before the workers start", "SIGINT", "Starting workers..."],
    ["while the workers start", "SIGTERM", "[EmailNotificationWorker] Lifecycle: Started"],
    ["while the workers run (a long window)", "SIGINT", "Workers are running"],
  ] as const)(
    "%s (%s)",
    async (_, signal, marker) => {
      const run = demo({ DEMO_WORKER_WINDOW_MS: "60000" });
      await run.waitFor(marker);
      const processes = [run.child.pid as number, ...descendants(run.child.pid as number)];
      run.child.kill(signal);
      const ended = await run.finished;
      expectCleanStop(ended);
      // The database is closed last, after every worker that was started stopped.
      const closing = ended.stdout.lastIndexOf("[Database] Closing connections for: users.models");
      expect(closing).toBeGreaterThan(ended.stdout.lastIndexOf("Lifecycle: Stopped"));
      await expectNothingLeft(processes);
    },
    60_000,
  );

  it("SIGTERM to `npm start` reaches the app: it stops cleanly and nothing outlives npm", async () => {
    const run = start("npm", ["start", "--silent"], project, { env: demoEnv({ DEMO_WORKER_WINDOW_MS: "60000" }) });
    await run.waitFor("Workers are running");
    const processes = [run.child.pid as number, ...descendants(run.child.pid as number)];
    expect(processes.length).toBeGreaterThanOrEqual(3); // npm, the launcher, the app (and its worker)
    run.child.kill("SIGTERM");
    const ended = await run.finished;
    expect(ended.stdout).toContain("APPLICATION STOPPED\n");
    // npm ends as its signal says; what it ran stopped cleanly (the line above) and is gone (below).
    expect(ended.code === 0 || ended.signal === "SIGTERM" || ended.code === 143).toBe(true);
    await expectNothingLeft(processes);
  }, 120_000);

  it("Ctrl-C on `npm start` (SIGINT to its whole group, passed on by npm and the launcher too) stops cleanly", async () => {
    const run = start("npm", ["start", "--silent"], project, {
      env: demoEnv({ DEMO_WORKER_WINDOW_MS: "60000" }),
      detached: true,
    });
    await run.waitFor("Workers are running");
    const processes = [run.child.pid as number, ...descendants(run.child.pid as number)];
    process.kill(-(run.child.pid as number), "SIGINT");
    const ended = await run.finished;
    expect(ended.stdout).toContain("APPLICATION STOPPED\n");
    expect(ended.code === 0 || ended.signal === "SIGINT" || ended.code === 130).toBe(true);
    await expectNothingLeft(processes);
    expect(await leftovers(project)).toEqual([]);
  }, 120_000);

  it("SIGINT to the whole process group (Ctrl-C in a terminal) stops cleanly", async () => {
    const run = start(process.execPath, [main()], project, {
      env: demoEnv({ DEMO_WORKER_WINDOW_MS: "60000" }),
      detached: true,
    });
    await run.waitFor("Workers are running");
    const processes = [run.child.pid as number, ...descendants(run.child.pid as number)];
    process.kill(-(run.child.pid as number), "SIGINT");
    expectCleanStop(await run.finished);
    await expectNothingLeft(processes);
  }, 60_000);

  it("SIGTERM to the whole process group stops cleanly too (the process worker included)", async () => {
    const run = start(process.execPath, [main()], project, {
      env: demoEnv({ DEMO_WORKER_WINDOW_MS: "60000" }),
      detached: true,
    });
    await run.waitFor("Workers are running");
    const processes = [run.child.pid as number, ...descendants(run.child.pid as number)];
    process.kill(-(run.child.pid as number), "SIGTERM");
    expectCleanStop(await run.finished);
    await expectNothingLeft(processes);
  }, 60_000);
});

describe("a worker that crashes", () => {
  it("kill -9 of the process worker: reported, exit 1, everything else stopped", async () => {
    const run = demo({ DEMO_WORKER_WINDOW_MS: "60000" });
    await run.waitFor("Workers are running");
    const [worker] = descendants(run.child.pid as number);
    expect(worker).toBeDefined();
    process.kill(worker as number, "SIGKILL");
    // The window goes on for the other worker; a signal then ends the run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill("SIGINT");
    const ended = await run.finished;
    expect(ended.stdout).toContain("[ContentIndexerWorker] crashed (killed by SIGKILL)");
    expect(ended.stdout).toContain("APPLICATION STOPPED WITH ERRORS");
    expect(ended.code).toBe(1);
    await expectNothingLeft([run.child.pid as number, worker as number]);
  }, 60_000);
});

describe("one run per database", () => {
  it("a second run started meanwhile names the database and the running process, and changes nothing", async () => {
    const first = demo({ DEMO_WORKER_WINDOW_MS: "60000" });
    await first.waitFor("Workers are running");
    const second = await demo().finished;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`SPOC108 the database ${database()} is in use by process ${first.child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.stdout).not.toContain("Demo data cleared");
    first.child.kill("SIGINT");
    const ended = await first.finished;
    expectCleanStop(ended);
    // The first run's data survived: its email was sent, its posts indexed.
    expect(ended.stdout).toContain("Outbox: 1 sent, 0 waiting");
    expect(ended.stdout).toContain('Search "modular": Getting Started with SPOC');
    await expectNothingLeft([first.child.pid as number]);
  }, 60_000);

  it("two runs started together: one runs, the other is refused with SPOC108", async () => {
    const runs = await Promise.all([demo(withoutWorkers).finished, demo(withoutWorkers).finished]);
    const codes = runs.map((run) => run.code).sort();
    expect(codes).toEqual([0, 1]);
    const refused = runs.find((run) => run.code === 1);
    expect(refused?.stderr).toMatch(/SPOC108 the database .* is in use by/);
    expect(refused?.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(project)).toEqual([]);
  }, 60_000);
});

describe("a database that cannot be used", () => {
  afterEach(async () => {
    for (const suffix of ["", "-wal", "-shm"]) await rm(`${database()}${suffix}`, { force: true });
  });

  it("a corrupt file: the path and what to do, no stack, no blame on config/schema.ts", async () => {
    // Run alone, no run of the app has made var/ yet: make it, to put the junk where the app looks.
    await mkdir(dirname(database()), { recursive: true });
    await writeFile(database(), "junk\n");
    const run = await demo().finished;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`SPOC109 the database file ${database()} (DB_NAME) is not a SQLite database`);
    expect(run.stderr).toContain(`hint: move it away (mv ${database()} ${database()}.broken)`);
    expect(run.stderr).not.toContain("config/schema.ts");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(project)).toEqual([]);
  }, 60_000);

  it("an immutable file (chattr +i): the path and what to do, no stack", async (context) => {
    expect((await demo(withoutWorkers).finished).code).toBe(0);
    for (const suffix of ["-wal", "-shm"]) await rm(`${database()}${suffix}`, { force: true });
    const chattr = spawnSync("chattr", ["+i", database()], { encoding: "utf8" });
    if (chattr.status !== 0) {
      context.skip(`this file system refuses chattr +i (${(chattr.stderr || chattr.error?.message || "").trim()})`);
      return;
    }
    let run: Finished;
    try {
      run = await demo().finished;
    } finally {
      spawnSync("chattr", ["-i", database()]);
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`SPOC109 the database file ${database()} (DB_NAME) cannot be written`);
    expect(run.stderr).toContain("chattr -i");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(project)).toEqual([]);
  }, 60_000);
});

describe("clearData", () => {
  it("clears the search state too: with the indexer off, nothing is left in the index", async () => {
    expect((await demo({ ENABLE_EMAIL_WORKER: "false" }).finished).code).toBe(0);
    const run = await demo(withoutWorkers).finished;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Posts in the search index: 0");
    expect(run.stdout).toContain('Search "modular": no match');
  }, 60_000);
});

describe("builds", () => {
  it("a failed build leaves the previous out/ in place, and it still runs", async () => {
    const models = join(project, "apps", "blog", "models.ts");
    const original = await readFile(models, "utf8");
    await appendFile(models, '\nimport { UserService } from "../users/services.ts";\nvoid UserService;\n');
    try {
      const build = await start(process.execPath, ["--import", "tsx", "build.ts"], project).finished;
      expect(build.code).toBe(1);
    } finally {
      await writeFile(models, original);
    }
    expect(existsSync(main())).toBe(true);
    expect((await demo().finished).code).toBe(0);
    expect(await leftovers(project)).toEqual([]);
  }, 120_000);

  it("a build while the app runs removes nothing it uses: its workers still stop cleanly", async () => {
    const run = demo({ DEMO_WORKER_WINDOW_MS: "60000" });
    await run.waitFor("Workers are running");
    const build = await start(process.execPath, ["--import", "tsx", "build.ts"], project).finished;
    expect(build.code).toBe(0);
    run.child.kill("SIGINT");
    expectCleanStop(await run.finished);
    expect(await leftovers(project)).toEqual([]);
  }, 120_000);
});

describe("the registry's files", () => {
  it("from two runs of spoc gen: start refuses them with 'run spoc gen'", async () => {
    const data = join(project, "generated", "registry.data.js");
    const original = await readFile(data, "utf8");
    await writeFile(data, original.replace(/generation: "[0-9a-f]+"/, 'generation: "000000000000"'));
    try {
      const run = await start(process.execPath, ["--import", "tsx", "main.ts"], project).finished;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("SPOC104 generated/registry.ts and generated/registry.data.js come from two");
      expect(run.stderr).toContain("npx spoc gen");
    } finally {
      await writeFile(data, original);
    }
  }, 60_000);
});
