/**
 * Builds the example app into out/ with esbuild: `npm run build:example` (`--watch` to
 * rebuild on changes). `spoc()` from `spoc/esbuild` regenerates generated/registry.ts at the
 * start of every build, fails the build on diagnostics, and adds what the registry and
 * workers need in a bundle: the entries out/registry.js and out/spoc-worker.js, and code
 * splitting.
 *
 * `spoc` itself resolves to this repository's sources through tsconfig.json's `paths`, so
 * it is bundled; every other package stays external (better-sqlite3 is native).
 */
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import spoc from "spoc/esbuild";

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
  plugins: [spoc({ root })],
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  process.exitCode = await buildBesideThenSwap();
}

/**
 * Builds into a folder beside out/, then moves each new file into out/ (a rename each, so a
 * reader never sees half a file). A failed build leaves out/ as it was, and a program running
 * from out/ keeps its files: nothing it may still load (a worker child, a code-split chunk)
 * is removed, only replaced by its new build.
 */
async function buildBesideThenSwap(): Promise<number> {
  // A build killed before its swap left its folder: remove it once its process is gone.
  for (const name of await readdir(root)) {
    const pid = /^\.out-(\d+)\.tmp$/.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) await rm(join(root, name), { recursive: true, force: true });
  }
  const next = join(root, `.out-${process.pid}.tmp`);
  try {
    await esbuild.build({ ...options, outdir: next });
  } catch {
    // esbuild has already printed the errors
    await rm(next, { recursive: true, force: true });
    return 1;
  }
  await mkdir(outdir, { recursive: true });
  for (const file of await readdir(next, { recursive: true })) {
    const from = join(next, file);
    if (!(await stat(from)).isFile()) continue;
    await mkdir(dirname(join(outdir, file)), { recursive: true });
    await rename(from, join(outdir, file));
  }
  await rm(next, { recursive: true, force: true });
  return 0;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
