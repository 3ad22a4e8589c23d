import { loadConfig, importPluginFromDisk, resolvePlugins } from "./config/index.ts";
import type { LoadedConfig, PluginLoader, Settings } from "./config/index.ts";
import { ErrorCode, SpocError } from "./errors.ts";
import type {
  ComponentMap,
  ProjectSettings,
  Registry,
  RegistryComponent,
  RegistryModule,
  StaleComponent,
} from "./registry.ts";
import { schemaFingerprint } from "./schema.ts";
import type { LoadedModule, ModuleHook, Schema } from "./schema.ts";
import { setWorkerLocation } from "./workers/location.ts";
import { REGENERATE_COMMAND } from "./regenerate-command.ts";
import { jobsSettingsOf } from "./workers/queue/connection.ts";
import { JobQueue, queueWorkersOf } from "./workers/queue/jobs.ts";
import { assertBaseDir } from "./base-dir.ts";

/** A component map with no compile-time keys, for registries built by hand. */
export type AnyComponentMap = Record<string, Record<string, unknown>>;

/**
 * `unknown` for a component key of a current registry; for a stale one (its export is gone),
 * a type no key is assignable to, named so that the compiler's message says what to do.
 */
type LiveKey<Component> =
  Component extends StaleComponent<infer Key>
    ? { readonly "the registry is stale: this export is gone; regenerate it with spoc gen": Key }
    : unknown;

/** `framework.components`: each module's components by key. */
export type ComponentsByModule<Map extends object> = { readonly [M in keyof Map]: Readonly<Map[M]> };

export interface FrameworkOptions {
  /** The project root: `config/` lives here. */
  readonly baseDir: string;
  readonly schema: Schema;
  /** Usually `registry` from `generated/registry.ts`. */
  readonly registry: Registry;
  /** Overrides `SPOC_MODE` and spoc.toml's `mode`. */
  readonly mode?: string;
  /** Settings to use instead of the registry's `config/settings.ts`. */
  readonly settings?: Settings;
  /**
   * Receives configuration warnings (a missing spoc.toml, say).
   * @default console.warn
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * A started application: modules imported in the registry's baked order, startup hooks
 * run. Stop it with `shutdown()`, which runs shutdown hooks in reverse order.
 */
export class Framework<Map extends object = ComponentMap> {
  readonly mode: string;
  readonly debug: boolean;
  readonly installedApps: readonly string[];
  /** The project's configuration; `settings` typed as `config/settings.ts` declares them (through the registry). */
  readonly config: Pick<LoadedConfig, "project" | "environment"> & { readonly settings: ProjectSettings };
  readonly plugins: Readonly<Record<string, readonly unknown[]>>;
  readonly components: ComponentsByModule<Map>;
  /** The loaded modules, in load order. */
  readonly modules: readonly LoadedModule[];

  private readonly schema: Schema;
  private started: LoadedModule[];
  private stopping: Promise<void> | undefined;
  private jobQueue: JobQueue<Map> | undefined;

  private constructor(init: {
    config: LoadedConfig;
    schema: Schema;
    plugins: Record<string, unknown[]>;
    components: Record<string, Record<string, unknown>>;
    modules: LoadedModule[];
  }) {
    this.mode = init.config.mode;
    this.debug = init.config.debug;
    this.installedApps = init.config.installedApps;
    this.config = {
      project: init.config.project,
      // The settings module's export, validated: the registry's augmentation names its type.
      settings: init.config.settings as ProjectSettings,
      environment: init.config.environment,
    };
    this.plugins = init.plugins;
    this.components = init.components as unknown as ComponentsByModule<Map>;
    this.modules = init.modules;
    this.schema = init.schema;
    this.started = [...init.modules];
  }

  /** Loads configuration, imports the installed apps' modules in order and runs startup hooks. */
  static async start<Map extends object = ComponentMap>(options: FrameworkOptions): Promise<Framework<Map>> {
    const { schema, registry } = options;
    assertBaseDir(options.baseDir);
    assertFreshRegistry(schema, registry);
    const settingsLoader = registry.settings;
    const config = await loadConfig({
      baseDir: options.baseDir,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      loadSettings: async () =>
        options.settings ?? (settingsLoader ? ((await settingsLoader()).default as Settings) : undefined),
    });
    for (const warning of config.warnings) (options.onWarning ?? console.warn)(warning);

    const nodes = modulesToLoad(schema, registry, config.installedApps);
    const plugins = await resolvePlugins(config.pluginRefs, pluginLoader(registry, options.baseDir));
    const components: Record<string, Record<string, unknown>> = {};
    for (const module of schema.modules) components[module] = {};

    const byModule = componentsByModule(registry);
    const started: LoadedModule[] = [];
    try {
      for (const [name, entry] of nodes) {
        const module = await importModule(name, entry, byModule.get(name) ?? [], registry.url, components);
        await runHook(schema.hooks?.[entry.module]?.startup, "startup", module);
        started.push(module);
      }
    } catch (error) {
      // What had started is shut down; a failure there must not hide the first error.
      await shutdownModules(schema, started).catch((cleanup: unknown) =>
        (options.onWarning ?? console.warn)(`while stopping after a failed start: ${messageOf(cleanup)}`),
      );
      throw error;
    }
    return new Framework<Map>({ config, schema, plugins, components, modules: started });
  }

  /**
   * The component registered under `key` in `module`, typed from the generated registry.
   * At run time an unknown key gives `undefined`.
   */
  getComponent<M extends keyof Map, K extends keyof Map[M]>(module: M, key: K & LiveKey<Map[M][K]>): Map[M][K] {
    const byKey = (this.components as Record<PropertyKey, Record<PropertyKey, unknown> | undefined>)[module];
    return byKey?.[key] as Map[M][K];
  }

  /**
   * Sends jobs to the installed apps' queue workers, typed from the registry:
   * `framework.jobs.send("blog.IndexPost", { postId })`. Connects to `settings.jobs` at the
   * first send; `shutdown()` disconnects it.
   */
  get jobs(): JobQueue<Map> {
    this.jobQueue ??= new JobQueue<Map>(queueWorkersOf(this.components as AnyComponentMap), () =>
      jobsSettingsOf(this.config.settings),
    );
    return this.jobQueue;
  }

  /** Runs shutdown hooks in reverse load order, once; later calls wait for the first. */
  shutdown(): Promise<void> {
    this.stopping ??= shutdownModules(this.schema, this.started).finally(async () => {
      this.started = [];
      await this.jobQueue?.stop();
    });
    return this.stopping;
  }
}

function assertFreshRegistry(schema: Schema, registry: Registry): void {
  const { generation, typesGeneration } = registry;
  if (generation !== undefined && typesGeneration !== undefined && generation !== typesGeneration) {
    throw new SpocError(
      ErrorCode.StaleRegistry,
      `generated/registry.ts and generated/registry.data.js come from two different runs of spoc gen (generations ${typesGeneration} and ${generation}): one was replaced and the other not`,
      {
        hint: `run \`${REGENERATE_COMMAND}\` to write them again, together`,
        location: { file: "generated/registry.ts" },
      },
    );
  }
  const expected = schemaFingerprint(schema);
  if (registry.fingerprint !== expected) {
    throw new SpocError(
      ErrorCode.StaleRegistry,
      `generated/registry.ts was generated for a different schema (fingerprint ${registry.fingerprint}, schema has ${expected})`,
      { hint: `run \`${REGENERATE_COMMAND}\` to regenerate it`, location: { file: "generated/registry.ts" } },
    );
  }
}

/** The registry's modules of installed apps, in the baked load order. */
function modulesToLoad(
  schema: Schema,
  registry: Registry,
  installedApps: readonly string[],
): [string, RegistryModule][] {
  const known = new Set(registry.apps.map((app) => app.name));
  const unknown = installedApps.filter((app) => !known.has(app));
  if (unknown.length > 0) {
    throw new SpocError(
      ErrorCode.StaleRegistry,
      `installed app${unknown.length > 1 ? "s" : ""} ${unknown.map((a) => `"${a}"`).join(", ")} not in generated/registry.ts`,
      {
        hint: `run \`${REGENERATE_COMMAND}\` after changing installed apps`,
        location: { file: "generated/registry.ts" },
      },
    );
  }
  const installed = new Set(installedApps);
  if (schema.strict ?? true) {
    for (const app of installedApps) {
      for (const module of schema.modules) {
        if (!registry.modules[`${app}.${module}`]) {
          throw new SpocError(
            ErrorCode.MissingModule,
            `app "${app}" has no ${module} module: expected apps/${app}/${module}.ts`,
            {
              hint: `create apps/${app}/${module}.ts, or set strict: false in config/schema.ts to skip missing modules`,
              location: { file: `apps/${app}/${module}.ts` },
            },
          );
        }
      }
    }
  }
  const nodes: [string, RegistryModule][] = [];
  for (const name of registry.loadOrder) {
    const entry = registry.modules[name];
    if (!entry) {
      throw new SpocError(ErrorCode.StaleRegistry, `load order names "${name}", which the registry does not define`, {
        hint: `run \`${REGENERATE_COMMAND}\` to regenerate generated/registry.ts`,
        location: { file: "generated/registry.ts" },
      });
    }
    if (installed.has(entry.app)) nodes.push([name, entry]);
  }
  return nodes;
}

/** Each module's components, grouped once so start-up stays linear in the registry's size. */
function componentsByModule(registry: Registry): Map<string, RegistryComponent[]> {
  const grouped = new Map<string, RegistryComponent[]>();
  for (const component of registry.components) {
    const list = grouped.get(component.module);
    if (list) list.push(component);
    else grouped.set(component.module, [component]);
  }
  return grouped;
}

async function importModule(
  name: string,
  entry: RegistryModule,
  declared: readonly RegistryComponent[],
  registryUrl: string | undefined,
  components: Record<string, Record<string, unknown>>,
): Promise<LoadedModule> {
  let exports: Record<string, unknown>;
  try {
    exports = await entry.load();
  } catch (cause) {
    throw new SpocError(
      ErrorCode.ModuleLoadFailed,
      `module ${name} (${entry.file}) failed to load: ${messageOf(cause)}`,
      {
        cause,
        location: { file: entry.file },
        hint: `fix the error in ${entry.file} (it is the cause), or run \`${REGENERATE_COMMAND}\` if the file moved`,
      },
    );
  }
  const own: Record<string, unknown> = {};
  for (const component of declared) {
    const value = exports[component.exportName];
    if (value === undefined) {
      throw new SpocError(
        ErrorCode.StaleRegistry,
        `${entry.file} no longer exports ${component.exportName} (component ${component.key})`,
        {
          hint: `run \`${REGENERATE_COMMAND}\` to regenerate generated/registry.ts`,
          location: { file: component.file, line: component.line },
        },
      );
    }
    own[component.key] = value;
    (components[entry.module] ??= {})[component.key] = value;
    if (typeof value === "function" && registryUrl) {
      setWorkerLocation(value as abstract new (...args: never[]) => unknown, {
        registryUrl,
        module: name,
        exportName: component.exportName,
      });
    }
  }
  return Object.freeze({ name, app: entry.app, module: entry.module, exports, components: Object.freeze(own) });
}

async function runHook(
  hook: ModuleHook | undefined,
  side: "startup" | "shutdown",
  module: LoadedModule,
): Promise<void> {
  if (!hook) return;
  try {
    await hook(module);
  } catch (cause) {
    // A spoc error from inside the hook (bad configuration, say) knows its own fix best.
    const hint =
      spocHintOf(cause) ?? `fix the ${module.module} ${side} hook in config/schema.ts; the error it threw is the cause`;
    throw new SpocError(ErrorCode.HookFailed, `${side} hook of ${module.name} failed: ${messageOf(cause)}`, {
      cause,
      hint,
    });
  }
}

/**
 * The hint of a spoc error, recognised by its shape rather than its class: the project's hooks
 * may import another copy of spoc than the one running them (the CLI's bundle, a second install).
 */
function spocHintOf(cause: unknown): string | undefined {
  if (cause instanceof SpocError) return cause.hint || undefined;
  if (!(cause instanceof Error)) return undefined;
  const { code, hint } = cause as { code?: unknown; hint?: unknown };
  return typeof code === "string" && /^SPOC\d{3}$/.test(code) && typeof hint === "string" && hint !== ""
    ? hint
    : undefined;
}

/** Runs shutdown hooks in reverse order; every hook runs even if one fails. */
async function shutdownModules(schema: Schema, started: readonly LoadedModule[]): Promise<void> {
  const failures: SpocError[] = [];
  for (const module of [...started].reverse()) {
    try {
      await runHook(schema.hooks?.[module.module]?.shutdown, "shutdown", module);
    } catch (error) {
      failures.push(error as SpocError);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new SpocError(
      ErrorCode.HookFailed,
      `${failures.length} shutdown hooks failed: ${failures.map((f) => f.message).join("; ")}`,
      {
        cause: new AggregateError(failures),
        hint: "fix each failing shutdown hook in config/schema.ts; every hook ran, and their errors are the cause",
      },
    );
  }
}

/** Plugins the generator baked into the registry load from it; others from disk. */
function pluginLoader(registry: Registry, baseDir: string): PluginLoader {
  const baked = new Map((registry.plugins ?? []).map((plugin) => [plugin.ref, plugin.load]));
  const fromDisk = importPluginFromDisk(baseDir);
  return (ref) => baked.get(ref)?.() ?? fromDisk(ref);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
