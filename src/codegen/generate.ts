/**
 * One generation: run the pipeline, then write each of the registry's files whose content
 * differs from the file on disk. Shared by `spoc gen`, watch mode and the
 * esbuild plugin, so none of them re-implements a step.
 */
import { join, resolve } from "node:path";
import { recordGeneration } from "./fresh-generation.ts";
import type { PipelineResult } from "./model.ts";
import { createScanCache, runPipeline, type ScanCache } from "./pipeline.ts";
import type { RegistryChange } from "./incremental.ts";
import { registryFiles } from "./render/registry.ts";
import { replaceTogether } from "./write/write-if-changed.ts";

export interface Generation {
  readonly result: PipelineResult;
  /** Whether a file of the registry was (re)written; `false` when unchanged, on errors, or when `beforeWrite` said no. */
  readonly written: boolean;
  /** `beforeWrite` said no: the registry on disk was left as it was though it differs. */
  readonly withheld?: boolean;
  /** Wall time of pipeline and write, in milliseconds. */
  readonly durationMs: number;
}

export interface GenerateOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Reused across runs so only changed files are parsed again. */
  readonly cache?: ScanCache;
  /** Files changed since the last run with the same cache; see `PipelineOptions.changed`. */
  readonly changed?: readonly string[];
  /**
   * Asked once, before the first file that differs is written: `false` leaves every file as
   * it is (watch mode: a newer edit came in while this run worked, so it is run again).
   */
  readonly beforeWrite?: () => Promise<boolean>;
  /** Keep the scan's results on disk between processes; see `PipelineOptions.diskCache`. @default false */
  readonly diskCache?: boolean;
}

/** Runs the pipeline and writes the registry's files unless there are errors. */
export async function generateRegistry(options: GenerateOptions): Promise<Generation> {
  const started = performance.now();
  const { changed } = options;
  const cache = options.cache ?? createScanCache();
  // A first run that reads everything afresh is recorded, so the next process can find
  // nothing to do without loading the generator (fresh-generation.ts).
  const recorder = options.diskCache === true && cache.run === 0 ? recordGeneration(resolve(options.root)) : undefined;
  if (recorder !== undefined) cache.inputs = recorder.inputs;
  let result: PipelineResult;
  try {
    result = await runPipeline({
      root: options.root,
      cache,
      ...(changed && { changed }),
      ...(options.diskCache === true && { diskCache: true }),
    });
  } finally {
    if (recorder !== undefined) cache.inputs = undefined;
  }
  let written = false;
  let withheld = false;
  if (result.registry !== undefined && !hasErrors(result)) {
    const files = registryFiles(result.registry);
    const changes: RegistryChange[] = [];
    for (const { file, text } of files) {
      const change = cache.memo.change(options.root, join(options.root, file), file, text);
      if (change !== undefined) changes.push(change);
    }
    // Asked once, and the files are replaced together: all or none.
    if (changes.length > 0 && !(await (options.beforeWrite?.() ?? true))) withheld = true;
    else if (changes.length > 0) {
      replaceTogether(changes, { root: options.root });
      for (const change of changes) change.remember();
      written = true;
    }
    if (recorder !== undefined && !withheld && result.diagnostics.length === 0 && result.model !== undefined) {
      const { model } = result;
      recorder.record(files, {
        description: describeModel(result),
        inputs: model.inputs,
        apps: model.apps.map((app) => app.name),
      });
    }
  }
  return { result, written, ...(withheld ? { withheld } : {}), durationMs: performance.now() - started };
}

export function hasErrors(result: Pick<PipelineResult, "diagnostics">): boolean {
  return result.diagnostics.some((d) => d.severity === "error");
}

/** `(12 modules, 20 components)`: module files found and components registered. */
export function describeModel(result: PipelineResult): string {
  const modules = result.model?.modules.filter((m) => m.file !== undefined) ?? [];
  const components = modules.reduce((sum, m) => sum + m.components.length, 0);
  return `(${modules.length} module${modules.length === 1 ? "" : "s"}, ${components} component${components === 1 ? "" : "s"})`;
}
