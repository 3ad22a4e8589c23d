/**
 * spocPlugin() refuses bundle options under which the registry and workers cannot work
 * (SPOC131, naming the option), and keeps the app's own output names when it adds entries;
 * `spoc()` from spoc/esbuild does the same, and both leave the bundle alone with
 * `prepareBundle: false`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { spocPlugin } from "spoc/codegen";
import spoc from "spoc/esbuild";
import { copyFixture, removeCopies } from "../cli/_project.ts";

const outdirs: string[] = [];
afterAll(async () => {
  await removeCopies();
  await Promise.all(outdirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function bundle(options: BuildOptions): Promise<{ errors: string[]; outputs: string[] }> {
  const root = await copyFixture("cli-clean");
  const outdir = await mkdtemp(join(tmpdir(), "spoc-bundle-options-"));
  outdirs.push(outdir);
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: ["./config/schema.ts"],
      outdir,
      bundle: true,
      platform: "node",
      format: "esm",
      write: false,
      packages: "external",
      logLevel: "silent",
      plugins: [spocPlugin({ root })],
      ...options,
    });
    return { errors: [], outputs: (result.outputFiles ?? []).map((file) => file.path.slice(outdir.length + 1)).sort() };
  } catch (error) {
    return { errors: (error as { errors: { text: string }[] }).errors.map((e) => e.text), outputs: [] };
  }
}

describe("spocPlugin() on bundle options", () => {
  it.each([
    [{ format: "cjs" }, 'SPOC131: set format: "esm" (got "cjs")'],
    [{ splitting: false }, "SPOC131: remove splitting: false"],
    [{ chunkNames: "chunks/[name]-[hash]" }, 'SPOC131: chunkNames "chunks/[name]-[hash]" puts chunks in a sub-folder'],
  ] as const)("fails on %o", async (options, message) => {
    const { errors } = await bundle(options);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it("adds registry and spoc-worker beside the app's entries, whose names stay", async () => {
    const { errors, outputs } = await bundle({});
    expect(errors).toEqual([]);
    // The entries at the top of outdir; the rest are chunks of the registry's lazy module imports.
    expect(outputs.filter((file) => !/-[A-Z0-9]{8}\.js$/.test(file))).toEqual([
      "registry.js",
      "schema.js",
      "spoc-worker.js",
    ]);
  });
});

describe("spoc() from spoc/esbuild on bundle options", () => {
  /** A CommonJS bundle of cli-clean's schema written to one file, with `plugin`. */
  async function cjsFile(plugin: ReturnType<typeof spoc>): Promise<{ errors: string[]; outputs: string[] }> {
    const root = await copyFixture("cli-clean");
    try {
      const result = await build({
        absWorkingDir: root,
        entryPoints: ["./config/schema.ts"],
        outfile: "out/schema.cjs",
        bundle: true,
        platform: "node",
        format: "cjs",
        write: false,
        packages: "external",
        logLevel: "silent",
        plugins: [plugin],
      });
      return { errors: [], outputs: (result.outputFiles ?? []).map((file) => file.path.slice(root.length + 1)) };
    } catch (error) {
      return { errors: (error as { errors: { text: string }[] }).errors.map((e) => e.text), outputs: [] };
    }
  }

  it("fails a CommonJS bundle to one file, naming the options and the way out", async () => {
    const { errors } = await cjsFile(spoc());
    expect(errors).toEqual([
      expect.stringContaining('SPOC131: set format: "esm" (got "cjs"); spoc\'s esbuild plugin needs'),
      expect.stringContaining("SPOC131: set outdir instead of outfile; spoc's esbuild plugin needs"),
    ]);
    expect(errors[0]).toContain("prepareBundle: false");
  });

  it("with prepareBundle: false, builds it as asked, without spoc's entries", async () => {
    expect(await cjsFile(spoc({ prepareBundle: false }))).toEqual({ errors: [], outputs: ["out/schema.cjs"] });
  });
});
