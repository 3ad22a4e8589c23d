/**
 * One esbuild build of the example in this fresh process, into a temporary folder:
 *
 *   node --import tsx bench/build-once.ts with|without|same-output <outdir> [<spoc checkout>]
 *
 * - `with`: the plugin as a user of esbuild imports it, `spoc()` from `spoc/esbuild`;
 * - `without`: the plain build (main.ts alone);
 * - `same-output`: no plugin, but the entries and code splitting the plugin adds to a bundle
 *   (the registry, the worker child `spoc-worker`), so its output is the same as `with`'s:
 *   against it, `with` shows the plugin's own cost (loading, generating), not its extra output.
 *
 * Reports the time from before the build tools are imported to the end of the build (so the
 * plugin's own loading is counted) as `ms`, and this process's CPU time as `cpuMs` (esbuild's
 * own process not included). The plugin is loaded from dist/ (`npm run build`), as the
 * published package ships it (`spoc/esbuild` resolves to dist/codegen/bundler/esbuild.js,
 * which loads the generator from dist/codegen/index.js when a build has something to
 * generate); every variant runs under tsx alike. `<spoc checkout>` (default: this one) is where
 * the plugin and the worker child are loaded from: another checkout's dist/, for a baseline.
 */
import { join } from "node:path";
import type { BuildOptions } from "esbuild";
import type * as SpocEsbuild from "../src/codegen/bundler/esbuild.ts";
import { report } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

const started = performance.now();
const cpuAtStart = process.cpuUsage();
const [variant, outdir, checkout = REPO_ROOT] = process.argv.slice(2);
if ((variant !== "with" && variant !== "without" && variant !== "same-output") || outdir === undefined)
  throw new Error("usage: build-once.ts with|without|same-output <outdir>");
const esbuild = await import("esbuild");
const options: BuildOptions = {
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
};
if (variant === "with") {
  const compiled = join(checkout, "dist", "codegen", "bundler", "esbuild.js");
  options.plugins = [((await import(compiled)) as typeof SpocEsbuild).default({ root: REPO_ROOT })];
} else if (variant === "same-output") {
  // What prepareBundle() (src/codegen/bundle-entries.ts) adds, written out.
  options.entryPoints = [
    { in: join(REPO_ROOT, "main.ts"), out: "main" },
    { in: join(REPO_ROOT, "generated", "registry.ts"), out: "registry" },
    { in: join(checkout, "dist", "workers", "child.js"), out: "spoc-worker" },
  ];
  options.splitting = true;
}
await esbuild.build(options);
const cpu = process.cpuUsage(cpuAtStart);
report({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
