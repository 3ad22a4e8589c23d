/**
 * One run of the generator: read project → scan → check → load order → render. Writes
 * nothing (see `writeIfChanged`); `spoc gen`, `spoc check`, `spoc graph`, watch mode and the
 * esbuild plugin all call this one function.
 */
import { resolve } from "node:path";
import { beginRun, createScanCache, endRun, type ScanCache } from "./cache.ts";
import { runChecks } from "./check/checks.ts";
import { computeLoadOrder } from "./check/load-order.ts";
import type { AppModule, Diagnostic, PipelineResult, ProjectModel } from "./model.ts";
import { resolvePluginFiles } from "./read/plugin-refs.ts";
import { readProject } from "./read/project.ts";
import type { SessionMemo } from "./incremental.ts";
import { createFileExistence } from "./scan/resolve.ts";
import { openDiskCache, saveDiskCache } from "./scan/disk-cache.ts";
import { scanApps } from "./scan/scan.ts";
import { compareText, sameElements } from "./_compare.ts";

export { createScanCache, type ScanCache };

export interface PipelineOptions {
  /** The project root (holding `config/` and `apps/`); made absolute. */
  readonly root: string;
  /**
   * Per-file results kept between runs: pass the same cache to every run of a watch session
   * so a rerun parses only the files that changed.
   * @default a new cache, used for this run only
   */
  readonly cache?: ScanCache;
  /**
   * The files created, changed or deleted since the previous run with the same `cache`
   * (absolute, or relative to `root`), when the caller knows them (watch mode): other files
   * the previous run read are then trusted without a stat. Leave it out when unsure.
   */
  readonly changed?: readonly string[];
  /**
   * Keep the scan's per-file results on disk (`node_modules/.cache/spoc/`) between processes,
   * keyed by each file's content: one-shot commands (`spoc check`, `spoc gen`) then parse only
   * what changed since the last run. @default false
   */
  readonly diskCache?: boolean;
  /**
   * Render the registry's files (`result.registry`) when there is no error. `spoc check`
   * reports diagnostics only and leaves it out. @default true
   */
  readonly render?: boolean;
}

/**
 * Reads and scans the project under `root`, checks it, and renders the registry when there is
 * no error. Problems in the project are diagnostics, never exceptions; an exception means the
 * generator itself could not work (e.g. a file it could not read).
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  return runPipelineSync(options);
}

/**
 * `runPipeline` without the promise, for callers that cannot wait (an ESLint rule). Every
 * stage is synchronous; `runPipeline` stays the entry point of everything else.
 */
export function runPipelineSync(options: PipelineOptions): PipelineResult {
  const root = resolve(options.root);
  const cache = options.cache ?? createScanCache();
  beginRun(
    cache,
    options.changed?.map((file) => resolve(root, file)),
  );
  if (options.diskCache === true) cache.disk = openDiskCache(root);
  try {
    const declarations = readProject(root, cache);
    const diagnostics: Diagnostic[] = [...declarations.diagnostics];
    const ignored = new Set(declarations.config.checkIgnore);
    if (declarations.schema === undefined) return finish(undefined, diagnostics, ignored, undefined, undefined);

    const existence = createFileExistence();
    if (cache.inputs !== undefined) cache.inputs.probes = existence.files;
    const scan = scanApps({ root, apps: declarations.apps, modules: declarations.schema.modules }, cache, existence);
    const plugins = resolvePluginFiles(root, declarations.plugins, cache, existence);
    const model: ProjectModel = {
      root,
      modes: declarations.modes,
      apps: declarations.apps,
      schema: declarations.schema,
      kinds: scan.kinds,
      modules: scan.modules,
      plugins: plugins.plugins,
      appFolders: declarations.appFolders,
      settings: declarations.settings,
      ignoredCodes: [...ignored].sort(),
      appRules: declarations.appRules,
      inputs: mergeInputs(cache.memo.pipeline, [declarations.inputs, scan.inputs, plugins.inputs]),
    };
    // A plugin file may be an app's file too: report its syntax error once.
    const parseErrors = new Set(scan.diagnostics.map((d) => `${d.file}\0${d.message}`));
    diagnostics.push(
      ...scan.diagnostics,
      ...plugins.diagnostics.filter((d) => !parseErrors.has(`${d.file}\0${d.message}`)),
    );

    // A watch session's rerun usually changes one module, or none that matters: reuse what
    // only depends on unchanged inputs (scan keeps unchanged module objects).
    const previous = cache.memo.pipeline;
    const context = JSON.stringify([
      model.root,
      model.modes,
      model.apps,
      model.schema,
      model.kinds,
      model.plugins,
      model.appFolders,
      model.settings,
      model.ignoredCodes,
      model.appRules,
      diagnostics,
      options.render !== false,
    ]);
    if (previous !== undefined && previous.context === context && sameElements(previous.modules, model.modules)) {
      return { ...previous.result, model };
    }
    const loadOrder =
      previous !== undefined && previous.schemaKey === schemaKey(model) && sameEdges(previous.modules, model.modules)
        ? previous.result.loadOrder
        : computeLoadOrder(model);
    diagnostics.push(...runChecks(model, loadOrder, cache.memo.checks));
    const result = finish(model, diagnostics, ignored, loadOrder, options.render === false ? undefined : cache.memo);
    cache.memo.pipeline = {
      context,
      schemaKey: schemaKey(model),
      modules: model.modules,
      result,
      inputs: { from: [declarations.inputs, scan.inputs, plugins.inputs], merged: model.inputs },
    };
    return result;
  } finally {
    endRun(cache);
    const disk = cache.disk;
    cache.disk = undefined;
    if (disk !== undefined) saveDiskCache(disk);
  }
}

/** The previous run's result and what it was computed from. */
export interface PipelineMemo {
  /** Everything but the modules the checks and the renderer read. */
  readonly context: string;
  /** What the load order depends on besides the modules' imports. */
  readonly schemaKey: string;
  readonly modules: readonly AppModule[];
  readonly result: PipelineResult;
  /** The model's inputs, and the lists of the project's, the scan's and the plugins' inputs they merge. */
  readonly inputs: { readonly from: readonly (readonly string[])[]; readonly merged: readonly string[] };
}

/** The lists merged, sorted and without duplicates: the previous run's array while they are the same. */
function mergeInputs(previous: PipelineMemo | undefined, lists: readonly (readonly string[])[]): readonly string[] {
  const before = previous?.inputs;
  if (before !== undefined && lists.every((list, i) => sameElements(list, before.from[i] ?? []))) return before.merged;
  return [...new Set(lists.flat())].sort();
}

function schemaKey(model: ProjectModel): string {
  return JSON.stringify([model.schema.modules, model.schema.dependencies]);
}

/** Same module nodes, with the same files and the same imports (the edges of the load order). */
function sameEdges(a: readonly AppModule[], b: readonly AppModule[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (module, i) =>
        module === b[i] ||
        (module.name === b[i]?.name && module.file === b[i]?.file && module.imports === b[i]?.imports),
    )
  );
}

function finish(
  model: ProjectModel | undefined,
  found: readonly Diagnostic[],
  ignored: ReadonlySet<string>,
  loadOrder: readonly string[] | undefined,
  /** Renders the registry; `undefined` to leave it out. */
  memo: SessionMemo | undefined,
): PipelineResult {
  const diagnostics = found.filter((diagnostic) => !ignored.has(diagnostic.code)).sort(compareDiagnostics);
  const ok = !diagnostics.some((diagnostic) => diagnostic.severity === "error");
  return {
    model,
    diagnostics,
    silenced: found.length - diagnostics.length,
    loadOrder,
    registry: ok && model !== undefined && loadOrder !== undefined ? memo?.render(model, loadOrder) : undefined,
  };
}

/** By file, line, column, code, then message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}
