/**
 * The files spoc keeps caches in between processes, `node_modules/.cache/spoc/<kind>-<hash of
 * the root>.bin`: a `v8.serialize`d record that starts with a header naming what it is and
 * the code that wrote it. A missing, corrupt or foreign file reads as nothing; a file that
 * cannot be written is skipped: a cache is an optimisation, never a reason to fail.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { threadId } from "node:worker_threads";

/** What a cache file is (`magic`, `format`) and which code wrote it (`version`). */
export interface CacheHeader {
  readonly magic: string;
  /** Bumped whenever the record's layout changes. */
  readonly format: number;
  readonly version: string;
}

/** Where the cache of `kind` of the project at `root` lives. */
export function cacheFilePath(root: string, kind: string): string {
  const id = createHash("sha1").update(root).digest("hex").slice(0, 16);
  return join(root, "node_modules", ".cache", "spoc", `${kind}-${id}.bin`);
}

/**
 * The record in `file` when it starts with `header`, else `undefined` (missing, unreadable,
 * not a v8 serialization, or written by other code). Its other fields are unchecked.
 */
export function readCacheFile<T extends CacheHeader>(file: string, header: CacheHeader): Partial<T> | undefined {
  let stored: unknown;
  try {
    stored = deserialize(readFileSync(file));
  } catch {
    return undefined;
  }
  const candidate = stored as Partial<CacheHeader> | null;
  if (
    candidate === null ||
    typeof candidate !== "object" ||
    candidate.magic !== header.magic ||
    candidate.format !== header.format ||
    candidate.version !== header.version
  )
    return undefined;
  return candidate as Partial<T>;
}

/** Writes `record` to `file` atomically (temp file + rename); `false` when it cannot be written. */
export function writeCacheFile(file: string, record: CacheHeader): boolean {
  // Unique to this write: threads of one process (parallel builds) share its pid.
  const temp = `${file}.${process.pid}-${threadId}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(temp, serialize(record));
    renameSync(temp, file);
    return true;
  } catch {
    removeQuietly(temp); // a full disk may have left part of it: its name is never used again
    return false; // a read-only node_modules or a full disk
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing was written there
  }
}
