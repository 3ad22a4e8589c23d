/**
 * Builds the example app into out/ with esbuild: `npm run build:example` (`--watch` to
 * rebuild on changes). `spocPlugin()` regenerates generated/registry.ts at the start of
 * every build, fails the build on diagnostics, and adds what the registry and workers need
 * in a bundle: the entries out/registry.js and out/spoc-worker.js, and code splitting.
 *
 * `spoc` itself resolves to this repository's sources through tsconfig.json's `paths`, so
 * it is bundled; every other package stays external (better-sqlite3 is native).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { spocPlugin } from "spoc/codegen";

const root = fileURLToPath(new URL(".", import.meta.url));
const outdir = join(root, "out");

const options: esbuild.BuildOptions = {
  absWorkingDir: root,
  entryPoints: ["main.ts"],
  outdir,
  format: "esm",
  platform: "node",
  target: "node20",
  bundle: true,
  sourcemap: true,
  packages: "external",
  logLevel: "info",
  plugins: [spocPlugin({ root })],
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await rm(outdir, { recursive: true, force: true });
  try {
    await esbuild.build(options);
  } catch {
    // esbuild has already printed the errors
    process.exitCode = 1;
  }
}
