/**
 * A cold scan of a large project spends most of its time parsing (oxc hands each tree to
 * JavaScript as JSON on Node 20), one file after the other. `parseAhead` parses the module
 * files a run is about to read on this thread and on worker threads (one per other core)
 * before the scan starts; the scan then takes each file's facts from there when the file's
 * stat is still the one taken before it was read (cached-facts.ts), so its results, and the
 * order it works in, are those of a serial run. Only facts cross between threads, never
 * syntax trees.
 *
 * Below `PARALLEL_THRESHOLD` files to parse (a small project, a warm disk cache, a rerun of a
 * watch session) no worker is started: starting one costs more than it saves. At most one
 * worker per other core (a container's CPU quota counted), up to 7, or `SPOC_PARSE_WORKERS`.
 * A worker that cannot start or fails leaves its files to the scan, which parses them as it
 * always has.
 */
import { type Dirent, existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createScanCache, statFile, type ScanCache } from "../cache.ts";
import { readProject } from "../read/project.ts";
import type { DiskCache } from "./disk-cache.ts";
import { type ParsedFacts, readParsedFacts } from "./parsed-facts.ts";

/** Files to parse from which worker threads pay for their start. */
export const PARALLEL_THRESHOLD = 200;
/** Files per message to a worker; two batches are in flight, so it never waits for the next. */
const WORKER_BATCH = 48;
/** Files this thread parses between looks at the workers' answers. */
const MAIN_BATCH = 12;

/**
 * Parses ahead, into `cache.prefetched`, the module files of the project at `root` that a cold
 * run will parse, when there are more than `PARALLEL_THRESHOLD` and more than one core. Only
 * for a new cache (a watch session's later runs parse what changed). `disk`, the run's disk
 * cache, already knows some files: those are left out.
 */
export async function parseAhead(root: string, cache: ScanCache, disk: DiskCache | undefined): Promise<void> {
  if (cache.run !== 0) return;
  const threads = parseWorkers();
  if (threads < 1 || !mayExceedThreshold(root, disk)) return;
  let listed: string[];
  try {
    listed = moduleFiles(root);
  } catch {
    return; // the run reports what cannot be read, as it always has
  }
  // A file the disk cache holds is probably unchanged: left to the scan, which checks.
  const files = listed.filter((path) => disk?.files.has(path) !== true);
  if (files.length <= PARALLEL_THRESHOLD) return;
  const entry = parseWorkerEntry();
  if (entry === undefined) return;
  cache.prefetched = await parseInParallel(
    files,
    entry,
    Math.min(threads, Math.floor(files.length / PARALLEL_THRESHOLD)),
  );
}

/**
 * How many parse workers a run may start: `SPOC_PARSE_WORKERS` when it is a whole number (0:
 * none), else one per other core the process may use, up to 7.
 */
function parseWorkers(): number {
  const setting = process.env["SPOC_PARSE_WORKERS"]?.trim() ?? "";
  if (/^\d+$/.test(setting)) return Number(setting);
  return Math.min(usableCores(), 8) - 1;
}

/**
 * The cores this process may use: `availableParallelism()`, capped by the CPU quota of its
 * cgroup (v2; a container's `--cpus`), which Node 20 does not take into account.
 */
function usableCores(): number {
  const cores = availableParallelism();
  let quota: number;
  try {
    const [max, period] = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(" ");
    quota = Number(max) / Number(period);
  } catch {
    return cores; // no cgroup v2 (another system)
  }
  return Number.isFinite(quota) && quota > 0 ? Math.max(1, Math.min(cores, Math.ceil(quota))) : cores;
}

/**
 * Whether the project at `root` may have more than `PARALLEL_THRESHOLD` module files that
 * `disk` does not hold, counting every `.ts` file and folder directly in an app's folder (a
 * module file is one of them, or a folder's index.ts). Much cheaper than reading the settings
 * and schema for the exact list, which a small project or a warm disk cache never needs.
 */
function mayExceedThreshold(root: string, disk: DiskCache | undefined): boolean {
  const apps = join(root, "apps");
  let count = 0;
  let names: string[];
  try {
    names = readdirSync(apps);
  } catch {
    return false; // the run reports what cannot be read, as it always has
  }
  for (const name of names) {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(apps, name), { withFileTypes: true });
    } catch {
      continue; // not a folder
    }
    for (const entry of entries) {
      const file = join(apps, name, entry.name);
      const path = entry.name.endsWith(".ts") ? file : join(file, "index.ts");
      if (disk?.files.has(path) !== true && ++count > PARALLEL_THRESHOLD) return true;
    }
  }
  return false;
}

/**
 * The module file of each installed app × schema module (`apps/<app>/<module>.ts` or its
 * `index.ts`), as the scan will locate them.
 */
function moduleFiles(root: string): string[] {
  // A cache of its own: the run's cache must see the project's files as if for the first time.
  const declarations = readProject(root, createScanCache());
  const modules = declarations.schema?.modules ?? [];
  const files: string[] = [];
  for (const app of declarations.apps) {
    if (!app.exists) continue;
    const appDir = join(root, "apps", app.name);
    for (const module of modules) {
      for (const path of [`${appDir}${sep}${module}.ts`, `${appDir}${sep}${module}${sep}index.ts`]) {
        if (statFile(path) === undefined) continue;
        files.push(path);
        break;
      }
    }
  }
  return files;
}

/** The module a parse worker starts from, and tsx's API when that module is TypeScript. */
export interface ParseWorkerEntry {
  readonly url: string;
  readonly tsxApiUrl?: string;
}

/**
 * Parses every file of `paths` on this thread and on `workers` worker threads started from
 * `entry`, sharing them out in batches as each thread is free. Files that could not be read or
 * parsed there are left out (the scan reads them itself). `onThisThread: false` leaves every
 * file to the workers (for tests).
 */
export async function parseInParallel(
  paths: readonly string[],
  entry: ParseWorkerEntry,
  workers: number,
  { onThisThread = true }: { readonly onThisThread?: boolean } = {},
): Promise<Map<string, ParsedFacts>> {
  const parsed = new Map<string, ParsedFacts>();
  const backlog = new Backlog(paths);
  const parseHere = (batch: readonly string[]): void => {
    for (const path of batch) {
      const facts = readParsedFacts(path);
      if (facts !== undefined) parsed.set(path, facts);
    }
  };
  const done = Array.from({ length: workers }, () => runWorker(entry, backlog, parsed));
  for (let batch = onThisThread ? backlog.take(MAIN_BATCH) : []; batch.length > 0; batch = backlog.take(MAIN_BATCH)) {
    parseHere(batch);
    // Lets the workers' answers in, and sends them their next batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.all(done);
  // What a worker that failed gave back.
  if (onThisThread) parseHere(backlog.take(paths.length));
  return parsed;
}

/** The files not handed out yet: first those a failed worker gave back, then the rest in order. */
class Backlog {
  readonly #paths: readonly string[];
  #next = 0;
  readonly #returned: string[] = [];

  constructor(paths: readonly string[]) {
    this.#paths = paths;
  }

  take(count: number): readonly string[] {
    if (this.#returned.length > 0) return this.#returned.splice(0, count);
    const batch = this.#paths.slice(this.#next, this.#next + count);
    this.#next += batch.length;
    return batch;
  }

  giveBack(batch: readonly string[]): void {
    this.#returned.push(...batch);
  }
}

// Evaluated as CommonJS in the new thread: registers tsx when the entry is TypeScript (spoc's
// sources under tsx or vitest), then imports the entry.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.tsxApiUrl !== undefined) (await import(workerData.tsxApiUrl)).register();
  await import(workerData.url);
})();
`;

/**
 * One worker thread, fed batches from `backlog` until there are none; resolves when it is done
 * or has failed (giving its unanswered batches back).
 */
function runWorker(entry: ParseWorkerEntry, backlog: Backlog, parsed: Map<string, ParsedFacts>): Promise<void> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(BOOTSTRAP, { eval: true, workerData: entry });
    } catch {
      resolve();
      return;
    }
    /** Batches sent and not answered yet, oldest first (a worker answers in order). */
    const inFlight: (readonly string[])[] = [];
    const finish = (): void => {
      worker.removeAllListeners();
      worker.on("error", () => {}); // whatever it still says after this is of no use
      void worker.terminate();
      for (const batch of inFlight.splice(0)) backlog.giveBack(batch);
      resolve();
    };
    const send = (): void => {
      const batch = backlog.take(WORKER_BATCH);
      if (batch.length > 0) {
        worker.postMessage(batch);
        inFlight.push(batch);
      } else if (inFlight.length === 0) finish();
    };
    worker.on("message", (answer: readonly ParsedFacts[]) => {
      inFlight.shift();
      for (const facts of answer) parsed.set(facts.path, facts);
      send();
    });
    worker.on("error", finish);
    worker.on("exit", finish);
    send();
    send();
  });
}

/**
 * Where a parse worker starts from, or `undefined` when this code cannot tell (it was bundled
 * into someone else's file): then everything is parsed on this thread.
 *
 * - spoc's sources (this file is `parallel-facts.ts`, under tsx or vitest): `parse-worker.ts`
 *   beside it, through tsx;
 * - the compiled package: `parse-worker.js` beside `dist/codegen/scan/parallel-facts.js`, or
 *   `scan/parse-worker.js` beside `dist/codegen/index.js`, which bundles this file;
 * - a bundle that built the worker too names it in `import.meta.spocParseWorker`
 *   (bin/spoc-dev.js, the repository's CLI).
 */
export function parseWorkerEntry(): ParseWorkerEntry | undefined {
  const defined = (import.meta as ImportMeta & { readonly spocParseWorker?: string }).spocParseWorker;
  if (defined !== undefined) return { url: defined };
  // Not `new URL("./x.js", import.meta.url)`: webpack and rspack would bundle that file as an asset.
  const here = import.meta.url;
  const path = new URL(here).pathname;
  if (path.endsWith("/scan/parallel-facts.ts")) {
    const tsxApiUrl = resolveTsxApi();
    return tsxApiUrl === undefined ? undefined : { url: new URL("./parse-worker.ts", here).href, tsxApiUrl };
  }
  const beside = path.endsWith("/scan/parallel-facts.js")
    ? new URL("./parse-worker.js", here)
    : path.endsWith("/codegen/index.js")
      ? new URL("./scan/parse-worker.js", here)
      : undefined;
  return beside !== undefined && existsSync(beside) ? { url: beside.href } : undefined;
}

/** tsx's `register()` module, for a worker that loads spoc's TypeScript sources. */
function resolveTsxApi(): string | undefined {
  try {
    // `import.meta.resolve` applies the "import" condition; vitest does not provide it.
    if (typeof import.meta.resolve === "function") return import.meta.resolve("tsx/esm/api");
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve("tsx/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      exports?: { "./esm/api"?: { import?: { default?: string } } };
    };
    const api = manifest.exports?.["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
    return new URL(api, pathToFileURL(manifestPath)).href;
  } catch {
    return undefined;
  }
}
