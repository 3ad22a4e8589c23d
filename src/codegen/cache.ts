/**
 * The per-file cache shared by runs of the pipeline (watch mode, the esbuild plugin): what was
 * read from a file is kept with the file's mtime and size, so a rerun after one file changed
 * parses only that file. What the stages keep between runs is in `memo` (incremental.ts).
 */
import { readFileSync } from "node:fs";
import { contentHash } from "./_hash.ts";
import { type FileStat, statFile } from "./file-stat.ts";
import { SessionMemo } from "./incremental.ts";
import type { RunInputs } from "./input-record.ts";
import type { DiskCache } from "./scan/disk-cache.ts";
import type { ParsedFacts } from "./scan/parsed-facts.ts";

export { type FileStat, isFileStat, sameStat, statFile, statVouches } from "./file-stat.ts";
export type { RunInputs } from "./input-record.ts";

/** What one file produced, with the stat it was read at. */
interface CacheEntry {
  readonly stat: FileStat;
  readonly value: unknown;
  /** The run that last used it; entries a run does not use are dropped at its end. */
  run: number;
}

/** Per-file scan results kept between runs. Create one with `createScanCache()`. */
export interface ScanCache {
  /** How many files were parsed (by oxc) through this cache, not taken from it (for tests and benchmarks). */
  parses: number;
  /** @internal reader → absolute path → entry. */
  readonly entries: Map<string, Map<string, CacheEntry>>;
  /** @internal incremented by every run. */
  run: number;
  /** @internal the disk cache the current run reads and fills (`PipelineOptions.diskCache`), during that run. */
  disk: DiskCache | undefined;
  /** @internal what the stages keep for the next run (unchanged modules, the last render…). */
  readonly memo: SessionMemo;
  /**
   * @internal set by `beginRun` when the caller knows which files changed since the last run:
   * the other files that run read are trusted without a stat.
   */
  changed: ReadonlySet<string> | undefined;
  /**
   * @internal set by a caller that keeps the run's result (check-cache.ts): every file the run
   * read or looked for. Complete only for a run with a new cache (nothing served from memory).
   */
  inputs: RunInputs | undefined;
  /**
   * @internal facts parsed ahead of a cold run on several threads (scan/parallel-facts.ts), by
   * absolute path, each taken by the scan when it reads the same content; during that run.
   */
  prefetched: Map<string, ParsedFacts> | undefined;
}

/** A new, empty cache. Pass the same one to every `runPipeline` call of a watch session. */
export function createScanCache(): ScanCache {
  return {
    parses: 0,
    entries: new Map(),
    run: 0,
    memo: new SessionMemo(),
    disk: undefined,
    changed: undefined,
    inputs: undefined,
    prefetched: undefined,
  };
}

/**
 * What `read` makes of the file at `path`, from the cache when the file's mtime and size are
 * unchanged. `undefined` when the file does not exist. `read` must depend on the text alone
 * (`stat` is the file's, taken before the read; `hash()` the content's, computed at most once
 * a read). Each file is checked against the file system once per run; pass `stat` when the
 * caller has just taken it. `known`, when given, may answer from the stat alone (a cache on
 * disk), with the hash of the content it stands for.
 */
export function readCached<T>(
  cache: ScanCache,
  reader: string,
  path: string,
  read: (text: string, stat: FileStat, hash: () => string) => T,
  stat?: FileStat,
  known?: (stat: FileStat) => { readonly value: T; readonly hash: string } | undefined,
): T | undefined {
  let entries = cache.entries.get(reader);
  if (entries === undefined) cache.entries.set(reader, (entries = new Map()));
  const entry = entries.get(path);
  if (entry !== undefined && entry.run === cache.run) return entry.value as T;
  const current = stat ?? trustedStat(cache, reader, path) ?? statFile(path);
  if (current === undefined) {
    cache.inputs?.absent.add(path);
    return undefined;
  }
  if (entry !== undefined && entry.stat.mtimeMs === current.mtimeMs && entry.stat.size === current.size) {
    entry.run = cache.run;
    return entry.value as T;
  }
  const answer = known?.(current);
  if (answer !== undefined) {
    cache.inputs?.files.set(path, { stat: current, hash: answer.hash });
    entries.set(path, { stat: current, value: answer.value, run: cache.run });
    return answer.value;
  }
  const text = readFileSync(path, "utf8");
  let hash: string | undefined;
  const hashOf = (): string => (hash ??= contentHash(text));
  cache.inputs?.files.set(path, { stat: current, hash: hashOf() });
  const value = read(text, current, hashOf);
  entries.set(path, { stat: current, value, run: cache.run });
  return value;
}

/**
 * The stat the previous run saw for `path`, when the caller of this run said which files
 * changed and `path` is not one of them; else `undefined` (ask the file system).
 */
export function trustedStat(cache: ScanCache, reader: string, path: string): FileStat | undefined {
  if (cache.changed === undefined || cache.changed.has(path)) return undefined;
  const entry = cache.entries.get(reader)?.get(path);
  return entry !== undefined && entry.run >= cache.run - 1 ? entry.stat : undefined;
}

/**
 * Starts a run: entries not used by it are dropped by `endRun`. `changed` (absolute paths),
 * when given, lists every file created, changed or deleted since the previous run; files not
 * in it are not stat'ed again.
 */
export function beginRun(cache: ScanCache, changed?: Iterable<string>): void {
  cache.run++;
  cache.changed = changed === undefined ? undefined : new Set(changed);
}

/**
 * Keeps `reader`'s entries that the previous run used, as if this run had used them too: for a
 * run told which files changed, which reuses the previous run's reading of every other file.
 */
export function carryOver(cache: ScanCache, reader: string): void {
  for (const entry of cache.entries.get(reader)?.values() ?? []) if (entry.run === cache.run - 1) entry.run = cache.run;
}

/** Drops entries of files the run did not read (deleted or no longer part of the project). */
export function endRun(cache: ScanCache): void {
  for (const entries of cache.entries.values()) {
    for (const [path, entry] of entries) if (entry.run !== cache.run) entries.delete(path);
  }
}
