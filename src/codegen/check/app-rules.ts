/**
 * The architecture rules between apps (`[spoc.rules]` in spoc.toml): which apps an app may
 * import at run time (SPOC012), which apps show other apps only their schema module files
 * (SPOC013), and rules that name no installed app (SPOC014). With no rules, nothing is reported.
 */
import { ErrorCode, type SourceLocation } from "../../errors.ts";
import { PROJECT_CONFIG_FILE } from "../../config/project.ts";
import type { AppModule, Diagnostic, ImportEdge, ProjectModel } from "../model.ts";
import { closest } from "./closest.ts";

/** An import of another app, from a module, whatever the file it reaches. */
interface AppImport {
  readonly app: string;
  /** What is imported: a module node (`"users.models"`) or a file (`"apps/users/lib.ts"`). */
  readonly what: string;
  /** The imported file, relative. */
  readonly targetFile: string;
  /** Whether `targetFile` is the imported module's own file (its public surface). */
  readonly surface: boolean;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly typeOnly: boolean;
  /** When the import is made by a helper file of the importer's app: the imports from the module's file to it. */
  readonly chain?: readonly ImportEdge[];
}

/** Every diagnostic of `[spoc.rules]`; nothing when no rule is declared. */
export function checkAppRules(model: ProjectModel): Diagnostic[] {
  const { dependencies, encapsulated } = model.appRules;
  if (Object.keys(dependencies).length === 0 && encapsulated.length === 0) return [];
  const fileOf = new Map(model.modules.map((module) => [module.name, module.file]));
  const sealed = new Map(encapsulated.map((entry) => [entry.app, entry.declaredAt]));
  const diagnostics = checkRuleApps(model);
  for (const module of model.modules) {
    const rule = dependencies[module.app];
    for (const imported of appImportsOf(module, fileOf)) {
      if (rule !== undefined && !imported.typeOnly && !rule.apps.includes(imported.app)) {
        diagnostics.push(undeclared(module, imported, rule));
      }
      const sealedAt = sealed.get(imported.app);
      if (sealedAt !== undefined && !imported.surface) diagnostics.push(deep(model, module, imported, sealedAt));
    }
  }
  return diagnostics;
}

/**
 * The imports of other apps from `module`'s files, module imports first, in source order, then
 * those its app's helper files make on its behalf (located at the import that reaches them).
 */
export function appImportsOf(module: AppModule, fileOf: ReadonlyMap<string, string | undefined>): AppImport[] {
  const imports: AppImport[] = [];
  for (const imported of module.imports) {
    const app = imported.target.slice(0, imported.target.lastIndexOf("."));
    if (app === module.app) continue;
    const surface = fileOf.get(imported.target) === imported.targetFile;
    imports.push({ app, what: imported.target, surface, ...pick(imported) });
  }
  for (const imported of module.appFileImports) {
    imports.push({ app: imported.app, what: imported.targetFile, surface: false, ...pick(imported) });
  }
  for (const imported of module.helperImports) {
    const what = imported.target ?? imported.targetFile;
    const surface = imported.target !== undefined && fileOf.get(imported.target) === imported.targetFile;
    imports.push({ app: imported.app, what, surface, chain: imported.chain, ...pick(imported) });
  }
  return imports;
}

function pick(imported: Omit<AppImport, "app" | "what" | "surface">): Omit<AppImport, "app" | "what" | "surface"> {
  const { targetFile, file, line, column, typeOnly } = imported;
  return { targetFile, file, line, column, typeOnly };
}

/** SPOC012: a runtime import of an app the importer's `[spoc.rules.apps]` entry does not list. */
function undeclared(
  module: AppModule,
  imported: AppImport,
  rule: { readonly apps: readonly string[]; readonly declaredAt: SourceLocation },
): Diagnostic {
  const may = rule.apps.length === 0 ? "no other app" : `only ${rule.apps.map((app) => `"${app}"`).join(", ")}`;
  return {
    code: ErrorCode.UndeclaredAppDependency,
    severity: "error",
    message: `${module.name} imports ${imported.what}${through(imported)}, but app "${module.app}" may import ${may} ([spoc.rules.apps] in ${PROJECT_CONFIG_FILE})`,
    file: imported.file,
    line: imported.line,
    column: imported.column,
    hint: `if "${module.app}" may depend on "${imported.app}", add it: ${module.app} = [${[...rule.apps, imported.app].map((app) => `"${app}"`).join(", ")}]; otherwise move the code, or let "${imported.app}" call "${module.app}" instead`,
    related: [{ ...located(rule.declaredAt), message: `the apps "${module.app}" may import` }, ...chainOf(imported)],
  };
}

/** SPOC013: an import of an encapsulated app's file other than one of its schema module files. */
function deep(model: ProjectModel, module: AppModule, imported: AppImport, sealedAt: SourceLocation): Diagnostic {
  const surface = model.modules
    .filter((other) => other.app === imported.app && other.file !== undefined)
    .map((other) => other.file as string);
  return {
    code: ErrorCode.DeepImport,
    severity: "error",
    message: `${module.name} imports ${imported.targetFile}${through(imported)}, a file inside app "${imported.app}"; "${imported.app}" is encapsulated, so other apps may import only its schema module files (${surface.join(", ") || "none"})`,
    file: imported.file,
    line: imported.line,
    column: imported.column,
    hint: `export what you need from a module file of "${imported.app}" and import that, or remove "${imported.app}" from [spoc.rules] encapsulated in ${PROJECT_CONFIG_FILE}`,
    related: [{ ...located(sealedAt), message: `"${imported.app}" is encapsulated here` }, ...chainOf(imported)],
  };
}

/** For an import made by helper files: ` through helper files (<file:line:column> -> … -> <target>)`. */
function through(imported: AppImport): string {
  const chain = imported.chain;
  if (chain === undefined || chain.length === 0) return "";
  const steps = [...chain.map((edge) => `${edge.file}:${edge.line}:${edge.column}`), imported.targetFile];
  return ` through helper files (${steps.join(" -> ")})`;
}

/** The chain's imports after the first (the diagnostic's own place), as related locations. */
function chainOf(imported: AppImport): { file: string; line: number; column: number; message: string }[] {
  return (imported.chain ?? []).slice(1).map(({ file, line, column, to }) => ({
    file,
    line,
    column,
    message: `${file} imports ${to}`,
  }));
}

/** SPOC014: a rule naming an app no mode installs (a typo would silently allow nothing). */
function checkRuleApps(model: ProjectModel): Diagnostic[] {
  const installed = model.apps.map((app) => app.name);
  const diagnostics: Diagnostic[] = [];
  const report = (app: string, where: SourceLocation, what: string): void => {
    if (installed.includes(app)) return;
    const suggestion = closest(app, installed);
    diagnostics.push({
      code: ErrorCode.UnknownRuleApp,
      severity: "error",
      message: `${what} names app "${app}", which no mode installs${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`}`,
      ...located(where),
      hint:
        suggestion === undefined
          ? `remove "${app}" from [spoc.rules] in ${PROJECT_CONFIG_FILE}, or install it`
          : `rename it to "${suggestion}"`,
    });
  };
  for (const [app, rule] of Object.entries(model.appRules.dependencies)) {
    report(app, rule.declaredAt, "[spoc.rules.apps]");
    for (const allowed of rule.apps) report(allowed, rule.declaredAt, `[spoc.rules.apps] ${app}`);
  }
  for (const entry of model.appRules.encapsulated) report(entry.app, entry.declaredAt, "[spoc.rules] encapsulated");
  return diagnostics;
}

function located(location: SourceLocation): { file: string; line: number; column: number } {
  return { file: location.file, line: location.line ?? 1, column: location.column ?? 1 };
}
