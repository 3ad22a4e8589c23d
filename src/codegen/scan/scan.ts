/**
 * The second stage: every installed app × schema module → its file, its components and its
 * imports of other app modules. Each file is parsed at most once per change (ScanCache).
 *
 * - A module is `apps/<app>/<module>.ts` or `apps/<app>/<module>/index.ts`; the files of a
 *   folder module reached from its `index.ts` through relative imports belong to it too.
 * - A component is an export (not `default`) declared by a class decorated with a registrar
 *   or a `const` initialised by a call to one (kinds.ts decides what a registrar is). Its key
 *   is `"<app>.<ExportName>"`, with the name it is exported under. Re-exports are followed
 *   into files that are not another app module.
 * - An import is a static `import`/`export … from` whose relative specifier resolves to a file
 *   of another app module. Dynamic `import()` is not an edge: it does not fix a load order.
 *   Package specifiers and path aliases are not followed.
 * - The kinds are those of the `Components` instances in framework/components.ts and of every
 *   instance whose registrar a component uses.
 * - With a cache, a rerun rescans only modules whose file changed, unless a file outside the
 *   module files (framework/components.ts, a folder module's other files…) or the set of module
 *   files changed: then it rescans every module.
 */
import { join, sep } from "node:path";
import { carryOver, type FileStat, type ScanCache } from "../cache.ts";
import { cachedFacts, FACTS_READER } from "./cached-facts.ts";
import type { ComponentCandidate, FileFacts, ImportFact } from "./file-facts.ts";
import { createKindResolver, type KindResolver, type Registrar } from "./kinds.ts";
import { ErrorCode } from "../../errors.ts";
import type {
  AppFileImport,
  AppModule,
  AppRecord,
  ComponentRecord,
  Diagnostic,
  HelperImport,
  ImportEdge,
  ModuleImport,
} from "../model.ts";
import { parseErrorAt } from "../read/plugin-refs.ts";
import { fileExists, relativeTo, resolveSpecifier, type FileExistence } from "./resolve.ts";
import { locateModules, type Located } from "./locate.ts";
import { compareText, sameRecords } from "../_compare.ts";

/** The conventional home of the project's `Components` declaration; read for its kinds. */
const COMPONENTS_FILE = "framework/components.ts";

export interface ScanInput {
  /** Absolute project root. */
  readonly root: string;
  readonly apps: readonly AppRecord[];
  /** Schema module names, in order. */
  readonly modules: readonly string[];
}

export interface ScanResult {
  /** Every app × schema module, apps in installation order then schema module order. */
  readonly modules: readonly AppModule[];
  /** Component kinds, lower case: of framework/components.ts, then of the instances components use. */
  readonly kinds: readonly string[];
  /** Every TypeScript file read, relative to the root, sorted. */
  readonly inputs: readonly string[];
  /** An SPOC008 for each file read that does not parse. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Scans the apps' module files. */
export function scanApps(input: ScanInput, cache: ScanCache, existence: FileExistence): ScanResult {
  const { root } = input;
  const appsPrefix = join(root, "apps") + sep;
  const toRelative = (file: string): string => relativeTo(root, file);

  const located = locateModules(input, appsPrefix, cache, existence);
  const previous = cache.memo.scan;
  const sameLocated = previous !== undefined && sameModules(previous.located, located);
  const byFile = sameLocated ? previous.byFile : new Map<string, string>();
  const byFolder = new Map<string, string>();
  for (const module of located) {
    if (module.file !== undefined && !sameLocated) (byFile as Map<string, string>).set(module.file, module.name);
    if (module.folder !== undefined) byFolder.set(module.folder, module.name);
  }
  /** The module node a file belongs to: a module file, or a file inside a folder module. */
  const moduleOf = (file: string): string | undefined => {
    const direct = byFile.get(file);
    if (direct !== undefined || byFolder.size === 0 || !file.startsWith(appsPrefix)) return direct;
    const appEnd = file.indexOf(sep, appsPrefix.length);
    const folderEnd = appEnd < 0 ? -1 : file.indexOf(sep, appEnd + 1);
    return folderEnd < 0 ? undefined : byFolder.get(file.slice(0, folderEnd));
  };

  if (sameLocated && previous.run === cache.run - 1) {
    const edited = rescanEdited(previous, located, cache, {
      factsOf: (file) => cachedFacts(cache, file),
      existence,
      moduleOf,
      toRelative,
    });
    if (edited !== undefined) return edited;
  }

  const shared = new Map<string, FileFacts>();
  let current: string | undefined; // the module file being scanned
  const factsOf = (file: string, stat?: FileStat): FileFacts | undefined => {
    const facts = cachedFacts(cache, file, stat);
    if (facts !== undefined && file !== current) shared.set(file, facts);
    return facts;
  };
  const reusable = sameLocated && [...previous.shared].every(([file, facts]) => factsOf(file) === facts);
  const context: ModuleContext = {
    factsOf,
    existence,
    moduleOf,
    toRelative,
    resolver: createKindResolver(factsOf, existence),
  };
  const memo = new Map<string, ModuleMemo>();

  const modules = located.map((module): AppModule => {
    const facts = module.file === undefined ? undefined : cachedFacts(cache, module.file, module.stat);
    if (module.file === undefined || facts === undefined) {
      return {
        name: module.name,
        app: module.app,
        module: module.module,
        file: undefined,
        components: [],
        imports: [],
        appFileImports: [],
        helperImports: [],
      };
    }
    const before = reusable ? previous.modules.get(module.name) : undefined;
    if (before !== undefined && before.facts === facts) {
      memo.set(module.name, before);
      return before.result;
    }
    current = module.file;
    const scanned = scanModule(context, module, module.file, facts);
    current = undefined;
    // An edit that changes neither components nor imports (a function body) keeps the old
    // object, so later stages see an unchanged module.
    const same = previous?.modules.get(module.name)?.result;
    const result = same === undefined ? scanned.result : share(same, scanned.result);
    memo.set(module.name, { facts, result, instances: scanned.instances });
    return result;
  });

  // Kinds: those of the conventional components file, then of every instance a component uses.
  const { resolver } = context;
  const instanceIds = new Set<string>();
  const componentsFile = join(root, COMPONENTS_FILE);
  if (fileExists(existence, componentsFile)) for (const id of resolver.instancesIn(componentsFile)) instanceIds.add(id);
  for (const id of [...new Set([...memo.values()].flatMap((entry) => entry.instances))].sort()) instanceIds.add(id);
  const kinds = new Set<string>();
  for (const id of instanceIds) for (const kind of resolver.kindsOf(id)) kinds.add(kind);

  // The inputs: the same as the previous run's while the module files and the other files read are.
  let inputs: readonly string[];
  if (sameLocated && sameKeys(previous.shared, shared)) {
    inputs = previous.result.inputs;
  } else {
    const files = new Set(shared.keys());
    for (const module of located) if (module.file !== undefined) files.add(module.file);
    inputs = [...files].map(toRelative).sort();
  }

  // Files that do not parse: what TypeScript recovered from them is not what the file says.
  const diagnostics: Diagnostic[] = [];
  const broken = new Map<string, FileFacts>();
  for (const module of located) {
    const facts = module.file === undefined ? undefined : memo.get(module.name)?.facts;
    if (module.file !== undefined && facts?.parseError !== undefined) broken.set(module.file, facts);
  }
  for (const [file, facts] of shared) if (facts.parseError !== undefined) broken.set(file, facts);
  for (const [file, facts] of broken) {
    const error = facts.parseError;
    if (error === undefined) continue;
    diagnostics.push(parseErrorAt(toRelative(file), error));
  }
  for (const module of located) {
    const facts = module.file === undefined ? undefined : memo.get(module.name)?.facts;
    if (module.file === undefined || facts === undefined || broken.has(module.file)) continue;
    const unnamed = unnamedComponent(module.file, facts, resolver, toRelative);
    if (unnamed !== undefined) diagnostics.push(unnamed);
  }
  const result = { modules, kinds: [...kinds], inputs, diagnostics };
  cache.memo.scan = { run: cache.run, located, shared, modules: memo, byFile, result };
  return result;
}

/**
 * What the previous run of a cache found, so an unchanged module keeps its scan result (and
 * its rendered text, memoised on the object): valid while the same module files exist and
 * every other file a run consulted is unchanged.
 */
export interface ScanMemo {
  /** The cache's run it was made in. */
  readonly run: number;
  readonly located: readonly Located[];
  /** Files other than module files that resolution read (and module files read for another module). */
  readonly shared: ReadonlyMap<string, FileFacts>;
  /** By module name; a later run may replace entries (the memo it replaces is dropped). */
  readonly modules: Map<string, ModuleMemo>;
  /** The module names of the module files, by absolute path. */
  readonly byFile: ReadonlyMap<string, string>;
  /** The result of that run. */
  readonly result: ScanResult;
}

/** One module's scan, with the file facts it came from and the registrars' instances it used. */
interface ModuleMemo {
  readonly facts: FileFacts;
  readonly result: AppModule;
  readonly instances: readonly string[];
}

/**
 * The previous run's result with the edited module files scanned again, when the caller said
 * which files changed and that is all that changed: each is a module file of its own (not a
 * folder module's, not read for another module), clean before and after (no syntax error, no
 * warning), reading no file the previous run did not, and using the same registrars' instances
 * (so the kinds stand). `undefined` when any of that does not hold: the whole scan runs instead.
 * A function body's edit or a component more costs one file's parse, not one per module.
 */
function rescanEdited(
  previous: ScanMemo,
  located: readonly Located[],
  cache: ScanCache,
  reading: Omit<ModuleContext, "resolver">,
): ScanResult | undefined {
  if (cache.changed === undefined) return undefined;
  let newRead = false;
  let current: string | undefined;
  const factsOf = (file: string): FileFacts | undefined => {
    const facts = reading.factsOf(file);
    if (file !== current && facts !== undefined && previous.shared.get(file) !== facts) newRead = true;
    return facts;
  };
  const context: ModuleContext = { ...reading, factsOf, resolver: createKindResolver(factsOf, reading.existence) };
  const updates: { index: number; memo: ModuleMemo }[] = [];
  for (const path of cache.changed) {
    const name = previous.byFile.get(path);
    const index = name === undefined ? -1 : located.findIndex((module) => module.name === name);
    const module = located[index];
    const before = name === undefined ? undefined : previous.modules.get(name);
    if (module?.file !== path || module.folder !== undefined || before === undefined || previous.shared.has(path))
      return undefined;
    const facts = cachedFacts(cache, path, module.stat);
    if (facts === before.facts) continue;
    const relative = reading.toRelative(path);
    if (facts?.parseError !== undefined || previous.result.diagnostics.some((d) => d.file === relative))
      return undefined;
    if (facts === undefined) return undefined;
    current = path;
    const scanned = scanModule(context, module, path, facts);
    current = undefined;
    if (newRead || !sameSet(before.instances, scanned.instances)) return undefined;
    if (unnamedComponent(path, facts, context.resolver, reading.toRelative) !== undefined) return undefined;
    updates.push({
      index,
      memo: { facts, result: share(before.result, scanned.result), instances: scanned.instances },
    });
  }
  // Every other file the previous run read is as it was: keep its cache entry.
  carryOver(cache, FACTS_READER);
  const modules = [...previous.result.modules];
  for (const { index, memo } of updates) {
    modules[index] = memo.result;
    previous.modules.set(memo.result.name, memo);
  }
  const result = updates.length === 0 ? previous.result : { ...previous.result, modules };
  cache.memo.scan = { ...previous, run: cache.run, located, result };
  return result;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((item) => set.has(item));
}

interface ModuleContext {
  readonly factsOf: (file: string) => FileFacts | undefined;
  readonly existence: FileExistence;
  readonly moduleOf: (file: string) => string | undefined;
  readonly toRelative: (file: string) => string;
  readonly resolver: KindResolver;
}

/** One module's components and imports, and the `Components` instances its registrars belong to. */
function scanModule(
  context: ModuleContext,
  module: Located,
  file: string,
  facts: FileFacts,
): { result: AppModule; instances: string[] } {
  const { factsOf, existence, moduleOf, toRelative, resolver } = context;
  const owner = module.name;
  const ownFile = (other: string): boolean => {
    const of = moduleOf(other);
    return of === undefined || of === owner;
  };
  const instances = new Set<string>();
  const components: ComponentRecord[] = [];
  const component = (exportName: string, declaration: Declaration): void => {
    const registrar = firstRegistrar(declaration, resolver);
    if (registrar === undefined) return;
    instances.add(registrar.instance);
    components.push({
      kind: registrar.kind,
      key: `${module.app}.${exportName}`,
      module: owner,
      exportName,
      file: toRelative(declaration.file),
      line: declaration.candidate.line,
      column: declaration.candidate.column,
    });
  };
  if (facts.reExports.length === 0) {
    // The common case: every export is declared (or imported) in the module file itself.
    for (const [exportName, local] of facts.exports) {
      if (exportName === "default") continue;
      const candidate = facts.candidates.get(local);
      const declaration =
        candidate === undefined
          ? findDeclaration(file, exportName, factsOf, existence, ownFile, new Set())
          : { file, candidate };
      if (declaration !== undefined) component(exportName, declaration);
    }
  } else {
    for (const exportName of listExports(file, factsOf, existence, ownFile, new Set())) {
      const declaration = findDeclaration(file, exportName, factsOf, existence, ownFile, new Set());
      if (declaration !== undefined) component(exportName, declaration);
    }
  }
  // A class declared twice under one exported name: both are components of that key, so the
  // duplicate-key check reports the second instead of the registry pointing at either.
  for (const candidate of facts.redeclared) {
    for (const [exportName, local] of facts.exports) {
      if (exportName !== "default" && local === candidate.local) component(exportName, { file, candidate });
    }
  }

  const imports: ModuleImport[] = [];
  const appFileImports: AppFileImport[] = [];
  const helpers: HelperEdge[] = [];
  for (const from of moduleFiles(module, factsOf, existence, moduleOf)) {
    for (const fact of factsOf(from)?.imports ?? []) {
      const resolved = resolveSpecifier(existence, from, fact.specifier);
      if (resolved === undefined) continue;
      const target = moduleOf(resolved);
      if (target === owner) continue;
      const place = { file: toRelative(from), line: fact.line, column: fact.column, typeOnly: fact.typeOnly };
      if (target !== undefined) {
        imports.push({ target, ...place, targetFile: toRelative(resolved) });
        continue;
      }
      // Another app's file outside its modules: no edge of the module graph, but the app rules see it.
      const targetFile = toRelative(resolved);
      const app = appOfFile(targetFile);
      if (app === module.app) helpers.push({ from, fact, to: resolved });
      else if (app !== undefined) appFileImports.push({ app, targetFile, ...place });
    }
  }
  const result = {
    name: owner,
    app: module.app,
    module: module.module,
    file: toRelative(file),
    components: components.sort(byPlace),
    imports,
    appFileImports,
    helperImports: helpers.length === 0 ? [] : helperImports(context, module.app, helpers),
  };
  return { result, instances: [...instances] };
}

/** `next`, or as much of `before` as is equal to it (the whole object, or its imports). */
function share(before: AppModule, next: AppModule): AppModule {
  if (before.name !== next.name || before.file !== next.file) return next;
  const sameImports = sameRecords(before.imports, next.imports, [
    "target",
    "file",
    "line",
    "column",
    "typeOnly",
    "targetFile",
  ]);
  const sameAppFileImports =
    JSON.stringify(before.appFileImports) === JSON.stringify(next.appFileImports) &&
    JSON.stringify(before.helperImports) === JSON.stringify(next.helperImports);
  const sameComponents = sameRecords(before.components, next.components, [
    "kind",
    "key",
    "exportName",
    "file",
    "line",
    "column",
  ]);
  if (sameImports && sameComponents && sameAppFileImports) return before;
  return sameImports ? { ...next, imports: before.imports } : next;
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const key of b.keys()) if (!a.has(key)) return false;
  return true;
}

function sameModules(a: readonly Located[], b: readonly Located[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every((module, i) => module === b[i] || (module.name === b[i]?.name && module.file === b[i]?.file)))
  );
}

/** The module file, plus for a folder module every file of the folder it reaches by relative imports. */
function moduleFiles(
  module: Located,
  factsOf: (file: string, stat?: FileStat) => FileFacts | undefined,
  existence: FileExistence,
  moduleOf: (file: string) => string | undefined,
): string[] {
  if (module.file === undefined) return [];
  if (module.folder === undefined) return [module.file];
  const files = [module.file];
  const seen = new Set(files);
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    for (const fact of factsOf(file)?.imports ?? []) {
      const resolved = resolveSpecifier(existence, file, fact.specifier);
      if (resolved === undefined || seen.has(resolved) || moduleOf(resolved) !== module.name) continue;
      seen.add(resolved);
      files.push(resolved);
    }
  }
  return files;
}

/** The app a relative path is a file of (`apps/<app>/…`), if any. */
function appOfFile(file: string): string | undefined {
  const end = file.indexOf("/", 5);
  return file.startsWith("apps/") && end > 5 ? file.slice(5, end) : undefined;
}

/** An import of a file of the importer's own app that belongs to no module: a helper. */
interface HelperEdge {
  readonly from: string;
  readonly fact: ImportFact;
  /** The helper, absolute. */
  readonly to: string;
}

/**
 * The imports of other apps' files that `app`'s helper files (its files outside any module)
 * make, for the helpers a module reaches through relative imports from `starts` (its files'
 * imports of helpers), each with the shortest chain from the module, preferring chains without
 * type-only imports. Imports of the app's own modules end a chain: those modules are scanned
 * on their own.
 */
function helperImports(context: ModuleContext, app: string, starts: readonly HelperEdge[]): HelperImport[] {
  const { factsOf, existence, moduleOf, toRelative } = context;
  /** Each helper reached: the import that reached it first, and whether its chain has a type-only import. */
  const reached = new Map<string, { readonly via: HelperEdge; readonly typeOnly: boolean }>();
  const isHelper = (file: string): boolean => moduleOf(file) === undefined && appOfFile(toRelative(file)) === app;
  // Runtime imports first, then type-only ones, so a helper reached both ways keeps its runtime chain.
  for (const typeOnly of [false, true]) {
    const queue: string[] = [];
    const reach = (via: HelperEdge): void => {
      if (reached.has(via.to) || (via.fact.typeOnly && !typeOnly)) return;
      reached.set(via.to, { via, typeOnly });
      queue.push(via.to);
    };
    for (const start of starts) reach(start);
    if (typeOnly) for (const [file, entry] of reached) if (!entry.typeOnly) queue.push(file);
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i] as string;
      for (const fact of factsOf(from)?.imports ?? []) {
        // The second pass follows only what the first could not: type-only imports, and every
        // import of a helper reached through one.
        if (typeOnly && !fact.typeOnly && reached.get(from)?.typeOnly !== true) continue;
        const to = resolveSpecifier(existence, from, fact.specifier);
        if (to !== undefined && isHelper(to)) reach({ from, fact, to });
      }
    }
  }
  const edge = ({ from, fact, to }: HelperEdge): ImportEdge => ({
    file: toRelative(from),
    line: fact.line,
    column: fact.column,
    to: toRelative(to),
  });
  const chainTo = (file: string): ImportEdge[] => {
    const chain: ImportEdge[] = [];
    for (let at = reached.get(file)?.via; at !== undefined; at = reached.get(at.from)?.via) chain.unshift(edge(at));
    return chain;
  };
  const found: HelperImport[] = [];
  for (const [from, { typeOnly }] of reached) {
    for (const fact of factsOf(from)?.imports ?? []) {
      const to = resolveSpecifier(existence, from, fact.specifier);
      const targetApp = to === undefined ? undefined : appOfFile(toRelative(to));
      if (to === undefined || targetApp === undefined || targetApp === app) continue;
      const chain = [...chainTo(from), edge({ from, fact, to })];
      const start = chain[0] as ImportEdge;
      found.push({
        app: targetApp,
        target: moduleOf(to),
        targetFile: toRelative(to),
        file: start.file,
        line: start.line,
        column: start.column,
        typeOnly: typeOnly || fact.typeOnly,
        chain,
      });
    }
  }
  return found;
}

type Declaration = { readonly file: string; readonly candidate: ComponentCandidate };

/** The names `file` exports as values (not `default`), following re-exports within `ownFile` files. */
function listExports(
  file: string,
  factsOf: (file: string, stat?: FileStat) => FileFacts | undefined,
  existence: FileExistence,
  ownFile: (file: string) => boolean,
  seen: Set<string>,
): string[] {
  const facts = factsOf(file);
  if (facts === undefined || seen.has(file)) return [];
  seen.add(file);
  const names = new Set<string>(facts.exports.keys());
  for (const reExport of facts.reExports) {
    if (reExport.exported !== "*") {
      names.add(reExport.exported);
      continue;
    }
    const target = resolveSpecifier(existence, file, reExport.specifier);
    if (target !== undefined && ownFile(target))
      for (const name of listExports(target, factsOf, existence, ownFile, seen)) names.add(name);
  }
  names.delete("default");
  return [...names];
}

/** The class or `const` exported from `file` as `exported`, following imports and re-exports within `ownFile` files. */
function findDeclaration(
  file: string,
  exported: string,
  factsOf: (file: string, stat?: FileStat) => FileFacts | undefined,
  existence: FileExistence,
  ownFile: (file: string) => boolean,
  seen: Set<string>,
): Declaration | undefined {
  const key = `${file}\0${exported}`;
  const facts = factsOf(file);
  if (facts === undefined || seen.has(key)) return undefined;
  seen.add(key);
  const follow = (specifier: string, name: string): Declaration | undefined => {
    const target = resolveSpecifier(existence, file, specifier);
    return target !== undefined && ownFile(target)
      ? findDeclaration(target, name, factsOf, existence, ownFile, seen)
      : undefined;
  };
  const local = facts.exports.get(exported);
  if (local !== undefined) {
    const candidate = facts.candidates.get(local);
    if (candidate !== undefined) return { file, candidate };
    const binding = facts.bindings.get(local);
    return binding === undefined || binding.imported === "*" ? undefined : follow(binding.specifier, binding.imported);
  }
  const named = facts.reExports.find((reExport) => reExport.exported === exported);
  if (named !== undefined) return named.imported === "*" ? undefined : follow(named.specifier, named.imported);
  for (const star of facts.reExports) {
    if (star.exported !== "*") continue;
    const found = follow(star.specifier, exported);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first decorator or callee of the declaration that is a registrar. */
/**
 * SPOC021, a warning, for a registrar-decorated `export default class` the module does not also
 * export by name: a component's key is `"<app>.<ExportName>"`, so it is not registered.
 */
function unnamedComponent(
  file: string,
  facts: FileFacts,
  resolver: KindResolver,
  toRelative: (file: string) => string,
): Diagnostic | undefined {
  const candidate = facts.defaultClass;
  if (candidate === undefined) return undefined;
  for (const [exportName, local] of facts.exports)
    if (exportName !== "default" && local === candidate.local) return undefined;
  const registrar = firstRegistrar({ file, candidate }, resolver);
  if (registrar === undefined) return undefined;
  const name = candidate.local === "default" ? "MyComponent" : candidate.local;
  return {
    code: ErrorCode.UnregistrableComponent,
    severity: "warning",
    message: `a ${registrar.kind} is the default export of ${toRelative(file)}; it is not registered: a component must be exported by name (its key is "<app>.<ExportName>")`,
    file: toRelative(file),
    line: candidate.line,
    column: candidate.column,
    hint: `write \`export class ${name}\` instead of \`export default class\``,
  };
}

function firstRegistrar(declaration: Declaration, resolver: KindResolver): Registrar | undefined {
  for (const use of declaration.candidate.uses) {
    const registrar = resolver.registrar(declaration.file, use);
    if (registrar !== undefined) return registrar;
  }
  return undefined;
}

function byPlace(a: ComponentRecord, b: ComponentRecord): number {
  return (
    compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.exportName, b.exportName)
  );
}
