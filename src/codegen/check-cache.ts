/**
 * `spoc check`'s result kept on disk between processes, with everything it was computed from,
 * so checking a project that has not changed since the last check costs one stat per file
 * instead of a read, a scan and the checks.
 *
 * One file per project, `node_modules/.cache/spoc/check-<hash of the root>.bin`
 * (`v8.serialize`): the diagnostics, the silenced count and the load order; the project's
 * layout (what the configuration files are, the folders under apps/); every file the run read,
 * with its stat and a hash of its content; every path it looked for and found or not found.
 * Baselines, `--changed-since` and the output format are applied to the result afterwards, so
 * they are no part of it.
 *
 * A file counts as unchanged when its size, mtime, change time and inode are the recorded ones:
 * an edit that restores the mtime (`touch -d`, an editor keeping it) still moves the change
 * time, which only the kernel sets. Two edits within one tick of the file system's clock could
 * leave every stat as it was, so a file modified shortly before the run that recorded it is
 * compared by content instead (`statVouches`, git's "racily clean" entries). A file whose
 * stat moved is compared by content too: when the content is the same (a checkout, a `touch`)
 * the result stands and the new stat is recorded. Keyed by spoc's code (code-version.ts); a
 * foreign, corrupt or misshapen file is ignored and replaced, never trusted; a cache that
 * cannot be written is skipped: it is an optimisation, never a reason to fail.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_CONFIG_FILE, SETTINGS_FILE } from "../config/index.ts";
import { ErrorCode } from "../errors.ts";
import { cacheFilePath, readCacheFile, writeCacheFile } from "./_cache-file.ts";
import { contentHash } from "./_hash.ts";
import { compareText } from "./_compare.ts";
import {
  createScanCache,
  type FileStat,
  isFileStat,
  type RunInputs,
  sameStat,
  statFile,
  statVouches,
} from "./cache.ts";
import { codeVersion } from "./code-version.ts";
import type { Diagnostic, PipelineResult } from "./model.ts";
import { runPipeline } from "./pipeline.ts";
import { SCHEMA_FILE } from "./read/project.ts";

/** What `spoc check` reports from: the pipeline's result without the model and the registry. */
export type CheckOutcome = Pick<PipelineResult, "diagnostics" | "silenced" | "loadOrder">;

/** Bumped whenever the stored layout changes. */
const FORMAT = 1;
const MAGIC = "spoc-check-cache";

/** A file the run read: its stat before the read, and the hash of what was read. */
interface StoredFile extends FileStat {
  readonly path: string;
  readonly hash: string;
  /** Whether its stat alone may vouch for its content (`statVouches`). */
  readonly trusted: boolean;
}

interface StoredCheck {
  readonly magic: typeof MAGIC;
  readonly format: number;
  readonly version: string;
  readonly root: string;
  /** `projectLayout(root)` before the run. */
  readonly layout: string;
  readonly files: readonly StoredFile[];
  /** Paths looked for and found to be files, without being read. */
  readonly present: readonly string[];
  /** Paths looked for and found not to be files. */
  readonly absent: readonly string[];
  readonly outcome: CheckOutcome;
}

/** Where the check cache of the project at `root` lives. */
export function checkCacheFile(root: string): string {
  return cacheFilePath(root, "check");
}

/**
 * The check's outcome for the project at `root` (absolute): the stored one when nothing it was
 * computed from changed, else a run of the pipeline (with the scan's disk cache), stored for
 * the next check.
 */
export async function checkWithCache(root: string): Promise<CheckOutcome> {
  const file = checkCacheFile(root);
  const started = Date.now();
  const version = codeVersion();
  const stored = readStored(file, root, version);
  if (stored !== undefined) {
    const verdict = verify(stored, started);
    if (verdict !== "changed") {
      if (verdict !== "unchanged") writeCacheFile(file, verdict);
      return stored.outcome;
    }
  }
  const layout = projectLayout(root);
  const inputs: RunInputs = { files: new Map(), absent: new Set(), probes: undefined };
  const cache = createScanCache();
  cache.inputs = inputs;
  const result = await runPipeline({ root, cache, diskCache: true, render: false });
  const outcome: CheckOutcome = {
    diagnostics: result.diagnostics,
    silenced: result.silenced,
    loadOrder: result.loadOrder,
  };
  writeCacheFile(file, record({ root, version, layout, started }, inputs, outcome));
  return outcome;
}

/** What a check run is recorded under: the project, spoc's code, the layout before the run, its start. */
interface RunKey {
  readonly root: string;
  readonly version: string;
  readonly layout: string;
  readonly started: number;
}

function record({ root, version, layout, started }: RunKey, inputs: RunInputs, outcome: CheckOutcome): StoredCheck {
  const files = [...inputs.files]
    .sort(([a], [b]) => compareText(a, b))
    .map(([path, { stat, hash }]) => storedFile(path, stat, hash, started));
  const present: string[] = [];
  const absent = new Set(inputs.absent);
  for (const [path, isFile] of inputs.probes ?? []) {
    if (!isFile) absent.add(path);
    else if (!inputs.files.has(path)) present.push(path);
  }
  return {
    magic: MAGIC,
    format: FORMAT,
    version,
    root,
    layout,
    files,
    present: present.sort(compareText),
    absent: [...absent].sort(compareText),
    outcome,
  };
}

function storedFile(path: string, stat: FileStat, hash: string, started: number): StoredFile {
  const trusted = statVouches(stat, started);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, hash, trusted };
}

/**
 * Whether the inputs of `stored` are as they were: `"unchanged"`; `"changed"`; or, when some
 * file had to be compared by content and was the same, the record to store in its place.
 */
function verify(stored: StoredCheck, started: number): StoredCheck | "unchanged" | "changed" {
  if (projectLayout(stored.root) !== stored.layout) return "changed";
  for (const path of stored.absent) if (statFile(path) !== undefined) return "changed";
  for (const path of stored.present) if (statFile(path) === undefined) return "changed";
  let files: StoredFile[] | undefined;
  for (let i = 0; i < stored.files.length; i++) {
    const file = stored.files[i] as StoredFile;
    const stat = statFile(file.path);
    if (stat === undefined) return "changed";
    if (file.trusted && sameStat(file, stat)) continue;
    let text: string;
    try {
      text = readFileSync(file.path, "utf8");
    } catch {
      return "changed";
    }
    if (contentHash(text) !== file.hash) return "changed";
    const refreshed = storedFile(file.path, stat, file.hash, started);
    if (file.trusted === refreshed.trusted && sameStat(file, stat)) continue;
    files ??= stored.files.slice();
    files[i] = refreshed;
  }
  return files === undefined ? "unchanged" : { ...stored, files };
}

/**
 * What reading the project's declarations finds on the file system besides file contents:
 * what each configuration file is, and the folders (and links) under apps/.
 */
function projectLayout(root: string): string {
  const lines = [PROJECT_CONFIG_FILE, SETTINGS_FILE, SCHEMA_FILE].map((file) => `${file} ${kindOf(join(root, file))}`);
  const apps = join(root, "apps");
  let entries: Dirent[];
  try {
    entries = readdirSync(apps, { withFileTypes: true });
  } catch (error) {
    return [...lines, `apps ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`].join("\n");
  }
  for (const entry of entries) {
    if (entry.isDirectory()) lines.push(`apps/${entry.name}/`);
    else if (entry.isSymbolicLink()) lines.push(`apps/${entry.name} -> ${kindOf(join(apps, entry.name))}`);
  }
  return lines.sort(compareText).join("\n");
}

function kindOf(path: string): string {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat === undefined ? "missing" : stat.isFile() ? "file" : stat.isDirectory() ? "folder" : "other";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "unreadable";
  }
}

function readStored(file: string, root: string, version: string): StoredCheck | undefined {
  const candidate = readCacheFile<StoredCheck>(file, { magic: MAGIC, format: FORMAT, version });
  if (
    candidate === undefined ||
    candidate.root !== root ||
    typeof candidate.layout !== "string" ||
    !isList(candidate.files, isStoredFile) ||
    !isList(candidate.present, isText) ||
    !isList(candidate.absent, isText) ||
    !isOutcome(candidate.outcome)
  )
    return undefined;
  return candidate as StoredCheck;
}

const codes = new Set<string>(Object.values(ErrorCode));

function isOutcome(value: unknown): value is CheckOutcome {
  const outcome = value as Partial<CheckOutcome> | null;
  return (
    outcome !== null &&
    typeof outcome === "object" &&
    typeof outcome.silenced === "number" &&
    (outcome.loadOrder === undefined || isList(outcome.loadOrder, isText)) &&
    isList(outcome.diagnostics, isDiagnostic)
  );
}

function isDiagnostic(value: unknown): value is Diagnostic {
  const diagnostic = value as Partial<Diagnostic> | null;
  return (
    diagnostic !== null &&
    typeof diagnostic === "object" &&
    codes.has(diagnostic.code as string) &&
    (diagnostic.severity === "error" || diagnostic.severity === "warning") &&
    typeof diagnostic.message === "string" &&
    typeof diagnostic.file === "string" &&
    typeof diagnostic.line === "number" &&
    typeof diagnostic.column === "number"
  );
}

function isStoredFile(value: unknown): value is StoredFile {
  if (!isFileStat(value)) return false;
  const file = value as Partial<StoredFile>;
  return typeof file.path === "string" && typeof file.hash === "string" && typeof file.trusted === "boolean";
}

function isText(value: unknown): value is string {
  return typeof value === "string";
}

function isList<T>(value: unknown, isItem: (item: unknown) => item is T): value is readonly T[] {
  return Array.isArray(value) && value.every(isItem);
}
