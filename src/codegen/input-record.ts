/**
 * What a run of the pipeline read from the file system, kept on disk so that a later process
 * can tell, with one stat per file, that a result computed from it still stands: `spoc check`'s
 * result (check-cache.ts) and the last generation (fresh-generation.ts).
 *
 * Recorded: the project's layout (what the configuration files are, the folders under apps/);
 * every file the run read, with its stat and a hash of its content; every path it looked for
 * and found or not found. A file counts as unchanged when its size, mtime, change time and
 * inode are the recorded ones: an edit that restores the mtime (`touch -d`, an editor keeping
 * it) still moves the change time, which only the kernel sets. Two edits within one tick of the
 * file system's clock could leave every stat as it was, so a file modified shortly before the
 * run that recorded it is compared by content instead (`statVouches`, git's "racily clean"
 * entries). A file whose stat moved is compared by content too: when the content is the same
 * (a checkout, a `touch`) the result stands and the new stat is recorded.
 *
 * Loads nothing of the generator: the fast paths that answer "nothing changed" use it alone.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_CONFIG_FILE, SCHEMA_FILE, SETTINGS_FILE } from "../config/files.ts";
import { compareText } from "./_compare.ts";
import { contentHash } from "./_hash.ts";
import { fieldsOf, isList, isText } from "./_stored.ts";
import { type FileStat, isFileStat, sameStat, statFile, statVouches } from "./file-stat.ts";

/** What one run read from the file system (filled by the pipeline through `ScanCache.inputs`). */
export interface RunInputs {
  /** Absolute path → the stat before the read and a hash of the content read. */
  readonly files: Map<string, { readonly stat: FileStat; readonly hash: string }>;
  /** Absolute paths the run found not to be files. */
  readonly absent: Set<string>;
  /** Absolute path → whether it is a file, for every path the scan probed (resolve.ts). */
  probes: ReadonlyMap<string, boolean> | undefined;
}

/** A file the run read: its stat before the read, and the hash of what was read. */
export interface StoredFile extends FileStat {
  readonly path: string;
  readonly hash: string;
  /** Whether its stat alone may vouch for its content (`statVouches`). */
  readonly trusted: boolean;
}

/** A run's inputs as kept on disk. */
export interface StoredInputs {
  /** `projectLayout(root)` before the run. */
  readonly layout: string;
  readonly files: readonly StoredFile[];
  /** Paths looked for and found to be files, without being read. */
  readonly present: readonly string[];
  /** Paths looked for and found not to be files. */
  readonly absent: readonly string[];
}

/** A run's inputs to keep: `layout` taken before the run, which started at `started` (`Date.now()`). */
export function storeInputs(layout: string, inputs: RunInputs, started: number): StoredInputs {
  const files = [...inputs.files]
    .sort(([a], [b]) => compareText(a, b))
    .map(([path, { stat, hash }]) => storedFile(path, stat, hash, started));
  const present: string[] = [];
  const absent = new Set(inputs.absent);
  for (const [path, isFile] of inputs.probes ?? []) {
    if (!isFile) absent.add(path);
    else if (!inputs.files.has(path)) present.push(path);
  }
  return { layout, files, present: present.sort(compareText), absent: [...absent].sort(compareText) };
}

/** A file as recorded: `stat` taken before its content (hashed as `hash`) was read, by a run that started at `started`. */
export function storedFile(path: string, stat: FileStat, hash: string, started: number): StoredFile {
  const trusted = statVouches(stat, started);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, hash, trusted };
}

/**
 * Whether the inputs of the project at `root` are as `stored` says: `"unchanged"`; `"changed"`;
 * or, when some file had to be compared by content and was the same, the inputs to store in
 * their place. `started` is when this run started (`Date.now()`).
 */
export function verifyInputs(
  stored: StoredInputs,
  root: string,
  started: number,
): StoredInputs | "unchanged" | "changed" {
  if (projectLayout(root) !== stored.layout) return "changed";
  for (const path of stored.absent) if (currentStat(path) !== undefined) return "changed";
  for (const path of stored.present) if (!currentStat(path)) return "changed";
  const files = verifyFiles(stored.files, started);
  return typeof files === "string" ? files : { ...stored, files };
}

/**
 * Whether each of `files` holds what was recorded: `"unchanged"`; `"changed"`; or, when some
 * file had to be compared by content and was the same, the list to store in its place.
 */
export function verifyFiles(
  stored: readonly StoredFile[],
  started: number,
): readonly StoredFile[] | "unchanged" | "changed" {
  let files: StoredFile[] | undefined;
  for (let i = 0; i < stored.length; i++) {
    const file = stored[i] as StoredFile;
    const stat = currentStat(file.path);
    if (!stat) return "changed";
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
    files ??= stored.slice();
    files[i] = refreshed;
  }
  return files ?? "unchanged";
}

/**
 * The stat of a recorded path now; `null` when it cannot be taken (a part of the path is a
 * file now, ENOTDIR; EACCES), which counts as a change: the full run that follows reads only
 * what the project reads now, and reports a real problem with a location.
 */
function currentStat(path: string): FileStat | undefined | null {
  try {
    return statFile(path);
  } catch {
    return null;
  }
}

/**
 * What reading the project's declarations finds on the file system besides file contents:
 * what each configuration file is, and the folders (and links) under apps/.
 */
export function projectLayout(root: string): string {
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

/** A value read back from disk shaped like `StoredInputs`. */
export function isStoredInputs(value: unknown): value is StoredInputs {
  const inputs = fieldsOf<StoredInputs>(value);
  return (
    inputs !== undefined &&
    typeof inputs.layout === "string" &&
    isList(inputs.files, isStoredFile) &&
    isList(inputs.present, isText) &&
    isList(inputs.absent, isText)
  );
}

export function isStoredFile(value: unknown): value is StoredFile {
  if (!isFileStat(value)) return false;
  const file = value as Partial<StoredFile>;
  return typeof file.path === "string" && typeof file.hash === "string" && typeof file.trusted === "boolean";
}
