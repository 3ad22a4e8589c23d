/**
 * The scan's results kept on disk between processes, so a second `spoc check` or `spoc gen`
 * (or the ESLint plugin starting in an editor) parses only files whose content changed.
 *
 * One file per project, `node_modules/.cache/spoc/scan-<hash of the root>.bin`: the file facts
 * (file-facts.ts) of each file, keyed by a hash of its content, written with `v8.serialize`.
 * With each entry its file's stat, when it may vouch for the content (`statVouches`): a file
 * whose stat is the recorded one is not read again (one stat instead of a read and a hash).
 * The file records spoc's version and a hash of the code that reads files (the readers'
 * sources), so facts read by other code are never used; a foreign or corrupt file is ignored
 * (and replaced), never trusted. Writing is atomic (temp file + rename)
 * and only when a run parsed something new; a cache that cannot be written is skipped silently:
 * it is an optimisation, never a reason to fail.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cacheFilePath, readCacheFile, writeCacheFile } from "../_cache-file.ts";
import { fieldsOf } from "../_stored.ts";
import { type FileStat, isFileStat, sameStat, statVouches } from "../cache.ts";
import type { FileFacts } from "./file-facts.ts";
import { packageVersion } from "../package-manifest.ts";
import { parserVersions } from "../parser-versions.ts";

/** Bumped whenever this file's layout changes. */
const FORMAT = 2;
/** The modules whose code decides the facts read from a file, relative to this one. */
const READERS = [
  "./file-facts",
  "./file-facts-ts",
  "./finish-facts",
  "../parse/estree",
  "../parse/ast",
  "../parse/hollow-blocks",
];
const MAGIC = "spoc-scan-cache";

/** The facts read from a file, the hash of its content, and its stat when that vouches for the content. */
interface StoredFacts {
  readonly hash: string;
  readonly facts: FileFacts;
  readonly stat: FileStat | undefined;
}

interface StoredCache {
  readonly magic: typeof MAGIC;
  readonly format: number;
  readonly version: string;
  /** By absolute path. */
  readonly files: Map<string, StoredFacts>;
}

/** The disk cache of one project, open for one run of the pipeline. */
export interface DiskCache {
  readonly file: string;
  /** The readers' version this run stores under (and read the file with). */
  readonly version: string;
  readonly files: Map<string, StoredFacts>;
  /** When the run started (`Date.now()`), which decides whether a stat vouches for a content. */
  readonly started: number;
  /** Whether this run added or replaced an entry (then `saveDiskCache` writes). */
  changed: boolean;
  /** Paths this run read, so entries of files gone from the project are dropped. */
  readonly used: Set<string>;
}

/** Where the cache of the project at `root` lives. */
export function diskCacheFile(root: string): string {
  return cacheFilePath(root, "scan");
}

/** Opens (reads) the cache of the project at `root`; an unreadable or foreign cache starts empty. */
export function openDiskCache(root: string): DiskCache {
  const started = Date.now();
  const file = diskCacheFile(root);
  const version = readersVersion();
  return { file, version, files: readStored(file, version) ?? new Map(), started, changed: false, used: new Set() };
}

function readStored(file: string, version: string): StoredCache["files"] | undefined {
  const files = readCacheFile<StoredCache>(file, { magic: MAGIC, format: FORMAT, version })?.files;
  return files instanceof Map ? files : undefined;
}

/**
 * The stored facts of `path` and the hash of their content, when the file's `stat` is the one
 * recorded with them: then the file need not be read.
 */
export function factsByStat(
  cache: DiskCache,
  path: string,
  stat: FileStat,
): { readonly value: FileFacts; readonly hash: string } | undefined {
  const stored = cache.files.get(path);
  if (stored?.stat === undefined || !isFileStat(stored.stat) || !sameStat(stored.stat, stat) || !isFacts(stored.facts))
    return undefined;
  cache.used.add(path);
  return { value: stored.facts, hash: stored.hash };
}

/**
 * The facts of `path` whose content hashes to `hash` (read after taking `stat`): the stored
 * ones when the content is the same, else `read()`, stored for the next run.
 */
export function factsThroughDisk(
  cache: DiskCache,
  path: string,
  hash: string,
  stat: FileStat,
  read: () => FileFacts,
): FileFacts {
  cache.used.add(path);
  const stored = cache.files.get(path);
  const vouching = statVouches(stat, cache.started) ? stat : undefined;
  if (stored !== undefined && stored.hash === hash && isFacts(stored.facts)) {
    const same =
      stored.stat === vouching ||
      (stored.stat !== undefined && vouching !== undefined && sameStat(stored.stat, vouching));
    if (!same) {
      cache.files.set(path, { ...stored, stat: vouching });
      cache.changed = true;
    }
    return stored.facts;
  }
  const facts = read();
  storeFacts(cache, path, hash, stat, facts);
  return facts;
}

/** Stores `facts` read from `path` (whose content hashes to `hash`, read after taking `stat`) for the next run. */
export function storeFacts(cache: DiskCache, path: string, hash: string, stat: FileStat, facts: FileFacts): void {
  cache.used.add(path);
  cache.files.set(path, { hash, facts, stat: statVouches(stat, cache.started) ? stat : undefined });
  cache.changed = true;
}

/** Writes the cache when the run changed it, without the files the run no longer read. */
export function saveDiskCache(cache: DiskCache): void {
  for (const path of cache.files.keys()) {
    if (!cache.used.has(path)) {
      cache.files.delete(path);
      cache.changed = true;
    }
  }
  if (!cache.changed) return;
  const stored: StoredCache = { magic: MAGIC, format: FORMAT, version: cache.version, files: cache.files };
  // Not written (a read-only node_modules, a full disk): the next run parses again, nothing else changes.
  if (writeCacheFile(cache.file, stored)) cache.changed = false;
}

/** A stored value shaped like FileFacts (the maps and arrays every reader walks). */
function isFacts(value: unknown): value is FileFacts {
  const facts = fieldsOf<FileFacts>(value);
  return (
    facts !== undefined &&
    Array.isArray(facts.imports) &&
    facts.bindings instanceof Map &&
    facts.exports instanceof Map &&
    Array.isArray(facts.reExports) &&
    facts.candidates instanceof Map &&
    facts.registrars instanceof Map &&
    facts.instances instanceof Map &&
    Array.isArray(facts.addedKinds) &&
    Array.isArray(facts.redeclared)
  );
}

/**
 * spoc's version, a hash of the readers' code (`.ts` in the sources, `.js` in the package) and
 * the parsers' versions: a cache written by other code than this is never read. Taken once per `openDiskCache`.
 */
function readersVersion(): string {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  // This file's place, or (in dist/codegen/index.js, which bundles it) where tsc put it, so
  // the bundled plugin and the CLI share one cache.
  const hash =
    readersHash(new URL(import.meta.url), extension) ??
    readersHash(new URL(`./scan/disk-cache${extension}`, import.meta.url), extension);
  // Bundled elsewhere: the readers are inside the bundle, so the bundle is the code.
  return `${packageVersion() ?? "unknown"} ${
    hash ??
    createHash("sha1")
      .update(readFileSync(new URL(import.meta.url)))
      .digest("hex")
  } ${parserVersions()}`;
}

function readersHash(self: URL, extension: string): string | undefined {
  const hash = createHash("sha1");
  try {
    for (const reader of READERS) hash.update(readFileSync(new URL(`${reader}${extension}`, self)));
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}
