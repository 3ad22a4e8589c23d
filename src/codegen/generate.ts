/**
 * One generation: run the pipeline, then write each of the registry's files whose content
 * differs from the file on disk. Shared by `spoc gen`, watch mode and the
 * esbuild plugin, so none of them re-implements a step.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { PipelineResult } from "./model.ts";
import { runPipeline, type ScanCache } from "./pipeline.ts";
import {
  REGISTRY_DATA_FILE,
  REGISTRY_FILE,
  registryFiles,
  splicedBytes,
  type Rendered,
  type RenderMemo,
} from "./render/registry.ts";
import { readIfExists, writeIfChanged } from "./write/write-if-changed.ts";

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
}

/** What the last generation with a cache wrote to one file, so an unchanged file is not read back. */
interface WrittenFile {
  readonly content: string;
  readonly mtimeMs: number;
  readonly size: number;
  /** `content` as UTF-8. */
  readonly bytes: Buffer;
  /** The render that produced `content`, when known. */
  readonly rendered: Rendered | undefined;
}
const lastWritten = new WeakMap<ScanCache, Map<string, WrittenFile>>();

/** Runs the pipeline and writes the registry's files unless there are errors. */
export async function generateRegistry(options: GenerateOptions): Promise<Generation> {
  const started = performance.now();
  const { cache, changed } = options;
  const result = await runPipeline({ root: options.root, ...(cache && { cache }), ...(changed && { changed }) });
  let written = false;
  let withheld = false;
  if (result.registry !== undefined && !hasErrors(result)) {
    let files = cache && lastWritten.get(cache);
    if (cache && files === undefined) lastWritten.set(cache, (files = new Map()));
    const memo = cache?.stages.get("render") as RenderMemo | undefined;
    const renders: Record<string, Rendered | undefined> = {
      [REGISTRY_FILE]: memo?.module,
      [REGISTRY_DATA_FILE]: memo?.data,
    };
    // Asked once, so the registry's files are written all or none.
    let answer: Promise<boolean> | undefined;
    const mayWrite = (): Promise<boolean> => (answer ??= options.beforeWrite?.() ?? Promise.resolve(true));
    for (const { file, text } of registryFiles(result.registry)) {
      if (await writeFile(join(options.root, file), text, renders[file], files, mayWrite)) written = true;
      withheld = answer !== undefined && !(await answer);
      if (withheld) break;
    }
  }
  return { result, written, ...(withheld ? { withheld } : {}), durationMs: performance.now() - started };
}

/**
 * Writes one file of the registry when its content changed. In watch mode (`files`, the
 * session's record) the data file is megabytes at 1000 apps: when the file still has the size
 * and mtime we left, it holds the text we wrote, so it is neither compared nor read again; and
 * the renderer spliced a changed module's lines into the previous text (`last`), so are the
 * bytes, and comparing them is cheaper than comparing two texts of megabytes.
 */
async function writeFile(
  path: string,
  text: string,
  last: Rendered | undefined,
  files: Map<string, WrittenFile> | undefined,
  mayWrite: () => Promise<boolean>,
): Promise<boolean> {
  const previous = files?.get(path);
  const known = previous !== undefined && unchangedSince(path, previous) ? previous.content : undefined;
  const fromLast = last !== undefined && known !== undefined && last.text === text; // the same string: no comparison
  const spliced =
    fromLast && previous?.rendered !== undefined ? splicedBytes(last, previous.rendered, previous.bytes) : undefined;
  const same =
    fromLast && previous?.rendered === last
      ? true
      : spliced !== undefined && previous !== undefined
        ? spliced.equals(previous.bytes)
        : known === text;
  if (same) return false;
  const remember = (bytes: Buffer): void => {
    if (files === undefined) return;
    const { mtimeMs, size } = statSync(path);
    files.set(path, {
      content: text,
      mtimeMs,
      size,
      bytes,
      rendered: last !== undefined && last.text === text ? last : undefined,
    });
  };
  if (known === undefined && readIfExists(path) === text) {
    if (files !== undefined) remember(Buffer.from(text, "utf8"));
    return false;
  }
  if (!(await mayWrite())) return false;
  const bytes = spliced ?? Buffer.from(text, "utf8");
  await writeIfChanged(path, text, { differs: true, encoded: bytes, releaseInBackground: files !== undefined });
  remember(bytes);
  return true;
}

function unchangedSince(path: string, written: WrittenFile): boolean {
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
