/**
 * `spoc gen`, `spoc check` and the esbuild plugin parse with oxc: TypeScript (ts-morph) takes
 * about half a second to load, and must not be loaded unless a file does not parse or `spoc add
 * app` edits source. Checked in a fresh process, through Node's module cache.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, repoRoot, runScript } from "./_project.ts";

afterAll(removeCopies);

/** Runs the CLI (`cli`: its sources, or a bundle of them) in a child and says whether ts-morph was loaded. */
function loadsTypeScript(
  args: readonly string[],
  cli = join(repoRoot, "src/codegen/cli.ts"),
): Promise<{ loaded: boolean; code: number }> {
  const script = `
    import { createRequire } from "node:module";
    const { runCli } = await import(${JSON.stringify(cli)});
    const quiet = { stdout: () => {}, stderr: () => {}, color: false };
    const code = await runCli(${JSON.stringify(args)}, quiet);
    const cache = createRequire(import.meta.url).cache;
    const loaded = Object.keys(cache).some((path) => path.includes("ts-morph"));
    console.log(JSON.stringify({ loaded, code }));
  `;
  return runScript(script) as Promise<{ loaded: boolean; code: number }>;
}

describe("TypeScript is not loaded", () => {
  it("by spoc check and spoc gen --check of a project that parses", async () => {
    expect(await loadsTypeScript(["check", "--root", repoRoot])).toEqual({ loaded: false, code: 0 });
    expect(await loadsTypeScript(["gen", "--check", "--root", repoRoot])).toEqual({ loaded: false, code: 0 });
  });

  it("by the CLI bundled with its packages external (a bundler hoists static imports of packages)", async () => {
    await mkdir(join(repoRoot, "node_modules", ".cache"), { recursive: true });
    const dir = await mkdtemp(join(repoRoot, "node_modules", ".cache", "spoc-test-"));
    const bundle = join(dir, "cli.mjs");
    try {
      await build({
        entryPoints: [join(repoRoot, "src/codegen/cli.ts")],
        outfile: bundle,
        bundle: true,
        format: "esm",
        platform: "node",
        packages: "external",
        logLevel: "error",
      });
      expect(await loadsTypeScript(["gen", "--check", "--root", repoRoot], bundle)).toEqual({ loaded: false, code: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("but is, for the exact message, when a file does not parse", async () => {
    const root = await copyFixture("layer-violation");
    await writeFile(join(root, "apps/blog/views.ts"), "export const broken = ;\n");
    expect(await loadsTypeScript(["check", "--root", root])).toEqual({ loaded: true, code: 1 });
  });
});
