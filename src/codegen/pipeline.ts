/**
 * One run of the generator: read project → scan → check → load order → render. Writes
 * nothing (see `writeIfChanged`); `spoc gen`, `spoc check`, `spoc graph`, watch mode and the
 * esbuild plugin all call this one function.
 */
import { relative, resolve, sep } from "node:path";
import { beginRun, createScanCache, endRun, type ScanCache, statFile } from "./cache.ts";
import { runChecks } from "./check/checks.ts";
import { computeLoadOrder } from "./check/load-order.ts";
import type { AppModule, Diagnostic, PipelineResult, ProjectModel } from "./model.ts";
import { resolvePluginFiles } from "./read/plugin-refs.ts";
import { keepDeclarations, type ProjectDeclarations, readProject } from "./read/project.ts";
import type { SessionMemo } from "./incremental.ts";
import { createFileExistence } from "./scan/resolve.ts";
import { type DiskCache, openDiskCache, saveDiskCache } from "./scan/disk-cache.ts";
import { parseAhead } from "./scan/parallel-facts.ts";
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
  const root = resolve(options.root);
  const cache = options.cache ?? createScanCache();
  const disk = options.diskCache === true ? openDiskCache(root) : undefined;
  // A cold run of a large project parses its module files on every core first.
  try {
    await parseAhead(root, cache, disk);
    return runStages({ ...options, root, cache }, disk);
  } finally {
    cache.prefetched = undefined;
  }
}

/**
 * `runPipeline` without the promise, for callers that cannot wait (an ESLint rule): the same
 * stages, with every file parsed on this thread. `runPipeline` stays the entry point of
 * everything else.
 */
export function runPipelineSync(options: PipelineOptions): PipelineResult {
  const root = resolve(options.root);
  return runStages(
    { ...options, root, cache: options.cache ?? createScanCache() },
    options.diskCache === true ? openDiskCache(root) : undefined,
  );
}

/** The stages of one run, with the run's disk cache when it keeps one. */
function runStages(
  options: PipelineOptions & { readonly cache: ScanCache },
  disk: DiskCache | undefined,
): PipelineResult {
  const root = options.root;
  const cache = options.cache;
  beginRun(
    cache,
    options.changed?.map((file) => resolve(root, file)),
  );
  cache.disk = disk;
  try {
    const declarations = unchangedDeclarations(cache, root) ?? readProject(root, cache);
    const kept: DeclarationsMemo =
      cache.memo.declarations?.declarations === declarations
        ? { ...cache.memo.declarations, run: cache.run, inputs: undefined }
        : { run: cache.run, declarations, key: undefined, inputs: undefined };
    cache.memo.declarations = kept;
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
    kept.inputs = model.inputs;
    // A plugin file may be an app's file too: report its syntax error once.
    const parseErrors = new Set(scan.diagnostics.map((d) => `${d.file}\0${d.message}`));
    diagnostics.push(
      ...scan.diagnostics,
      ...plugins.diagnostics.filter((d) => !parseErrors.has(`${d.file}\0${d.message}`)),
    );

    // A watch session's rerun usually changes one module, or none that matters: reuse what
    // only depends on unchanged inputs (scan keeps unchanged module objects).
    const previous = cache.memo.pipeline;
    // What comes from the declarations is made into text once per reading of them (at 1000
    // apps, about 200 kB of apps and folders).
    kept.key ??= JSON.stringify([
      model.modes,
      model.apps,
      model.schema,
      model.appFolders,
      model.settings,
      model.appRules,
    ]);
    const context = `${kept.key}\n${JSON.stringify([
      model.root,
      model.kinds,
      model.plugins,
      model.ignoredCodes,
      diagnostics,
      options.render !== false,
    ])}`;
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
    cache.disk = undefined;
    if (disk !== undefined) saveDiskCache(disk);
  }
}

/** What a run read of the project's declarations, for the next run (see `unchangedDeclarations`). */
export interface DeclarationsMemo {
  /** The run (`ScanCache.run`) that read or reused them. */
  readonly run: number;
  readonly declarations: ProjectDeclarations;
  /** The JSON of the model's parts that come from them, once made. */
  key: string | undefined;
  /** The model's inputs of that run, once it had a model. */
  inputs: readonly string[] | undefined;
}

/**
 * The previous run's declarations when this run was told what changed and every change is an
 * edit of a file the previous run read, other than a configuration file: `readProject` reads
 * the configuration files and lists the folders of `apps/`, and such edits leave both as they
 * were. A file added, removed or renamed, a folder, a configuration file, or a run not told
 * its changes reads the project again.
 */
function unchangedDeclarations(cache: ScanCache, root: string): ProjectDeclarations | undefined {
  const memo = cache.memo.declarations;
  const changed = cache.changed;
  if (memo?.inputs === undefined || memo.run !== cache.run - 1 || changed === undefined || changed.size === 0)
    return undefined;
  for (const path of changed) {
    const file = relative(root, path).split(sep).join("/");
    if (memo.declarations.inputs.includes(file) || !includesSorted(memo.inputs, file) || statFile(path) === undefined)
      return undefined;
  }
  keepDeclarations(cache);
  return memo.declarations;
}

/** Whether sorted `list` (by UTF-16 code units) holds `value`. */
function includesSorted(list: readonly string[], value: string): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = list[middle] as string;
    if (item === value) return true;
    if (item < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
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
