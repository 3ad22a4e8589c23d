/**
 * One esbuild build of the example in this fresh process, with `spocPlugin()` or without it,
 * into a temporary folder. Reports the time from before the build tools are imported to the end
 * of the build, so the plugin's own loading is counted.
 *
 *   node --import tsx bench/build-once.ts with|without <outdir>
 *
 * The plugin is loaded from dist/ (`npm run build`), compiled as the published package ships
 * it; both variants run under tsx alike.
 */
import { join } from "node:path";
import type * as Codegen from "../src/codegen/index.ts";
import { report } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

const started = performance.now();
const [variant, outdir] = process.argv.slice(2);
if ((variant !== "with" && variant !== "without") || outdir === undefined)
  throw new Error("usage: build-once.ts with|without <outdir>");
const esbuild = await import("esbuild");
const compiled = join(REPO_ROOT, "dist", "codegen", "index.js");
const plugins =
  variant === "with" ? [((await import(compiled)) as typeof Codegen).spocPlugin({ root: REPO_ROOT })] : [];
await esbuild.build({
  absWorkingDir: REPO_ROOT,
  entryPoints: [join(REPO_ROOT, "main.ts")],
  outdir,
  format: "esm",
  platform: "node",
  target: "node20",
  bundle: true,
  sourcemap: true,
  packages: "external",
  logLevel: "error",
  plugins,
});
report({ ms: performance.now() - started });
