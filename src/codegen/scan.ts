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
 */
import { join, sep } from "node:path";
import { readParsed, statFile, type FileStat, type ScanCache } from "./cache.ts";
import { readFileFacts, type ComponentCandidate, type FileFacts } from "./file-facts.ts";
import { createKindResolver, type KindResolver } from "./kinds.ts";
import type { AppModule, AppRecord, ComponentRecord, ModuleImport } from "./model.ts";
import { fileExists, relativeTo, resolveSpecifier, type FileExistence } from "./resolve.ts";

/** The conventional home of the project's `Components` declaration; read for its kinds. */
export const COMPONENTS_FILE = "framework/components.ts";

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
  /** Declared component kinds, lower case. */
  readonly kinds: readonly string[];
  /** Every TypeScript file read, relative to the root, sorted. */
  readonly inputs: readonly string[];
}

interface Located {
  readonly name: string;
  readonly app: string;
  readonly module: string;
  /** Absolute. */
  readonly file: string | undefined;
  /** Absolute folder of a folder module. */
  readonly folder: string | undefined;
  readonly stat: FileStat | undefined;
}

/** Scans the apps' module files. */
export function scanApps(input: ScanInput, cache: ScanCache, existence: FileExistence): ScanResult {
  const { root } = input;
  const appsPrefix = join(root, "apps") + sep;
  const toRelative = (file: string): string => relativeTo(root, file);

  const located = locateModules(input, appsPrefix, existence);
  const byFile = new Map<string, string>();
  const byFolder = new Map<string, string>();
  for (const module of located) {
    if (module.file !== undefined) byFile.set(module.file, module.name);
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

  const read = new Set<string>();
  const factsOf = (file: string, stat?: FileStat): FileFacts | undefined => {
    const facts = readParsed(cache, "facts", file, readFileFacts, stat);
    if (facts !== undefined) read.add(file);
    return facts;
  };
  const resolver = createKindResolver(factsOf, existence);

  const modules = located.map((module): AppModule => {
    const facts = module.file === undefined ? undefined : factsOf(module.file, module.stat);
    if (module.file === undefined || facts === undefined) {
      return { name: module.name, app: module.app, module: module.module, file: undefined, components: [], imports: [] };
    }
    const owner = module.name;
    const ownFile = (file: string): boolean => {
      const of = moduleOf(file);
      return of === undefined || of === owner;
    };
    const component = (exportName: string, declaration: Declaration): void => {
      const kind = firstRegistrarKind(declaration, resolver);
      if (kind === undefined) return;
      components.push({
        kind,
        key: `${module.app}.${exportName}`,
        module: owner,
        exportName,
        file: toRelative(declaration.file),
        line: declaration.candidate.line,
        column: declaration.candidate.column,
      });
    };

    const components: ComponentRecord[] = [];
    if (facts.reExports.length === 0) {
      // The common case: every export is declared (or imported) in the module file itself.
      for (const [exportName, local] of facts.exports) {
        if (exportName === "default") continue;
        const candidate = facts.candidates.get(local);
        const declaration = candidate === undefined ? findDeclaration(module.file, exportName, factsOf, existence, ownFile, new Set()) : { file: module.file, candidate };
        if (declaration !== undefined) component(exportName, declaration);
      }
    } else {
      for (const exportName of listExports(module.file, factsOf, existence, ownFile, new Set())) {
        const declaration = findDeclaration(module.file, exportName, factsOf, existence, ownFile, new Set());
        if (declaration !== undefined) component(exportName, declaration);
      }
    }

    const imports: ModuleImport[] = [];
    for (const file of moduleFiles(module, factsOf, existence, moduleOf)) {
      for (const fact of factsOf(file)?.imports ?? []) {
        const resolved = resolveSpecifier(existence, file, fact.specifier);
        const target = resolved === undefined ? undefined : moduleOf(resolved);
        if (target === undefined || target === owner) continue;
        imports.push({ target, file: toRelative(file), line: fact.line, column: fact.column, typeOnly: fact.typeOnly });
      }
    }
    return { name: owner, app: module.app, module: module.module, file: toRelative(module.file), components: components.sort(byPlace), imports };
  });

  const componentsFile = join(root, COMPONENTS_FILE);
  if (statFile(componentsFile) !== undefined) resolver.visitFile(componentsFile);
  return { modules, kinds: resolver.declaredKinds(), inputs: [...read].map(toRelative).sort() };
}

/** Finds each app × module file, with one stat per file (which the cache reuses). */
function locateModules(input: ScanInput, appsPrefix: string, existence: FileExistence): Located[] {
  const located: Located[] = [];
  for (const app of input.apps) {
    const appDir = appsPrefix + app.name;
    for (const module of input.modules) {
      const name = `${app.name}.${module}`;
      if (!app.exists) {
        located.push({ name, app: app.name, module, file: undefined, folder: undefined, stat: undefined });
        continue;
      }
      const flat = `${appDir}${sep}${module}.ts`;
      const flatStat = statFile(flat);
      existence.files.set(flat, flatStat !== undefined);
      if (flatStat !== undefined) {
        located.push({ name, app: app.name, module, file: flat, folder: undefined, stat: flatStat });
        continue;
      }
      const folder = `${appDir}${sep}${module}`;
      const index = `${folder}${sep}index.ts`;
      const indexStat = statFile(index);
      existence.files.set(index, indexStat !== undefined);
      located.push({ name, app: app.name, module, file: indexStat && index, folder: indexStat && folder, stat: indexStat });
    }
  }
  return located;
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
    if (target !== undefined && ownFile(target)) for (const name of listExports(target, factsOf, existence, ownFile, seen)) names.add(name);
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
    return target !== undefined && ownFile(target) ? findDeclaration(target, name, factsOf, existence, ownFile, seen) : undefined;
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

/** The kind of the first decorator or callee of the declaration that is a registrar. */
function firstRegistrarKind(declaration: Declaration, resolver: KindResolver): string | undefined {
  for (const use of declaration.candidate.uses) {
    const kind = resolver.registrarKind(declaration.file, use);
    if (kind !== undefined) return kind;
  }
  return undefined;
}

function byPlace(a: ComponentRecord, b: ComponentRecord): number {
  return compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.exportName, b.exportName);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
