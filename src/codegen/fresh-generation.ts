/**
 * The last generation of a project, kept on disk so that `spoc gen` and the esbuild plugin can
 * tell that nothing changed since without loading the generator (the parser, the settings and
 * schema readers, the renderer): a warm build of a small project would otherwise spend most of
 * its time loading them only to find the registry as it was.
 *
 * One file per project and copy of spoc, `node_modules/.cache/spoc/generation-<code>-<root>.bin`,
 * written by a full generation (generate.ts) that read everything afresh and reported nothing:
 * what spoc's code was (its code files and the parsers' manifests), what the run read
 * (input-record.ts: the layout, every file with its stat and content hash, every path looked
 * for), the registry's files as they were left on disk, and what the callers print or watch.
 * It stands while every one of these is as recorded, judged as check-cache.ts judges its
 * inputs (a stat vouches for a content only when the file changed well before the run; else the
 * content hash decides). Anything else — no record, a corrupt or foreign one, an input, a
 * folder under apps/, spoc's code or the registry changed, a diagnostic last time — means a
 * full generation, which writes a new record.
 *
 * Imports nothing of the generator; keep it that way (test/cli/fresh-generation.test.ts).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { type CacheHeader, cacheFilePath, readCacheFile, writeCacheFile } from "./_cache-file.ts";
import { contentHash } from "./_hash.ts";
import { codePlace, spocCode } from "./code-version.ts";
import { statFile } from "./file-stat.ts";
import { fieldsOf, isList, isText } from "./_stored.ts";
import {
  isStoredFile,
  isStoredInputs,
  projectLayout,
  type RunInputs,
  type StoredFile,
  type StoredInputs,
  storedFile,
  storeInputs,
  verifyFiles,
  verifyInputs,
} from "./input-record.ts";
import { parserManifests } from "./parser-versions.ts";

/** What a caller needs of a generation that found nothing to do. */
export interface FreshGeneration {
  /** `(8 modules, 25 components)`, as `spoc gen` prints it. */
  readonly description: string;
  /** Every file the registry depends on, relative to the root, sorted (the model's inputs). */
  readonly inputs: readonly string[];
  /** The apps' names, as the model lists them. */
  readonly apps: readonly string[];
}

/** Bumped whenever the stored layout changes. */
const FORMAT = 1;
const MAGIC = "spoc-generation";

interface StoredGeneration extends CacheHeader {
  /** Where the code that wrote it lives (`codePlace()`): another copy of spoc keeps its own. */
  readonly version: string;
  readonly root: string;
  /** spoc's code files and the parsers' manifests. */
  readonly code: readonly StoredFile[];
  readonly inputs: StoredInputs;
  /** The registry's files as the generation left them. */
  readonly registry: readonly StoredFile[];
  readonly outcome: FreshGeneration;
}

/** Where the generation record of the project at `root` lives, for this copy of spoc. */
export function generationRecordFile(root: string): string {
  const code = createHash("sha1").update(codePlace()).digest("hex").slice(0, 8);
  return cacheFilePath(root, `generation-${code}`);
}

/**
 * The last generation of the project at `root` (absolute) when nothing it was computed from
 * changed and the registry on disk is what it wrote; else `undefined` (run the generator).
 */
export function freshGeneration(root: string): FreshGeneration | undefined {
  const started = Date.now();
  const file = generationRecordFile(root);
  const stored = readStored(file, root);
  if (stored === undefined) return undefined;
  const code = verifyFiles(stored.code, started);
  if (code === "changed") return undefined;
  const registry = verifyFiles(stored.registry, started);
  if (registry === "changed") return undefined;
  const inputs = verifyInputs(stored.inputs, root, started);
  if (inputs === "changed") return undefined;
  if (code !== "unchanged" || registry !== "unchanged" || inputs !== "unchanged") {
    const refreshed: StoredGeneration = {
      ...stored,
      ...(code !== "unchanged" && { code }),
      ...(registry !== "unchanged" && { registry }),
      ...(inputs !== "unchanged" && { inputs }),
    };
    writeCacheFile(file, refreshed);
  }
  return stored.outcome;
}

/** A generation being recorded: what it must know from before its run. */
export interface GenerationRecorder {
  /** Pass as the scan cache's `inputs` (a new cache: nothing served from memory). */
  readonly inputs: RunInputs;
  /**
   * Records the generation: `registry` its files as rendered (relative to the root), now on
   * disk. Call only for a generation without diagnostics.
   */
  record(registry: readonly { readonly file: string; readonly text: string }[], outcome: FreshGeneration): void;
}

/** Starts recording a generation of the project at `root` (absolute), before its run. */
export function recordGeneration(root: string): GenerationRecorder {
  const started = Date.now();
  const layout = projectLayout(root);
  const inputs: RunInputs = { files: new Map(), absent: new Set(), probes: undefined };
  return {
    inputs,
    record(registry, outcome) {
      const written: StoredFile[] = [];
      for (const { file, text } of registry) {
        const stat = statFile(join(root, file));
        if (stat === undefined) return;
        written.push(storedFile(join(root, file), stat, contentHash(text), started));
      }
      const code = codeFiles(started);
      if (code === undefined) return;
      const stored: StoredGeneration = {
        magic: MAGIC,
        format: FORMAT,
        version: codePlace(),
        root,
        code,
        inputs: storeInputs(layout, inputs, started),
        registry: written,
        outcome,
      };
      writeCacheFile(generationRecordFile(root), stored);
    },
  };
}

/**
 * What stands for spoc's code, recorded now: its code files (src/ in spoc's repository, or the
 * one file it is bundled into) and the parsers' manifests. In the package, dist/build-id, the
 * hash of every .js file of the build (scripts/bundle-dist.mjs), stands for all of dist/,
 * stating one file instead of a hundred being most of what a fresh build costs; with
 * dist/codegen/index.js, which a build by tsc alone rewrites, and leaves the build-id as it
 * was. Without a build-id (a dist/ built otherwise): every code file under dist/codegen/.
 * `undefined` when one cannot be read.
 */
function codeFiles(started: number): StoredFile[] | undefined {
  const stored: StoredFile[] = [];
  for (const path of [...spocCodeStandIns(), ...parserManifests()]) {
    const stat = statFile(path);
    if (stat === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    stored.push(storedFile(path, stat, contentHash(text), started));
  }
  return stored;
}

/** The files whose stats stand for spoc's code (`codeFiles`). */
function spocCodeStandIns(): readonly string[] {
  const { root, files } = spocCode();
  const generator = join(root, "codegen", "index.js");
  if (!files.includes(generator)) return files;
  const buildId = join(root, "build-id");
  if (existsSync(buildId)) return [buildId, generator];
  const codegen = join(root, "codegen", sep);
  return files.filter((file) => file.startsWith(codegen));
}

function readStored(file: string, root: string): StoredGeneration | undefined {
  const candidate = readCacheFile<StoredGeneration>(file, { magic: MAGIC, format: FORMAT, version: codePlace() });
  if (
    candidate === undefined ||
    candidate.root !== root ||
    !isList(candidate.code, isStoredFile) ||
    !isList(candidate.registry, isStoredFile) ||
    !isStoredInputs(candidate.inputs) ||
    !isOutcome(candidate.outcome)
  )
    return undefined;
  return candidate as StoredGeneration;
}

function isOutcome(value: unknown): value is FreshGeneration {
  const outcome = fieldsOf<FreshGeneration>(value);
  return (
    outcome !== undefined &&
    typeof outcome.description === "string" &&
    isList(outcome.inputs, isText) &&
    isList(outcome.apps, isText)
  );
}
