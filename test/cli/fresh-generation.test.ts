/**
 * `spoc gen` and the esbuild plugin answer "nothing to do" from the last generation's record
 * (node_modules/.cache/spoc/generation-*.bin) without loading the generator, and only while
 * nothing it was computed from changed: each change below gives a full generation, whose
 * registry is the one a run without any cache writes, and a new record.
 *
 * Whether an answer came from the record shows in its description: the tests mark the
 * recorded one, which `spoc gen` then prints and a full generation replaces.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import * as esbuild from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import spoc from "../../src/codegen/bundler/esbuild.ts";
import { runCli } from "../../src/codegen/cli.ts";
import { generationRecordFile } from "../../src/codegen/fresh-generation.ts";
import { registryFiles, runPipeline } from "../../src/codegen/index.ts";
import { editKeepingStat } from "../codegen/_stat.ts";
import {
  copyFixture,
  importBlogHelper,
  registryBuild,
  removeCopies,
  replaceBlogHelperFolderByFile,
  repoRoot,
  runScript,
} from "./_project.ts";

afterAll(removeCopies);

const MARK = "(from the record)";

/**
 * cli-clean with a third app that leaves out its services module (the schema is not strict),
 * so the generation also looked for a file that does not exist.
 */
async function project(): Promise<string> {
  const root = await copyFixture("cli-clean");
  await mkdir(join(root, "apps/extra"));
  await writeFile(
    join(root, "apps/extra/models.ts"),
    'import { model } from "../../framework/components.ts";\n\n@model\nexport class Extra {}\n',
  );
  await edit(root, "config/settings.ts", '"users", "blog"', '"users", "blog", "extra"');
  await edit(root, "config/schema.ts", 'dependencies: { services: ["models"] },', "$&\n  strict: false,");
  return root;
}

async function edit(root: string, file: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(root, file), "utf8");
  expect(text).toContain(from);
  await writeFile(join(root, file), text.replace(from, to));
}

/** `spoc gen` in this process, as the CLI prints it. */
async function gen(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
    color: false,
  };
  const code = await runCli(["gen", "--root", root], io);
  return { code, stdout, stderr };
}

/** A bundle of the project's registry with `spoc()` from `spoc/esbuild`, written to memory. */
function build(root: string): Promise<esbuild.BuildResult> {
  return esbuild.build(registryBuild(root, spoc()));
}

interface StoredOutcome {
  outcome: { description: string; inputs: string[]; apps: string[] };
}

async function recorded(root: string): Promise<StoredOutcome> {
  return deserialize(await readFile(generationRecordFile(root))) as StoredOutcome;
}

/** Marks the record's description: an answer from the record then says so. */
async function mark(root: string): Promise<void> {
  const stored = await recorded(root);
  stored.outcome.description = MARK;
  await writeFile(generationRecordFile(root), serialize(stored));
}

/** The registry's files as a run of the pipeline without any cache renders them (warnings allowed). */
async function uncachedRegistry(root: string): Promise<Record<string, string>> {
  const result = await runPipeline({ root });
  expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === "error")).toEqual([]);
  return Object.fromEntries(registryFiles(result.registry ?? expect.fail("no registry")).map((f) => [f.file, f.text]));
}

async function registryOnDisk(root: string): Promise<Record<string, string>> {
  const files = Object.keys(await uncachedRegistry(root));
  return Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, await readFile(join(root, file), "utf8")])),
  );
}

const changes: [string, (root: string) => Promise<void>][] = [
  [
    "an edit that keeps the file's size and mtime",
    (root) => editKeepingStat(join(root, "apps/users/models.ts"), "readonly name", "readonly nome"),
  ],
  [
    "a component added to a module",
    (root) => edit(root, "apps/blog/models.ts", "export class Post", "export class Tag {}\n\n@model\n$&"),
  ],
  [
    "a module file added in an app's folder",
    (root) =>
      writeFile(
        join(root, "apps/extra/services.ts"),
        'import { service } from "../../framework/components.ts";\n\n@service\nexport class ExtraService {}\n',
      ),
  ],
  // (A folder no mode installs: the generation warns, and records nothing.)
  ["an app's folder added", (root) => mkdir(join(root, "apps/later"))],
  ["config/spoc.toml changed", (root) => edit(root, "config/spoc.toml", '"development"', '"production"')],
  ["config/settings.ts changed", (root) => edit(root, "config/settings.ts", "export default", "// edited\n$&")],
  ["config/schema.ts changed", (root) => edit(root, "config/schema.ts", "strict: false", "strict: false ")],
  ["the registry deleted", (root) => rm(join(root, "generated/registry.ts"))],
  ["the registry's data deleted", (root) => rm(join(root, "generated/registry.data.js"))],
  [
    "the registry edited by hand",
    (root) => edit(root, "generated/registry.ts", "// Generated", "// Edited. Generated"),
  ],
  ["the record corrupted", (root) => writeFile(generationRecordFile(root), "not a record")],
  [
    "a record of another spoc",
    async (root) => {
      const stored = deserialize(await readFile(generationRecordFile(root))) as Record<string, unknown>;
      await writeFile(generationRecordFile(root), serialize({ ...stored, version: "/another/spoc/" }));
    },
  ],
  ["the record deleted", (root) => rm(generationRecordFile(root))],
];

describe("spoc gen with nothing to do", () => {
  it("answers from the record, printing what a full generation prints", async () => {
    const root = await project();
    const first = await gen(root);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^spoc gen: generated\/registry\.ts updated \(5 modules, 5 components\) in \d+ ms\n$/);
    const again = await gen(root);
    expect(again.stdout).toMatch(
      /^spoc gen: generated\/registry\.ts unchanged \(5 modules, 5 components\) in \d+ ms\n$/,
    );
    await mark(root);
    expect((await gen(root)).stdout).toContain(`unchanged ${MARK}`);
    expect(await registryOnDisk(root)).toEqual(await uncachedRegistry(root));
  });

  it.each(changes)("generates again after %s", async (_, change) => {
    const root = await project();
    await gen(root);
    await mark(root);
    await change(root);
    const after = await gen(root);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain(MARK);
    expect(await registryOnDisk(root)).toEqual(await uncachedRegistry(root));
    if ((await runPipeline({ root })).diagnostics.length > 0) {
      // Nothing recorded: the old record still does not match, so the next run generates too.
      expect((await gen(root)).stdout).not.toContain(MARK);
      return;
    }
    // A new record, which the next run answers from.
    expect((await recorded(root)).outcome.description).not.toBe(MARK);
    await mark(root);
    expect((await gen(root)).stdout).toContain(MARK);
  });

  it("records nothing when the generation reported a diagnostic", async () => {
    const root = await project();
    await edit(root, "config/schema.ts", "strict: false", "strict: true");
    expect((await gen(root)).code).toBe(1);
    expect(existsSync(generationRecordFile(root))).toBe(false);
  });

  it("leaves gen --check as it was: it compares what it renders with the files on disk", async () => {
    const root = await project();
    await gen(root);
    await mark(root);
    await edit(root, "generated/registry.ts", "// Generated", "// Edited. Generated");
    let stdout = "";
    const io = { stdout: (text: string) => void (stdout += text), stderr: () => {}, color: false };
    expect(await runCli(["gen", "--check", "--root", root], io)).toBe(1);
    expect(stdout).toContain("+// Generated");
  });
});

describe("a recorded path that now sits under a file (ENOTDIR): a full generation, then a new record", () => {
  it("by spoc gen", async () => {
    const root = await copyFixture("cli-clean");
    await importBlogHelper(root);
    expect((await gen(root)).code).toBe(0);
    await mark(root);
    await replaceBlogHelperFolderByFile(root);
    const after = await gen(root);
    expect(after).toMatchObject({ code: 0, stderr: "" });
    expect(after.stdout).not.toContain(MARK);
    await mark(root);
    expect((await gen(root)).stdout).toContain(MARK);
  });

  it("by the esbuild plugin", async () => {
    const root = await copyFixture("cli-clean");
    await importBlogHelper(root);
    expect((await build(root)).errors).toEqual([]);
    await mark(root);
    await replaceBlogHelperFolderByFile(root);
    const after = await build(root);
    expect(after.errors).toEqual([]);
    expect(after.outputFiles?.map((file) => file.text).join("\n")).toMatch(/PostService/);
    expect((await recorded(root)).outcome.description).not.toBe(MARK);
  });
});

describe("the esbuild plugin with nothing to do", () => {
  it("answers from the record, and still bundles the registry", async () => {
    const root = await project();
    expect((await build(root)).errors).toEqual([]);
    expect(existsSync(generationRecordFile(root))).toBe(true);
    await mark(root);
    const result = await build(root);
    expect(result.errors).toEqual([]);
    expect(result.outputFiles?.map((file) => file.text).join("\n")).toMatch(/Extra = class/);
    expect((await recorded(root)).outcome.description).toBe(MARK);
  });

  it.each(changes)("generates again after %s", async (_, change) => {
    const root = await project();
    await build(root);
    await mark(root);
    await change(root);
    expect((await build(root)).errors).toEqual([]);
    expect(await registryOnDisk(root)).toEqual(await uncachedRegistry(root));
    // A new record, unless the generation warned (then the old one, which does not match).
    const warned = (await runPipeline({ root })).diagnostics.length > 0;
    expect((await recorded(root)).outcome.description === MARK).toBe(warned);
  });
});

/**
 * `spoc gen` (`how: "gen"`) or a build with `spoc()` (`"build"`) of `root` in a fresh process,
 * from the sources; says whether the parser (oxc-parser) was loaded.
 */
function loadsParser(how: "gen" | "build", root: string): Promise<{ loaded: boolean; ok: boolean }> {
  const run =
    how === "gen"
      ? `const { runCli } = await import(${JSON.stringify(join(repoRoot, "src/codegen/cli.ts"))});
         const quiet = { stdout: () => {}, stderr: () => {}, color: false };
         const ok = (await runCli(["gen", "--root", ${JSON.stringify(root)}], quiet)) === 0;`
      : `const esbuild = await import("esbuild");
         const { default: spoc } = await import(${JSON.stringify(join(repoRoot, "src/codegen/bundler/esbuild.ts"))});
         const result = await esbuild.build({ absWorkingDir: ${JSON.stringify(root)},
           entryPoints: { registry: "generated/registry.ts" }, outdir: "dist", bundle: true, format: "esm",
           platform: "node", packages: "external", write: false, logLevel: "silent", plugins: [spoc()] });
         const ok = result.errors.length === 0;`;
  const script = `
    import { createRequire } from "node:module";
    ${run}
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("oxc-parser"));
    console.log(JSON.stringify({ loaded, ok }));
  `;
  return runScript(script) as Promise<{ loaded: boolean; ok: boolean }>;
}

describe("with nothing to do, the parser is not loaded", () => {
  it.each(["gen", "build"] as const)("by %s", async (how) => {
    const root = await project();
    expect(await loadsParser(how, root)).toEqual({ loaded: true, ok: true });
    expect(await loadsParser(how, root)).toEqual({ loaded: false, ok: true });
    await edit(root, "apps/blog/models.ts", "export class Post", "export class Tag {}\n\n@model\n$&");
    expect(await loadsParser(how, root)).toEqual({ loaded: true, ok: true });
  });
});
