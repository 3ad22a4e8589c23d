/**
 * The facts of a file through the caches: the per-file cache of the run (cache.ts), the disk
 * cache between processes (disk-cache.ts), and the facts parsed ahead of the scan on several
 * threads (parallel-facts.ts); the file is parsed here only when none of them has it.
 */
import { readCached, type FileStat, type ScanCache } from "../cache.ts";
import { factsByStat, factsThroughDisk } from "./disk-cache.ts";
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
        return parsedAhead(cache, path, hash) ?? factsOfText(path, text);
      };
      return disk === undefined ? read() : factsThroughDisk(disk, path, hash(), current, read);
    },
    stat,
    disk === undefined ? undefined : (current) => factsByStat(disk, path, current),
  );
}

/** The facts parsed ahead of the scan from this very text (the same content hash), taken once. */
function parsedAhead(cache: ScanCache, path: string, hash: () => string): FileFacts | undefined {
  const ahead = cache.prefetched?.get(path);
  if (ahead === undefined) return undefined;
  cache.prefetched?.delete(path);
  return ahead.hash === hash() ? ahead.facts : undefined;
}
