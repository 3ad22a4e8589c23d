/**
 * The third stage: checks over the scanned model, one function per concern. Each diagnostic
 * says what is wrong, where, and how to fix it. (SPOC008 comes from reading the project,
 * SPOC011 from resolving plugins: both are found before there is a model to check.)
 */
import type { SourceLocation } from "../../errors.ts";
import { ErrorCode } from "../../errors.ts";
import { kindBelongsToModule, pluralOf } from "../../components.ts";
import { checkAppRules } from "./app-rules.ts";
import { closest } from "./closest.ts";
import { compareText, sameElements, sameNodes } from "../_compare.ts";
import { findCycles } from "./graph.ts";
import { dependencyClosure } from "./load-order.ts";
import type { AppModule, ComponentRecord, Diagnostic, ModuleImport, ProjectModel } from "../model.ts";

/**
 * What `runChecks` keeps between runs of a watch session (pass the same object each run): the
 * diagnostics of each module and of each app's keys, reused while the module objects (which
 * the scan keeps for unchanged modules) and everything else those checks read are unchanged.
 */
export interface ChecksMemo {
  /** @internal */
  state?: ChecksState;
}

interface ChecksState {
  /** The schema, kinds, modes and apps' modes the per-module checks read. */
  readonly context: string;
  /** What `context` was made from. */
  readonly from: ContextSources;
  /** The module nodes (name, app, schema module) the per-module checks resolve imports against. */
  readonly nodes: readonly AppModule[];
  readonly modules: ReadonlyMap<string, ModuleChecked>;
  /** `undefined` when an app name has a dot (a key could then collide across apps). */
  readonly apps: ReadonlyMap<string, AppChecked> | undefined;
  /** The layer check's context, once made. */
  readonly layers: LayerContext | undefined;
  readonly whole: WholeChecked;
}

/** The diagnostics of the checks over the whole project, and the app folders they were made with. */
interface WholeChecked {
  readonly appFolders: readonly string[];
  readonly schemaCycles: readonly Diagnostic[];
  readonly missingApps: readonly Diagnostic[];
  readonly missingModules: readonly Diagnostic[];
  readonly unknownModules: readonly Diagnostic[];
}

/** The parts of the model the checks' context is made from. */
type ContextSources = Pick<ProjectModel, "schema" | "kinds" | "modes" | "apps">;

function sameSources(a: ContextSources, b: ContextSources): boolean {
  return a.schema === b.schema && a.modes === b.modes && a.apps === b.apps && sameElements(a.kinds, b.kinds);
}

/** The layer, kind and mode-leak diagnostics of one module: they read nothing else of the modules. */
interface ModuleChecked {
  readonly module: AppModule;
  readonly layers: readonly Diagnostic[];
  readonly kinds: readonly Diagnostic[];
  readonly leaks: readonly Diagnostic[];
}

/** The duplicate keys within one app (a key is `"<app>.<ExportName>"`). */
interface AppChecked {
  readonly modules: readonly AppModule[];
  readonly duplicates: readonly Diagnostic[];
}

/**
 * Every check, in code order (the pipeline sorts the result). `loadOrder`, when given, proves
 * the module graph acyclic, so the search for import cycles is skipped. With the `memo` of the
 * previous run, only changed modules (and apps with a changed module) are checked again.
 */
export function runChecks(model: ProjectModel, loadOrder?: readonly string[], memo?: ChecksMemo): Diagnostic[] {
  const from: ContextSources = { schema: model.schema, kinds: model.kinds, modes: model.modes, apps: model.apps };
  const before = memo?.state;
  // The same objects as the previous run's (a watch session's rerun): the same text.
  const context =
    before !== undefined && sameSources(before.from, from)
      ? before.context
      : JSON.stringify([
          model.schema.file,
          model.schema.modules,
          model.schema.dependencies,
          model.kinds,
          model.modes,
          model.apps.map((app) => [app.name, app.modes]),
        ]);
  const previous =
    memo?.state !== undefined && memo.state.context === context && sameNodes(memo.state.nodes, model.modules)
      ? memo.state
      : undefined;

  // Made once a module is checked again (a rerun checks only the modules that changed); the
  // layers' lookup of module nodes by name holds while the nodes are those of the previous run.
  let layers = previous?.layers;
  let kinds: KindContext | undefined;
  let leaks: LeakContext | undefined;
  const modules = new Map<string, ModuleChecked>();
  /** The apps with a module checked again. */
  const changedApps = new Set<string>();
  for (const module of model.modules) {
    const before = previous?.modules.get(module.name);
    if (before !== undefined && before.module === module) {
      modules.set(module.name, before);
      continue;
    }
    layers ??= layerContext(model);
    kinds ??= kindContext(model);
    leaks ??= leakContext(model);
    modules.set(module.name, {
      module,
      layers: layersOf(layers, module),
      kinds: kindsOf(kinds, module),
      leaks: leaksOf(leaks, module),
    });
    changedApps.add(module.app);
  }

  // Keys are "<app>.<ExportName>": unless an app name has a dot, two apps never share one.
  let apps: Map<string, AppChecked> | undefined;
  let duplicates: Diagnostic[];
  if (previous?.apps !== undefined) {
    // The same nodes as the previous run's, so the same apps: only those with a changed module are checked again.
    apps = new Map();
    duplicates = [];
    for (const [app, before] of previous.apps) {
      let checked = before;
      if (changedApps.has(app)) {
        const group = before.modules.map((module) => modules.get(module.name)?.module ?? module);
        checked = { modules: group, duplicates: duplicateKeysIn(group) };
      }
      apps.set(app, checked);
      duplicates.push(...checked.duplicates);
    }
  } else if (model.modules.some((module) => module.app.includes("."))) {
    duplicates = checkDuplicateKeys(model);
  } else {
    const byApp = new Map<string, AppModule[]>();
    for (const module of model.modules) {
      const group = byApp.get(module.app);
      if (group) group.push(module);
      else byApp.set(module.app, [module]);
    }
    apps = new Map();
    duplicates = [];
    for (const [app, group] of byApp) {
      const checked = { modules: group, duplicates: duplicateKeysIn(group) };
      apps.set(app, checked);
      duplicates.push(...checked.duplicates);
    }
  }
  // The checks of the whole project read the schema, the apps, their folders and which module
  // files exist: with the same objects and the same nodes (files included), the same result.
  const whole =
    previous !== undefined && sameSources(previous.from, from) && previous.whole.appFolders === model.appFolders
      ? previous.whole
      : {
          appFolders: model.appFolders,
          schemaCycles: checkSchemaCycles(model),
          missingApps: checkAppFolders(model),
          missingModules: checkModuleFiles(model),
          unknownModules: checkUnknownModules(model),
        };
  if (memo !== undefined) memo.state = { context, from, nodes: model.modules, modules, apps, layers, whole };

  const checked = [...modules.values()];
  return [
    ...whole.schemaCycles,
    ...(loadOrder === undefined ? checkImportCycles(model) : []),
    ...checked.flatMap((entry) => entry.layers),
    ...whole.missingApps,
    ...whole.missingModules,
    ...checked.flatMap((entry) => entry.kinds),
    ...duplicates,
    ...whole.unknownModules,
    ...checked.flatMap((entry) => entry.leaks),
    ...checkAppRules(model),
  ];
}

/** SPOC001: a cycle in the schema's dependencies, at its first dependency declaration. */
function checkSchemaCycles(model: ProjectModel): Diagnostic[] {
  const { schema } = model;
  const edges = new Map(Object.entries(schema.dependencies));
  return findCycles(schema.modules, edges).map((cycle) => {
    const related = edgesOf(cycle).map(([from, to]) => ({
      ...(schema.dependencyLocations[`${from}->${to}`] ?? { file: schema.file, line: 1, column: 1 }),
      message: `${from} depends on ${to}`,
    }));
    const first = related[0];
    return {
      code: ErrorCode.SchemaCycle,
      severity: "error",
      message: `the schema's module dependencies form a cycle: ${cycle.join(" -> ")}`,
      file: first?.file ?? schema.file,
      line: first?.line ?? 1,
      column: first?.column ?? 1,
      hint: `remove one of these dependencies in ${schema.file}: ${edgesOf(cycle)
        .map(([from, to]) => `${from} -> ${to}`)
        .join(", ")}`,
      cycle,
      related,
    };
  });
}

/** SPOC002: app modules importing each other in a cycle at run time; reported once per cycle. */
function checkImportCycles(model: ProjectModel): Diagnostic[] {
  const firstImport = new Map<string, ModuleImport>();
  const edges = new Map<string, string[]>();
  for (const module of model.modules) {
    for (const imported of runtimeImports(module)) {
      const key = `${module.name}->${imported.target}`;
      if (firstImport.has(key)) continue;
      firstImport.set(key, imported);
      const targets = edges.get(module.name);
      if (targets) targets.push(imported.target);
      else edges.set(module.name, [imported.target]);
    }
  }
  const nodes = model.modules.filter((module) => module.file !== undefined).map((module) => module.name);
  return findCycles(nodes, edges).map((cycle) => {
    const related = edgesOf(cycle).map(([from, to]) => {
      const at = firstImport.get(`${from}->${to}`);
      return { file: at?.file ?? "", line: at?.line ?? 1, column: at?.column ?? 1, message: `${from} imports ${to}` };
    });
    const first = related[0];
    return {
      code: ErrorCode.ImportCycle,
      severity: "error",
      message: `app modules import each other in a cycle: ${cycle.join(" -> ")}`,
      file: first?.file ?? "",
      line: first?.line ?? 1,
      column: first?.column ?? 1,
      hint: "break the cycle: move what both need into a module they may both import, or make one import `import type` if it only needs types",
      cycle,
      related,
    };
  });
}

interface LayerContext {
  readonly schema: ProjectModel["schema"];
  readonly closure: Map<string, Set<string>>;
  readonly byName: Map<string, AppModule>;
}

function layerContext(model: ProjectModel): LayerContext {
  return {
    schema: model.schema,
    closure: dependencyClosure(model.schema),
    byName: new Map(model.modules.map((module) => [module.name, module])),
  };
}

/** SPOC003: a runtime import of a module kind the importer's schema dependencies do not allow. */
function layersOf({ schema, closure, byName }: LayerContext, module: AppModule): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const allowed = closure.get(module.module) ?? new Set<string>();
  for (const imported of runtimeImports(module)) {
    const target = byName.get(imported.target);
    if (target === undefined || target.module === module.module || allowed.has(target.module)) continue;
    const may = schema.modules.filter((m) => allowed.has(m)).map((m) => `"${m}"`);
    const rule =
      may.length === 0
        ? `"${module.module}" has no schema dependencies, so it may import only other "${module.module}" modules`
        : `"${module.module}" may import other "${module.module}" modules and ${may.join(", ")}`;
    diagnostics.push(
      at(
        imported,
        ErrorCode.LayerViolation,
        `${module.name} imports ${target.name}, but "${module.module}" does not depend on "${target.module}" in ${schema.file}`,
        {
          hint: `${rule}; move the code, or add "${target.module}" to dependencies.${module.module} in ${schema.file} if the layering allows it`,
        },
      ),
    );
  }
  return diagnostics;
}

/** SPOC004: an installed app without an `apps/<app>/` folder, with a did-you-mean. */
function checkAppFolders(model: ProjectModel): Diagnostic[] {
  return model.apps
    .filter((app) => !app.exists)
    .map((app) => {
      const suggestion = closest(app.name, model.appFolders);
      return at(
        located(app.declaredAt),
        ErrorCode.UnknownApp,
        `app "${app.name}" is installed but apps/${app.name}/ does not exist${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`}`,
        {
          hint:
            suggestion === undefined
              ? `create apps/${app.name}/ or remove "${app.name}" from the installed apps`
              : `rename it to "${suggestion}", or create apps/${app.name}/`,
        },
      );
    });
}

/** SPOC005: in strict mode, an existing app without one of the schema's module files. */
function checkModuleFiles(model: ProjectModel): Diagnostic[] {
  if (!model.schema.strict) return [];
  const apps = new Map(model.apps.map((app) => [app.name, app]));
  return model.modules
    .filter((module) => module.file === undefined && apps.get(module.app)?.exists === true)
    .map((module) => {
      const app = apps.get(module.app);
      const expected = `apps/${module.app}/${module.module}.ts`;
      return at(
        located(app?.declaredAt ?? { file: model.schema.file }),
        ErrorCode.MissingModule,
        `app "${module.app}" has no "${module.module}" module: expected ${expected} (or apps/${module.app}/${module.module}/index.ts)`,
        { hint: `create ${expected}, or set \`strict: false\` in ${model.schema.file} to let apps leave modules out` },
      );
    });
}

interface KindContext {
  readonly model: ProjectModel;
  /** `kind\0module` → whether the kind belongs to the module. */
  readonly belongs: Map<string, boolean>;
}

function kindContext(model: ProjectModel): KindContext {
  return { model, belongs: new Map() };
}

/** SPOC006: a component whose kind does not belong to the module declaring it. */
function kindsOf({ model, belongs }: KindContext, module: AppModule): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const component of module.components) {
    const pair = `${component.kind}\0${module.module}`;
    let fits = belongs.get(pair);
    if (fits === undefined) belongs.set(pair, (fits = kindBelongsToModule(component.kind, module.module)));
    if (fits) continue;
    const home = model.schema.modules.find((m) => kindBelongsToModule(component.kind, m));
    const fitting = model.kinds.filter((kind) => kindBelongsToModule(kind, module.module));
    const fix =
      home === undefined
        ? `declare it in a module named "${pluralOf(component.kind)}"`
        : `move it to apps/${module.app}/${home}.ts`;
    diagnostics.push(
      at(
        component,
        ErrorCode.KindMismatch,
        `${component.key} is a "${component.kind}" component, but it is declared in the "${module.module}" module`,
        {
          hint: `${fix}${fitting.length > 0 ? `, or register it as ${fitting.map((k) => `"${k}"`).join(" or ")}` : ""}`,
        },
      ),
    );
  }
  return diagnostics;
}

/** SPOC007: two components with one key; reported at each later one, pointing at the first. */
function checkDuplicateKeys(model: ProjectModel): Diagnostic[] {
  return duplicateKeysIn(model.modules);
}

function duplicateKeysIn(modules: readonly AppModule[]): Diagnostic[] {
  const firstByKey = new Map<string, ComponentRecord>();
  const repeated = new Map<string, ComponentRecord[]>();
  for (const module of modules) {
    for (const component of module.components) {
      const seen = firstByKey.get(component.key);
      if (seen === undefined) firstByKey.set(component.key, component);
      else repeated.set(component.key, [...(repeated.get(component.key) ?? [seen]), component]);
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const [key, components] of repeated) {
    const [first, ...later] = [...components].sort(
      (a, b) =>
        compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.module, b.module),
    );
    if (first === undefined) continue;
    for (const component of later) {
      diagnostics.push(
        at(
          component,
          ErrorCode.DuplicateKey,
          `component key "${key}" is declared twice: here (${component.module}) and at ${first.file}:${first.line}:${first.column} (${first.module})`,
          {
            hint: 'rename one of the exports; a key is "<app>.<ExportName>", so export names must be unique within an app',
            related: [
              { file: first.file, line: first.line, column: first.column, message: `"${key}" is first declared here` },
            ],
          },
        ),
      );
    }
  }
  return diagnostics;
}

/** SPOC009: schema dependencies or hooks naming a module the schema does not have. */
function checkUnknownModules(model: ProjectModel): Diagnostic[] {
  const { schema } = model;
  const known = new Set(schema.modules);
  const diagnostics: Diagnostic[] = [];
  const report = (name: string, where: SourceLocation | undefined, what: string): void => {
    const suggestion = closest(name, schema.modules);
    diagnostics.push(
      at(
        located(where ?? { file: schema.file }),
        ErrorCode.UnknownModule,
        `${what} names unknown module "${name}"; the schema's modules are ${schema.modules.map((m) => `"${m}"`).join(", ") || "none"}`,
        {
          hint:
            suggestion === undefined
              ? `add "${name}" to modules in ${schema.file}, or remove it`
              : `did you mean "${suggestion}"?`,
        },
      ),
    );
  };
  for (const [module, dependencies] of Object.entries(schema.dependencies)) {
    if (!known.has(module)) report(module, schema.dependencyLocations[module], "schema dependencies");
    for (const dependency of dependencies) {
      if (!known.has(dependency))
        report(dependency, schema.dependencyLocations[`${module}->${dependency}`], `dependencies.${module}`);
    }
  }
  for (const [module, where] of Object.entries(schema.hookModules)) {
    if (!known.has(module)) report(module, where, "schema hooks");
  }
  return diagnostics;
}

interface LeakContext {
  readonly modesOf: Map<string, readonly string[]>;
  readonly everywhere: (app: string) => boolean;
}

function leakContext(model: ProjectModel): LeakContext {
  const modesOf = new Map(model.apps.map((app) => [app.name, app.modes]));
  const everywhere = (app: string): boolean => model.modes.every((mode) => modesOf.get(app)?.includes(mode) === true);
  return { modesOf, everywhere };
}

/** SPOC010: an app installed in every mode importing, at run time, an app installed only in some. */
function leaksOf({ modesOf, everywhere }: LeakContext, module: AppModule): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (module.imports.length === 0 || !everywhere(module.app)) return diagnostics;
  for (const imported of runtimeImports(module)) {
    const app = imported.target.slice(0, imported.target.lastIndexOf("."));
    if (app === module.app || everywhere(app)) continue;
    const modes = modesOf.get(app) ?? [];
    diagnostics.push(
      at(
        imported,
        ErrorCode.ModeLeak,
        `${module.name} is installed in every mode but imports ${imported.target}, and app "${app}" is installed only in ${modes.join(", ") || "no mode"}`,
        {
          hint: `install "${app}" in every mode (settings installedApps or [spoc.apps] production), or move this import into an app installed only where "${app}" is`,
        },
      ),
    );
  }
  return diagnostics;
}

function runtimeImports(module: AppModule): ModuleImport[] {
  return module.imports.filter((imported) => !imported.typeOnly);
}

/** `[a, b, c, a]` → `[[a, b], [b, c], [c, a]]`. */
function edgesOf(cycle: readonly string[]): [string, string][] {
  const edges: [string, string][] = [];
  for (let i = 0; i + 1 < cycle.length; i++) edges.push([cycle[i] as string, cycle[i + 1] as string]);
  return edges;
}

function located(location: SourceLocation): { file: string; line: number; column: number } {
  return { file: location.file, line: location.line ?? 1, column: location.column ?? 1 };
}

function at(
  where: { readonly file: string; readonly line: number; readonly column: number },
  code: Diagnostic["code"],
  message: string,
  extra: Pick<Diagnostic, "hint" | "related">,
): Diagnostic {
  return { code, severity: "error", message, file: where.file, line: where.line, column: where.column, ...extra };
}
