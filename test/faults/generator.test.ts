/**
 * The generator meets a broken file system and mistyped configuration: every case is a user's
 * or the environment's problem, reported with its path and a fix (exit 1, or 2 for usage),
 * never "internal error … a bug in spoc".
 */
import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/codegen/cli.ts";
import { copyFixture, removeCopies } from "../cli/_project.ts";

afterAll(removeCopies);

/** `spoc <args>` in this process, its output captured. */
async function spoc(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    color: false,
  });
  return { code, stdout, stderr };
}

/** Exit 1, the patterns in the output (`check` reports on stdout, `gen` on stderr), no "bug", no stack. */
function expectUserError(run: { code: number; stdout: string; stderr: string }, ...patterns: RegExp[]): void {
  const output = run.stdout + run.stderr;
  expect(output).not.toContain("internal error");
  expect(output).not.toContain("bug in spoc");
  expect(output).not.toMatch(/\n\s+at /);
  for (const pattern of patterns) expect(output).toMatch(pattern);
  expect(run.code).toBe(1);
}

describe("symbolic links", () => {
  it("follows a symlinked app folder, as workspaces and monorepos link apps in", async () => {
    const root = await copyFixture("cli-clean");
    await rename(join(root, "apps", "blog"), join(root, "blog_real"));
    await symlink(join("..", "blog_real"), join(root, "apps", "blog"));
    const run = await spoc(["gen", "--root", root]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const data = await readFile(join(root, "generated", "registry.data.js"), "utf8");
    expect(data).toContain(`"blog.models": { app: "blog", module: "models", file: "apps/blog/models.ts"`);
  });

  it("reports a module file that links to itself, with its path", async () => {
    const root = await copyFixture("cli-clean");
    await rm(join(root, "apps", "users", "models.ts"));
    await symlink("models.ts", join(root, "apps", "users", "models.ts"));
    expectUserError(await spoc(["gen", "--root", root]), /SPOC020/, /apps\/users\/models\.ts/, /symbolic link loops/);
  });

  it("reports an app folder link that loops", async () => {
    const root = await copyFixture("cli-clean");
    await symlink("shop", join(root, "apps", "shop"));
    expectUserError(await spoc(["check", "--root", root]), /apps\/shop:1:1 - error SPOC020/, /cannot be followed/);
  });
});

describe("files and folders where the other is expected", () => {
  it("apps as a plain file", async () => {
    const root = await copyFixture("cli-clean");
    await rm(join(root, "apps"), { recursive: true });
    await writeFile(join(root, "apps"), "not a folder\n");
    expectUserError(await spoc(["gen", "--root", root]), /SPOC020/, /apps is a file/);
  });

  it.each(["config/spoc.toml", "config/settings.ts", "config/schema.ts"])(
    "%s as a folder fails check and gen, writing nothing",
    async (file) => {
      const root = await copyFixture("cli-clean");
      await rm(join(root, file));
      await mkdir(join(root, file));
      expectUserError(
        await spoc(["check", "--root", root]),
        new RegExp(`${file}:1:1 - error SPOC020: ${file} is a folder`),
      );
      expectUserError(await spoc(["gen", "--root", root]), /not written/);
      await expect(stat(join(root, "generated"))).rejects.toThrow(/ENOENT/);
    },
  );

  it("generated/registry.ts as a folder names the path", async () => {
    const root = await copyFixture("cli-clean");
    await mkdir(join(root, "generated", "registry.ts"), { recursive: true });
    expectUserError(await spoc(["gen", "--root", root]), /SPOC020/, /generated\/registry\.ts/, /folder/);
  });
});

describe("read-only and immutable files", () => {
  const immutable: string[] = [];
  afterEach(() => {
    for (const path of immutable.splice(0)) spawnSync("chattr", ["-i", path]);
  });

  it("an immutable registry.ts: exit 1 with the path, and the registry's files stay all old", async (context) => {
    const root = await copyFixture("cli-clean");
    expect((await spoc(["gen", "--root", root])).code).toBe(0);
    const generated = join(root, "generated");
    const before = await Promise.all(
      ["registry.ts", "registry.data.js"].map((name) => readFile(join(generated, name), "utf8")),
    );
    const types = join(generated, "registry.ts");
    const chattr = spawnSync("chattr", ["+i", types], { encoding: "utf8" });
    if (chattr.status !== 0) {
      context.skip(`this file system refuses chattr +i (${(chattr.stderr || chattr.error?.message || "").trim()})`);
      return;
    }
    immutable.push(types);
    await writeFile(join(root, "apps", "users", "models.ts"), "@model\nexport class Visitor {}\n", { flag: "a" });
    expectUserError(
      await spoc(["gen", "--root", root]),
      /SPOC020 cannot replace generated\/registry\.ts: operation not permitted \(EPERM\)/,
      /hint: .*immutable/,
    );
    const after = await Promise.all(
      ["registry.ts", "registry.data.js"].map((name) => readFile(join(generated, name), "utf8")),
    );
    expect(after).toEqual(before);
    expect((await readdir(generated)).sort()).toEqual(["registry.data.d.ts", "registry.data.js", "registry.ts"]);
  });
});

describe("spoc.toml", () => {
  it("an unknown top-level table is an error at its line, with a suggestion", async () => {
    const root = await copyFixture("cli-clean");
    await writeFile(join(root, "config", "spoc.toml"), '[spco]\nmode = "production"\n');
    const run = await spoc(["check", "--root", root]);
    expectUserError(run, /config\/spoc\.toml:1:1 - error SPOC008: unknown table \[spco\] \(did you mean "spoc"\?\)/);
  });

  it("an unknown table inside [spoc] is reported at its own header", async () => {
    const root = await copyFixture("cli-clean");
    await writeFile(
      join(root, "config", "spoc.toml"),
      '[spoc]\nmode = "development"\n\n[spoc.aps]\ndevelopment = []\n',
    );
    const run = await spoc(["check", "--root", root]);
    expectUserError(
      run,
      /config\/spoc\.toml:4:1 - error SPOC008: unknown key "aps" in \[spoc\] \(did you mean "apps"\?\)/,
    );
  });
});

describe("the command line", () => {
  it("--root= (empty) is a usage error", async () => {
    const run = await spoc(["check", "--root="]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--root needs a folder");
  });
});

describe("code frames", () => {
  it("show a bounded window of a huge one-line file, and escape terminal control sequences", async () => {
    const root = await copyFixture("cli-clean");
    const line = `export const a = 1;${" ".repeat(2_000_000)}\u001b]0;pwned\u0007\u001b[31m export const = ;`;
    await writeFile(join(root, "apps", "users", "services.ts"), line);
    const run = await spoc(["check", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("SPOC008");
    expect(run.stdout.length).toBeLessThan(4_000);
    expect(run.stdout).not.toContain("\u001b");
    expect(run.stdout).not.toContain("\u0007");
    expect(run.stdout).toContain("\\x1b]0;pwned\\x07");
  });
});
