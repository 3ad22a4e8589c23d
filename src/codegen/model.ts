/**
 * Plain data passed between the pipeline's stages:
 * read project → scan → check → render → write. No stage holds TypeScript nodes here.
 */
import type { ErrorCode, SourceLocation } from "../errors.ts";
import type { RegistryComponent } from "../registry.ts";
import type { RegistryOutput } from "./render/registry.ts";

export type Severity = "error" | "warning";

/** One problem found by the generator. Paths are relative to the root, `/` separators. */
export interface Diagnostic {
  readonly code: ErrorCode;
  readonly severity: Severity;
  /** What is wrong, naming the offending value. */
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** How to fix it. */
  readonly hint?: string;
  /** For SPOC001/SPOC002: the cycle, starting at its smallest node, first = last. */
  readonly cycle?: readonly string[];
  /** For cycles: where each edge of the cycle is declared, in cycle order. */
  readonly related?: readonly (SourceLocation & { readonly message: string })[];
}

/** A component found in a module file: the registry's record of it, and its column. */
export interface ComponentRecord extends RegistryComponent {
  readonly column: number;
}

/** An import from one app module of another app module. */
export interface ModuleImport {
  /** The imported module node, `"<app>.<module>"`. */
  readonly target: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `import type` / all specifiers type-only: not a runtime edge. */
  readonly typeOnly: boolean;
  /** The file the specifier resolves to, relative: the target's module file or a file inside a folder module. */
  readonly targetFile: string;
}

/** An import from one app module of a file of another app that belongs to none of its modules. */
export interface AppFileImport {
  /** The app whose file is imported. */
  readonly app: string;
  /** The imported file, relative. */
  readonly targetFile: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly typeOnly: boolean;
}

/** One import of a chain: at `file:line:column`, `file` imports `to` (both relative). */
export interface ImportEdge {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly to: string;
}

/**
 * An import of another app's file made by a helper file of the module's own app (a file under
 * `apps/<app>/` that belongs to no module) which the module reaches through relative imports.
 * It is located at the import that starts the chain, in one of the module's files.
 */
export interface HelperImport {
  /** The app whose file is imported. */
  readonly app: string;
  /** The module node the imported file belongs to, or `undefined` for a file outside its modules. */
  readonly target: string | undefined;
  /** The imported file, relative. */
  readonly targetFile: string;
  /** `chain[0]`'s place. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Whether some import of the chain is type-only (then it does not load the app at run time). */
  readonly typeOnly: boolean;
  /** The imports from the module's file to `targetFile`, in order (at least two). */
  readonly chain: readonly ImportEdge[];
}

/** `apps/<app>/<module>.ts` (or `<module>/index.ts`), found or not. */
export interface AppModule {
  /** `"<app>.<module>"`. */
  readonly name: string;
  readonly app: string;
  readonly module: string;
  /** Relative path, or `undefined` when the app has no such module file. */
  readonly file: string | undefined;
  readonly components: readonly ComponentRecord[];
  readonly imports: readonly ModuleImport[];
  /** Imports of other apps' files outside their modules (helpers, fixtures…). */
  readonly appFileImports: readonly AppFileImport[];
  /** Imports of other apps' files (module files or not) through the app's own helper files. */
  readonly helperImports: readonly HelperImport[];
}

/** An app, with the modes it is installed in, in installation order. */
export interface AppRecord {
  readonly name: string;
  readonly modes: readonly string[];
  /** Whether `apps/<name>/` exists. */
  readonly exists: boolean;
  /** Where it is named (settings.ts or spoc.toml), for diagnostics. */
  readonly declaredAt: SourceLocation;
}

export interface SchemaModel {
  readonly file: string;
  readonly modules: readonly string[];
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /**
   * Where each `module -> dependency` is declared, keyed `"views->models"`; the key of each
   * module's own entry in `dependencies` is keyed by the module name (`"views"`).
   */
  readonly dependencyLocations: Readonly<Record<string, SourceLocation>>;
  /** Module names that have hooks, with where they are declared. */
  readonly hookModules: Readonly<Record<string, SourceLocation>>;
  readonly strict: boolean;
  readonly fingerprint: string;
}

export interface PluginRecord {
  readonly group: string;
  readonly ref: string;
  /** Resolved file relative to the root, when it exists. */
  readonly file: string | undefined;
  readonly exportName: string;
  readonly declaredAt: SourceLocation;
}

/** `[spoc.rules]` of spoc.toml, with where each rule is written. */
export interface AppRulesModel {
  /** App → the other apps it may import; apps not listed may import any app. */
  readonly dependencies: Readonly<
    Record<string, { readonly apps: readonly string[]; readonly declaredAt: SourceLocation }>
  >;
  /** Apps other apps may import only through their schema module files. */
  readonly encapsulated: readonly { readonly app: string; readonly declaredAt: SourceLocation }[];
}

/** Everything the checks and the renderer need, from one scan. */
export interface ProjectModel {
  /** Absolute root directory. */
  readonly root: string;
  /** Every known mode, sorted. */
  readonly modes: readonly string[];
  readonly apps: readonly AppRecord[];
  readonly schema: SchemaModel;
  /** Declared component kinds, lower case. */
  readonly kinds: readonly string[];
  /** Every app × schema module, apps in installation order then schema module order. */
  readonly modules: readonly AppModule[];
  readonly plugins: readonly PluginRecord[];
  /** Folder names under `apps/`, sorted (for did-you-mean suggestions). */
  readonly appFolders: readonly string[];
  /**
   * `config/settings.ts` and the export holding the settings (`"default"` or `"settings"`),
   * or `undefined` when the project has no settings file.
   */
  readonly settings: { readonly file: string; readonly exportName: string } | undefined;
  /** Codes silenced by `[spoc.check] ignore`. */
  readonly ignoredCodes: readonly string[];
  /** Which app may import which; empty when `[spoc.rules]` declares nothing. */
  readonly appRules: AppRulesModel;
  /** Files the result depends on (relative), for watch mode and the esbuild plugin. */
  readonly inputs: readonly string[];
}

/** What one run of the pipeline produced. */
export interface PipelineResult {
  /** `undefined` when the project could not be read at all (see diagnostics). */
  readonly model: ProjectModel | undefined;
  /** Sorted by file, line, column, code; silenced codes removed. */
  readonly diagnostics: readonly Diagnostic[];
  /** How many diagnostics `[spoc.check] ignore` silenced. */
  readonly silenced: number;
  /** The baked load order, or `undefined` when a cycle prevents one. */
  readonly loadOrder: readonly string[] | undefined;
  /** The registry's texts, or `undefined` when there are errors (or `render: false`). */
  readonly registry: RegistryOutput | undefined;
}
