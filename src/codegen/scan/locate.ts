/**
 * Where each app module's file is: `apps/<app>/<module>.ts`, or `apps/<app>/<module>/index.ts`
 * for a folder module. One stat per candidate file, which the per-file cache reuses; in a watch
 * session told which files changed, the previous run's answer stands unless a module file may
 * have appeared or gone.
 */
import { statSync } from "node:fs";
import { sep } from "node:path";
import { statFile, trustedStat, type FileStat, type ScanCache } from "../cache.ts";
import { FACTS_READER } from "./cached-facts.ts";
import type { FileExistence } from "./resolve.ts";
import type { ScanInput } from "./scan.ts";

export interface Located {
  readonly name: string;
  readonly app: string;
  readonly module: string;
  /** Absolute. */
  readonly file: string | undefined;
  /** Absolute folder of a folder module. */
  readonly folder: string | undefined;
  readonly stat: FileStat | undefined;
}

/** What `locateModules` found, for the next run. */
export interface LocateMemo {
  /** The run it was made in. */
  readonly run: number;
  /** The apps (and whether their folder exists) and schema modules it was made for. */
  readonly key: string;
  readonly located: readonly Located[];
  /** Every path probed, and whether it is a file. */
  readonly probes: ReadonlyMap<string, boolean>;
}

/**
 * Finds each app × module file, with one stat per file (which the cache reuses). When the
 * caller said which files changed since the previous run and none of them is a module file
 * that appeared or went away, the previous run's answer stands (fresh stats for the changed).
 */
export function locateModules(
  input: ScanInput,
  appsPrefix: string,
  cache: ScanCache,
  existence: FileExistence,
): readonly Located[] {
  const key = JSON.stringify([appsPrefix, input.apps.map((app) => [app.name, app.exists]), input.modules]);
  const previous = cache.memo.locate;
  if (cache.changed !== undefined && previous !== undefined && previous.run === cache.run - 1 && previous.key === key) {
    const reused = relocate(previous, cache.changed);
    if (reused !== undefined) {
      for (const [path, exists] of previous.probes) existence.files.set(path, exists);
      cache.memo.locate = { ...previous, run: cache.run, located: reused };
      return reused;
    }
  }
  const probes = new Map<string, boolean>();
  const located = locateAll(input, appsPrefix, cache, probes);
  for (const [path, exists] of probes) existence.files.set(path, exists);
  cache.memo.locate = { run: cache.run, key, located, probes };
  return located;
}

/** `previous.located` with fresh stats for the changed module files, or `undefined` when a module file may have appeared or gone. */
function relocate(previous: LocateMemo, changed: ReadonlySet<string>): readonly Located[] | undefined {
  const restat = new Set<string>();
  for (const path of changed) {
    const existed = previous.probes.get(path);
    if (existed === undefined) {
      // Not a module file; a folder (new modules?) is not a file edit: look again.
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) return undefined;
      continue;
    }
    if (!existed) return undefined;
    restat.add(path);
  }
  if (restat.size === 0) return previous.located;
  const located: Located[] = [];
  for (const module of previous.located) {
    if (module.file === undefined || !restat.has(module.file)) {
      located.push(module);
      continue;
    }
    const stat = statFile(module.file);
    if (stat === undefined) return undefined;
    located.push({ ...module, stat });
  }
  return located;
}

function locateAll(input: ScanInput, appsPrefix: string, cache: ScanCache, probes: Map<string, boolean>): Located[] {
  const existence = { files: probes };
  const located: Located[] = [];
  for (const app of input.apps) {
    const appDir = appsPrefix + app.name;
    for (const module of input.modules) {
      const name = `${app.name}.${module}`;
      if (!app.exists) {
        located.push({ name, app: app.name, module, file: undefined, folder: undefined, stat: undefined });
        continue;
      }
      const flat = `${appDir}${sep}${module}.ts`;
      const flatStat = trustedStat(cache, FACTS_READER, flat) ?? statFile(flat);
      existence.files.set(flat, flatStat !== undefined);
      if (flatStat !== undefined) {
        located.push({ name, app: app.name, module, file: flat, folder: undefined, stat: flatStat });
        continue;
      }
      const folder = `${appDir}${sep}${module}`;
      const index = `${folder}${sep}index.ts`;
      const indexStat = trustedStat(cache, FACTS_READER, index) ?? statFile(index);
      existence.files.set(index, indexStat !== undefined);
      located.push({
        name,
        app: app.name,
        module,
        file: indexStat && index,
        folder: indexStat && folder,
        stat: indexStat,
      });
    }
  }
  return located;
}
