/**
 * `spoc check`'s result kept on disk between processes, with everything it was computed from,
 * so checking a project that has not changed since the last check costs one stat per file
 * instead of a read, a scan and the checks.
 *
 * One file per project, `node_modules/.cache/spoc/check-<hash of the root>.bin`: the
 * diagnostics, the silenced count and the load order, with the run's inputs (input-record.ts:
 * the project's layout, every file read with its stat and content hash, every path looked for).
 * Baselines, `--changed-since` and the output format are applied to the result afterwards, so
 * they are no part of it. Keyed by spoc's code (code-version.ts); a foreign, corrupt or
 * misshapen file is ignored and replaced, never trusted; a cache that cannot be written is
 * skipped: it is an optimisation, never a reason to fail.
 */
import { ErrorCode } from "../errors.ts";
import { type CacheHeader, cacheFilePath, readCacheFile, writeCacheFile } from "./_cache-file.ts";
import { createScanCache } from "./cache.ts";
import { codeVersion } from "./code-version.ts";
import { fieldsOf, isList, isText } from "./_stored.ts";
import {
  isStoredInputs,
  projectLayout,
  type RunInputs,
  type StoredInputs,
  storeInputs,
  verifyInputs,
} from "./input-record.ts";
import type { Diagnostic, PipelineResult } from "./model.ts";
import { runPipeline } from "./pipeline.ts";

/** What `spoc check` reports from: the pipeline's result without the model and the registry. */
export type CheckOutcome = Pick<PipelineResult, "diagnostics" | "silenced" | "loadOrder">;

/** Bumped whenever the stored layout changes. */
const FORMAT = 2;
const MAGIC = "spoc-check-cache";

interface StoredCheck extends CacheHeader {
  readonly root: string;
  readonly inputs: StoredInputs;
  readonly outcome: CheckOutcome;
}

/** Where the check cache of the project at `root` lives. */
export function checkCacheFile(root: string): string {
  return cacheFilePath(root, "check");
}

/**
 * The check's outcome for the project at `root` (absolute): the stored one when nothing it was
 * computed from changed, else a run of the pipeline (with the scan's disk cache), stored for
 * the next check.
 */
export async function checkWithCache(root: string): Promise<CheckOutcome> {
  const file = checkCacheFile(root);
  const started = Date.now();
  const version = codeVersion();
  const stored = readStored(file, root, version);
  if (stored !== undefined) {
    const verdict = verifyInputs(stored.inputs, root, started);
    if (verdict !== "changed") {
      if (verdict !== "unchanged") {
        const refreshed: StoredCheck = { ...stored, inputs: verdict };
        writeCacheFile(file, refreshed);
      }
      return stored.outcome;
    }
  }
  const layout = projectLayout(root);
  const inputs: RunInputs = { files: new Map(), absent: new Set(), probes: undefined };
  const cache = createScanCache();
  cache.inputs = inputs;
  const result = await runPipeline({ root, cache, diskCache: true, render: false });
  const outcome: CheckOutcome = {
    diagnostics: result.diagnostics,
    silenced: result.silenced,
    loadOrder: result.loadOrder,
  };
  const record: StoredCheck = {
    magic: MAGIC,
    format: FORMAT,
    version,
    root,
    inputs: storeInputs(layout, inputs, started),
    outcome,
  };
  writeCacheFile(file, record);
  return outcome;
}

function readStored(file: string, root: string, version: string): StoredCheck | undefined {
  const candidate = readCacheFile<StoredCheck>(file, { magic: MAGIC, format: FORMAT, version });
  if (
    candidate === undefined ||
    candidate.root !== root ||
    !isStoredInputs(candidate.inputs) ||
    !isOutcome(candidate.outcome)
  )
    return undefined;
  return candidate as StoredCheck;
}

const codes = new Set<string>(Object.values(ErrorCode));

function isOutcome(value: unknown): value is CheckOutcome {
  const outcome = fieldsOf<CheckOutcome>(value);
  return (
    outcome !== undefined &&
    typeof outcome.silenced === "number" &&
    (outcome.loadOrder === undefined || isList(outcome.loadOrder, isText)) &&
    isList(outcome.diagnostics, isDiagnostic)
  );
}

function isDiagnostic(value: unknown): value is Diagnostic {
  const diagnostic = fieldsOf<Diagnostic>(value);
  return (
    diagnostic !== undefined &&
    codes.has(diagnostic.code as string) &&
    (diagnostic.severity === "error" || diagnostic.severity === "warning") &&
    typeof diagnostic.message === "string" &&
    typeof diagnostic.file === "string" &&
    typeof diagnostic.line === "number" &&
    typeof diagnostic.column === "number"
  );
}
