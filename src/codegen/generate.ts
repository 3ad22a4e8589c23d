/**
 * One generation: run the pipeline, then write `generated/registry.ts` when it has
 * content that differs from the file on disk. Shared by `spoc gen`, watch mode and the
 * esbuild plugin, so none of them re-implements a step.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { PipelineResult } from "./model.ts";
import { runPipeline, type ScanCache } from "./pipeline.ts";
import { REGISTRY_FILE } from "./render-registry.ts";
import { writeIfChanged } from "./write.ts";

export interface Generation {
  readonly result: PipelineResult;
  /** Whether the registry file was (re)written; `false` when unchanged or on errors. */
  readonly written: boolean;
  /** Wall time of pipeline and write, in milliseconds. */
  readonly durationMs: number;
}

export interface GenerateOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Reused across runs so only changed files are parsed again. */
  readonly cache?: ScanCache;
}

/** Runs the pipeline and writes the registry unless there are errors. */
export async function generateRegistry(options: GenerateOptions): Promise<Generation> {
  const started = performance.now();
  const result = await runPipeline(options.cache === undefined ? { root: options.root } : { root: options.root, cache: options.cache });
  let written = false;
  if (result.registry !== undefined && !hasErrors(result)) {
    const path = join(options.root, REGISTRY_FILE);
    await mkdir(dirname(path), { recursive: true });
    written = await writeIfChanged(path, result.registry);
  }
  return { result, written, durationMs: performance.now() - started };
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
