/**
 * The CLI as run inside a project: the root is the nearest folder up with config/, a
 * folder outside any project is named in the error, and a closed stdout ends it quietly.
 */
import { spawn } from "node:child_process";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, repoRoot, runSpoc } from "./_project.ts";

const outside: string[] = [];
afterAll(async () => {
  await removeCopies();
  await Promise.all(outside.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("spoc without --root", () => {
  it("finds the project from one of its subfolders", async () => {
    const project = await copyFixture("cli-clean");
    const run = await runSpoc(["gen"], { cwd: join(project, "apps", "users") });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^spoc gen: generated\/registry\.ts updated/);
    expect(run.code).toBe(0);
  });

  it("names every folder it searched when there is no project", async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "spoc-no-project-")));
    outside.push(dir);
    const run = await runSpoc(["check"], { cwd: dir });
    expect(run.code).toBe(2);
    const searched: string[] = [];
    for (let folder = dir; ; folder = dirname(folder)) {
      searched.push(folder);
      if (dirname(folder) === folder) break;
    }
    expect(run.stderr).toBe(
      `spoc: no spoc project found: none of these folders has config/spoc.toml or config/schema.ts:\n${searched.map((f) => `  ${f}\n`).join("")}run spoc inside a project, pass --root <dir>, or start one with \`npx spoc init\`\n`,
    );
  });
});

describe("a closed stdout", () => {
  it("ends the command quietly (spoc graph | head)", async () => {
    const child = spawn(process.execPath, [join(repoRoot, "bin/spoc.js"), "graph"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Closed before the CLI writes anything, so its first write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
