/**
 * The records that let `spoc gen`, the esbuild plugin and `spoc check` answer without a run
 * list files the project may no longer read. When such a path can no longer even be stat'ed —
 * its folder replaced by a file (ENOTDIR) — the record no longer stands: a full run follows,
 * which reports what it finds, and writes a new record; the record never becomes an error.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import spoc from "../../src/codegen/bundler/esbuild.ts";
import { runCli } from "../../src/codegen/cli.ts";
import { copyFixture, removeCopies } from "./_project.ts";

afterAll(removeCopies);

const IMPORT = 'import { x } from "./lib/util.ts";\nvoid x;\n';

/** cli-clean whose blog services import a helper from apps/blog/lib/util.ts. */
async function project(): Promise<string> {
  const root = await copyFixture("cli-clean");
  await mkdir(join(root, "apps/blog/lib"));
  await writeFile(join(root, "apps/blog/lib/util.ts"), "export const x = 1;\n");
  const services = join(root, "apps/blog/services.ts");
  await writeFile(services, IMPORT + (await readFile(services, "utf8")));
  return root;
}

/** Drops the import, and puts a file where the helper's folder was. */
async function helperFolderReplacedByFile(root: string): Promise<void> {
  const services = join(root, "apps/blog/services.ts");
  await writeFile(services, (await readFile(services, "utf8")).replace(IMPORT, ""));
  await rm(join(root, "apps/blog/lib"), { recursive: true });
  await writeFile(join(root, "apps/blog/lib"), "notes\n");
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
    color: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function build(root: string): Promise<esbuild.BuildResult> {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: { registry: "generated/registry.ts" },
    outdir: join(root, "dist"),
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    write: false,
    logLevel: "silent",
    plugins: [spoc()],
  });
}

describe("a recorded path that now sits under a file", () => {
  it("spoc gen generates again, then answers from the new record", async () => {
    const root = await project();
    expect((await cli("gen", "--root", root)).code).toBe(0);
    expect((await cli("gen", "--root", root)).stdout).toContain("unchanged");
    await helperFolderReplacedByFile(root);
    const after = await cli("gen", "--root", root);
    expect(after).toMatchObject({ code: 0, stderr: "" });
    expect(after.stdout).toContain("spoc gen: generated/registry.ts");
    expect(await cli("gen", "--root", root)).toMatchObject({ code: 0, stderr: "" });
  });

  it("spoc check checks again", async () => {
    const root = await project();
    const first = await cli("check", "--format", "json", "--root", root);
    expect(first.code).toBe(0);
    await helperFolderReplacedByFile(root);
    const after = await cli("check", "--format", "json", "--root", root);
    expect(after).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(first.stdout));
    expect(await cli("check", "--format", "json", "--root", root)).toMatchObject({ code: 0, stderr: "" });
  });

  it("the esbuild plugin builds", async () => {
    const root = await project();
    expect((await build(root)).errors).toEqual([]);
    expect((await build(root)).errors).toEqual([]);
    await helperFolderReplacedByFile(root);
    const after = await build(root);
    expect(after.errors).toEqual([]);
    expect(after.outputFiles?.map((file) => file.text).join("\n")).toMatch(/PostService/);
    expect((await build(root)).errors).toEqual([]);
  });
});
