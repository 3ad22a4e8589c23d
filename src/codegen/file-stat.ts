/**
 * A file's stat as spoc's caches keep it, and when a stat may stand for the content it was
 * taken with. Imports nothing of the generator, so the fast paths that only compare stats
 * (fresh-generation.ts) load it alone.
 */
import { statSync } from "node:fs";
import { fieldsOf } from "./_stored.ts";

/**
 * A file's stat: mtime and size (what a watch session compares), and the change time and
 * inode, which an edit cannot leave as they were (what a cache kept between processes compares).
 */
export interface FileStat {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

/**
 * Two edits within one tick of the file system's clock can leave a file's stat as it was, so a
 * stat taken less than this long after the file's last change does not vouch for its content
 * in a later process (git's "racily clean" entries); 2 s covers the coarsest clocks (FAT).
 */
const RACY_MS = 2000;

/**
 * Whether `stat`, taken during a run that started at `started` (`Date.now()`), may stand for
 * the content read after it in a later process: the file was last changed (mtime or change
 * time, which an edit restoring the mtime still moves) well before the run.
 */
export function statVouches(stat: FileStat, started: number): boolean {
  return Math.max(stat.mtimeMs, stat.ctimeMs) < started - RACY_MS;
}

/** The same size, mtime, change time and inode. */
export function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** A value read back from disk shaped like a FileStat. */
export function isFileStat(value: unknown): value is FileStat {
  const stat = fieldsOf<FileStat>(value);
  return (
    stat !== undefined &&
    typeof stat.size === "number" &&
    typeof stat.mtimeMs === "number" &&
    typeof stat.ctimeMs === "number" &&
    typeof stat.ino === "number"
  );
}

/** A file's stat, or `undefined` when it does not exist or is not a file. */
export function statFile(path: string): FileStat | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat?.isFile() ? { mtimeMs: stat.mtimeMs, size: stat.size, ctimeMs: stat.ctimeMs, ino: stat.ino } : undefined;
}
