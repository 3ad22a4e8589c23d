/**
 * One generation: run the pipeline, then write `generated/registry.ts` when it has
 * content that differs from the file on disk. Shared by `spoc gen`, watch mode and the
 * esbuild plugin, so none of them re-implements a step.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { PipelineResult } from "./model.ts";
import { runPipeline, type ScanCache } from "./pipeline.ts";
import { REGISTRY_FILE, splicedBytes, type Rendered, type RenderMemo } from "./render-registry.ts";
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
  /** Files changed since the last run with the same cache; see `PipelineOptions.changed`. */
  readonly changed?: readonly string[];
}

/** What the last generation with a cache wrote, so an unchanged registry is not read back. */
interface WrittenRegistry {
  readonly content: string;
  readonly mtimeMs: number;
  readonly size: number;
  /** `content` as UTF-8. */
  readonly bytes: Buffer;
  /** The render that produced `content`, when known. */
  readonly rendered: Rendered | undefined;
}
const lastWritten = new WeakMap<ScanCache, WrittenRegistry>();

/** Runs the pipeline and writes the registry unless there are errors. */
export async function generateRegistry(options: GenerateOptions): Promise<Generation> {
  const started = performance.now();
  const { cache, changed } = options;
  const result = await runPipeline({ root: options.root, ...(cache && { cache }), ...(changed && { changed }) });
  let written = false;
  if (result.registry !== undefined && !hasErrors(result)) {
    const path = join(options.root, REGISTRY_FILE);
    const previous = cache && lastWritten.get(cache);
    // Watch mode: the registry is megabytes at 1000 apps; when the file still has the size
    // and mtime we left, it holds the text we wrote, so it is neither compared nor read again.
    const known = previous !== undefined && unchangedSince(path, previous) ? previous.content : undefined;
    // The renderer splices a changed module's lines into the previous text (`render.last`,
    // which made `result.registry`): so are the bytes, and comparing them is cheaper than
    // comparing two texts of megabytes.
    const last = (cache?.stages.get("render") as RenderMemo | undefined)?.last;
    const fromLast = last !== undefined && known !== undefined && last.text === result.registry; // the same string: no comparison
    const spliced = fromLast && previous?.rendered !== undefined ? splicedBytes(last, previous.rendered, previous.bytes) : undefined;
    const same =
      fromLast && previous?.rendered === last ? true : spliced !== undefined && previous !== undefined ? spliced.equals(previous.bytes) : known === result.registry;
    if (!same) {
      const bytes = cache === undefined ? undefined : (spliced ?? Buffer.from(result.registry, "utf8"));
      written = await writeIfChanged(path, result.registry, { ...(known !== undefined && { differs: true }), ...(bytes && { encoded: bytes }) });
      if (cache && bytes) {
        const { mtimeMs, size } = statSync(path);
        lastWritten.set(cache, { content: result.registry, mtimeMs, size, bytes, rendered: last !== undefined && last.text === result.registry ? last : undefined });
      }
    }
  }
  return { result, written, durationMs: performance.now() - started };
}

function unchangedSince(path: string, written: WrittenRegistry): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.mtimeMs === written.mtimeMs && stat.size === written.size;
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
