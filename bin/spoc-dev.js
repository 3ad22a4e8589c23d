// The `spoc` command in spoc's own repository (`npm run spoc`), where bin/spoc.js finds src/:
// runs src/codegen/cli.ts bundled by esbuild, kept in node_modules/.cache/spoc/cli-<hash>/ and rebuilt when a file under src/
// changes: loading the CLI's TypeScript through tsx costs about 0.3 s on every run, which
// is most of a `spoc gen` of 100 apps. Code splitting keeps what the commands load lazily
// (cli-modules.ts) in chunks of their own, so a `spoc gen` with nothing to do loads only the
// CLI's entry. When the bundle cannot be built or stored, it runs the sources through tsx.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const entry = join(packageRoot, "src", "codegen", "cli.ts");
const workerEntry = join(packageRoot, "src", "codegen", "scan", "parse-worker.ts");
const cacheDir = join(packageRoot, "node_modules", ".cache", "spoc");

/**
 * Path, size and mtime of every source file, package.json, esbuild's version and node's: any
 * edit or upgrade gives a new bundle.
 */
function sourcesFingerprint() {
  const hash = createHash("sha256").update(`${process.version}\n`);
  // esbuild may be installed beside spoc rather than inside it: resolved as spoc resolves it.
  const esbuildManifest = createRequire(import.meta.url).resolve("esbuild/package.json");
  for (const manifest of [join(packageRoot, "package.json"), esbuildManifest]) hash.update(readFileSync(manifest));
  const walk = (dir) => {
    for (const item of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.isFile()) {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${path}\0${size}\0${mtimeMs}\n`);
      }
    }
  };
  walk(join(packageRoot, "src"));
  return hash.digest("hex").slice(0, 16);
}

/** The bundled CLI's entry, built first when missing; `undefined` when it cannot be. */
async function bundledCli() {
  let temporary;
  try {
    const fingerprint = sourcesFingerprint();
    const folder = join(cacheDir, `cli-${fingerprint}`);
    const file = join(folder, "cli.mjs");
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
      markUsed(folder);
      return file;
    }
    const { build } = await import("esbuild");
    mkdirSync(cacheDir, { recursive: true });
    // The thread a cold gen of a large project parses on (src/codegen/scan/parallel-facts.ts),
    // built before the CLI that names it.
    const worker = join(cacheDir, `parse-worker-${fingerprint}.mjs`);
    for (const [source, target, define] of [
      [workerEntry, worker, {}],
      [entry, folder, { "import.meta.spocParseWorker": JSON.stringify(pathToFileURL(worker).href) }],
    ]) {
      // Built beside its final name and renamed, so a concurrent run never imports half a bundle.
      temporary = `${target}.${process.pid}.tmp`;
      const cli = source === entry;
      await build({
        ...(cli
          ? {
              entryPoints: [{ in: source, out: "cli" }],
              outdir: temporary,
              outExtension: { ".js": ".mjs" },
              splitting: true,
            }
          : { entryPoints: [source], outfile: temporary }),
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        packages: "external",
        // The CLI finds package.json relative to its own source file.
        define: { "import.meta.url": JSON.stringify(pathToFileURL(source).href), ...define },
        logLevel: "silent",
      });
      try {
        renameSync(temporary, target);
      } catch (error) {
        // Another run built the same sources meanwhile (a folder cannot be renamed over): use its bundle.
        if (!cli || !statSync(file, { throwIfNoEntry: false })?.isFile()) throw error;
        removeQuietly(temporary);
      }
      temporary = undefined;
    }
    for (const name of readdirSync(cacheDir)) {
      // Other sources' bundles: the CLI's folder (a file `cli-<hash>.mjs` before code splitting), the worker's file.
      // Kept while a run may have started from them lately: a process loads its chunks (a
      // command's code, the parse worker) after its start, and the sources may change meanwhile.
      const built = /^(cli|parse-worker)-(\w+)(\.mjs)?$/.exec(name);
      if (built !== null && built[2] !== fingerprint && !usedLately(join(cacheDir, `cli-${built[2]}`)))
        removeQuietly(join(cacheDir, name));
      // A build killed before its rename leaves `<name>-<hash>[.mjs].<pid>.tmp`.
      const builder = /^(?:cli|parse-worker)-.*\.(\d+)\.tmp$/.exec(name)?.[1];
      if (builder !== undefined && !isRunning(Number(builder))) removeQuietly(join(cacheDir, name));
    }
    return file;
  } catch {
    if (temporary !== undefined) removeQuietly(temporary);
    return undefined;
  }
}

/** How long after its last run a bundle of other sources is kept. */
const KEPT_AFTER_USE_MS = 10 * 60_000;

/** Records a run from the bundle in `folder` (its mtime). */
function markUsed(folder) {
  try {
    const now = new Date();
    utimesSync(folder, now, now);
  } catch {
    // a bundle removed meanwhile, or a read-only cache: it is only kept less long
  }
}

/** Whether a run started from the bundle in `folder` within KEPT_AFTER_USE_MS. */
function usedLately(folder) {
  const used = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
  return used !== undefined && Date.now() - used < KEPT_AFTER_USE_MS;
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

function removeQuietly(path) {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // left for the next build to replace
  }
}

/** The CLI's entry point from the bundle, or `undefined` when it cannot be built or loaded. */
async function bundledRunCli() {
  const bundle = await bundledCli();
  if (bundle === undefined) return undefined;
  try {
    return (await import(pathToFileURL(bundle).href)).runCli;
  } catch {
    // Removed meanwhile by a run of newer sources, or broken: the next run builds it again.
    removeQuietly(dirname(bundle));
    return undefined;
  }
}

/** The CLI's `runCli` from the sources: bundled, or through tsx. Not shipped in the package. */
export async function loadSourceCli() {
  const runCli = process.env.SPOC_CLI_TSX === "1" ? undefined : await bundledRunCli();
  if (runCli !== undefined) return runCli;
  const { register } = await import("tsx/esm/api");
  register();
  return (await import("../src/codegen/cli.ts")).runCli;
}
