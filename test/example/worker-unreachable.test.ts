/**
 * `spoc worker` on PostgreSQL with no server there, as a user meets it: the CLI (its own copy
 * of spoc) runs the example's hooks (which import spoc's sources), and the error still gives
 * the database's own hint, naming where it looked, not the generic hook hint.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { copyProject, demoEnv } from "./_project.ts";

let project: string;

beforeAll(async () => {
  project = await copyProject("spoc-worker-unreachable-");
}, 60_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("names the server and says to start it, with no stack trace", async () => {
  const port = await closedPort();
  const env = demoEnv({ DB_ENGINE: "postgres", DATABASE_URL: `postgres://blog:s3cret@127.0.0.1:${port}/blog` });
  const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(project, "bin/spoc.js"), "worker"],
      { cwd: project, env },
      (error, _out, stderr) => resolve({ code: error === null ? 0 : (child.exitCode ?? 1), stderr }),
    );
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`cannot connect to the PostgreSQL database postgres://blog@127.0.0.1:${port}/blog`);
  expect(run.stderr).toContain("hint: start the server, or set DATABASE_URL");
  expect(run.stderr).not.toContain("s3cret");
  expect(run.stderr).not.toMatch(/^\s+at /m);
}, 60_000);
