/**
 * The per-file cache shared by runs of the pipeline (watch mode, the esbuild plugin): what was
 * read from a file is kept with the file's mtime and size, so a rerun after one file changed
 * parses only that file.
 */
import { readFileSync, statSync } from "node:fs";
import type { ts } from "ts-morph";
import { parseTypeScript } from "./_ast.ts";

/** What one file produced, with the stat it was read at. */
interface CacheEntry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly value: unknown;
  /** The run that last used it; entries a run does not use are dropped at its end. */
  run: number;
}

/** Per-file scan results kept between runs. Create one with `createScanCache()`. */
export interface ScanCache {
  /** How many files were parsed with TypeScript through this cache (for tests and benchmarks). */
  parses: number;
  /** @internal keyed by `"<reader>:<absolute path>"`. */
  readonly entries: Map<string, CacheEntry>;
  /** @internal incremented by every run. */
  run: number;
}

/** A new, empty cache. Pass the same one to every `runPipeline` call of a watch session. */
export function createScanCache(): ScanCache {
  return { parses: 0, entries: new Map(), run: 0 };
}

/** A file's stat, or `undefined` when it does not exist or is not a file. */
export function statFile(path: string): { mtimeMs: number; size: number } | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat?.isFile() ? { mtimeMs: stat.mtimeMs, size: stat.size } : undefined;
}

/**
 * What `read` makes of the file at `path`, from the cache when the file's mtime and size are
 * unchanged. `undefined` when the file does not exist. `read` must depend on the text alone.
 */
export function readCached<T>(cache: ScanCache, reader: string, path: string, read: (text: string) => T): T | undefined {
  const stat = statFile(path);
  if (stat === undefined) return undefined;
  const key = `${reader}:${path}`;
  const entry = cache.entries.get(key);
  if (entry !== undefined && entry.mtimeMs === stat.mtimeMs && entry.size === stat.size) {
    entry.run = cache.run;
    return entry.value as T;
  }
  const value = read(readFileSync(path, "utf8"));
  cache.entries.set(key, { mtimeMs: stat.mtimeMs, size: stat.size, value, run: cache.run });
  return value;
}

/** `readCached` for readers of the syntax tree: parses the file (counted in `cache.parses`) when it changed. */
export function readParsed<T>(cache: ScanCache, reader: string, path: string, read: (source: ts.SourceFile) => T): T | undefined {
  return readCached(cache, reader, path, (text) => {
    cache.parses++;
    return read(parseTypeScript(path, text));
  });
}

/** Starts a run: entries not used by it are dropped by `endRun`. */
export function beginRun(cache: ScanCache): void {
  cache.run++;
}

/** Drops entries of files the run did not read (deleted or no longer part of the project). */
export function endRun(cache: ScanCache): void {
  for (const [key, entry] of cache.entries) if (entry.run !== cache.run) cache.entries.delete(key);
}
