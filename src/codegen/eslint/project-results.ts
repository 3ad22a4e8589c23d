/**
 * The ESLint plugin's state between lints: per project root, the scan cache and the last
 * pipeline result. One `ProjectResults` belongs to one plugin object (ESLint keeps the plugin
 * for the whole process, linting one file per `create` call).
 */
import { statSync } from "node:fs";
import type { PipelineResult } from "../model.ts";
import { createScanCache, runPipelineSync, type ScanCache } from "../pipeline.ts";

/** How long a full check (every file stat'ed) stands before the next file's lint runs another. */
const REFRESH_MS = 1000;
/**
 * File times lag the clock (kernels stamp them at a coarse tick; some file systems keep
 * seconds): a file counts as unchanged since a check only when it is older by this much.
 */
const MTIME_SLACK_MS = 2000;

interface ProjectState {
  readonly cache: ScanCache;
  result: PipelineResult;
  /** When the last full check started. */
  checkedAt: number;
  /** Files re-read since then, with the mtime they were read at. */
  readonly seen: Map<string, number>;
}

/** The pipeline results of the projects a plugin lints, kept fresh per linted file. */
export class ProjectResults {
  readonly #projects = new Map<string, ProjectState>();

  /**
   * The diagnostics of the project at `root`, fresh for `file`: a full check when none was
   * made in the last second; otherwise the last result while `file` is unchanged since (an
   * editor lints one file per keystroke; a lint of the whole project lints every file in a
   * row), or a run that re-reads `file` alone and trusts the rest.
   */
  resultFor(root: string, file: string): PipelineResult {
    const now = Date.now();
    const state = this.#projects.get(root);
    if (state === undefined || now - state.checkedAt > REFRESH_MS) {
      const cache = state?.cache ?? createScanCache();
      const result = runPipelineSync({ root, cache, diskCache: true });
      this.#projects.set(root, { cache, result, checkedAt: now, seen: new Map() });
      return result;
    }
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const seen = state.seen.get(file);
    if (seen === mtime || (seen === undefined && mtime >= 0 && mtime < state.checkedAt - MTIME_SLACK_MS))
      return state.result;
    state.result = runPipelineSync({ root, cache: state.cache, changed: [file] });
    state.seen.set(file, mtime);
    return state.result;
  }
}
