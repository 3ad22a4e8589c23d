/**
 * The facts of a file through the caches: the per-file cache of the run (cache.ts), the facts
 * parsed ahead of the scan on several threads (parallel-facts.ts), and the disk cache between
 * processes (disk-cache.ts); the file is read and parsed here only when none of them has it.
 */
import { readCached, sameStat, type FileStat, type ScanCache } from "../cache.ts";
import { factsByStat, factsThroughDisk, storeFacts } from "./disk-cache.ts";
import { factsOfText, type FileFacts } from "./file-facts.ts";

/** The cache's reader name for file facts. */
export const FACTS_READER = "facts";

/** The facts of the file at `path` (cached per file), or `undefined` when it does not exist. */
export function cachedFacts(cache: ScanCache, path: string, stat?: FileStat): FileFacts | undefined {
  const disk = cache.disk;
  return readCached(
    cache,
    FACTS_READER,
    path,
    (text, current, hash) => {
      const read = (): FileFacts => {
        cache.parses++;
        return factsOfText(path, text);
      };
      return disk === undefined ? read() : factsThroughDisk(disk, path, hash(), current, read);
    },
    stat,
    cache.prefetched === undefined && disk === undefined
      ? undefined
      : (current) =>
          parsedAhead(cache, path, current) ?? (disk === undefined ? undefined : factsByStat(disk, path, current)),
  );
}

/**
 * The facts parsed ahead of the scan (parallel-facts.ts) of the file as it is now: its stat is
 * the one taken before that read, so the file was not changed since. Taken once, and kept in
 * the disk cache like facts parsed here.
 */
function parsedAhead(
  cache: ScanCache,
  path: string,
  stat: FileStat,
): { readonly value: FileFacts; readonly hash: string } | undefined {
  const ahead = cache.prefetched?.get(path);
  if (ahead === undefined) return undefined;
  cache.prefetched?.delete(path);
  if (!sameStat(ahead.stat, stat)) return undefined;
  cache.parses++;
  if (cache.disk !== undefined) storeFacts(cache.disk, path, ahead.hash, stat, ahead.facts);
  return { value: ahead.facts, hash: ahead.hash };
}
