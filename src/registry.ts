import type { Settings } from "./config/settings.ts";
/**
 * The shape of `generated/registry.ts`. The generator writes it; the runtime reads it and
 * never scans the file system or sorts the graph when it has one.
 */

/** An app and the modes it is installed in, in installation order. */
export interface RegistryApp {
  readonly name: string;
  readonly modes: readonly string[];
}

/** The exports of an imported module. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/** One `<app>.<module>` file, imported lazily. */
export interface RegistryModule {
  readonly app: string;
  readonly module: string;
  /** Relative to the project root, `/` separators. */
  readonly file: string;
  readonly load: () => Promise<ModuleExports>;
}

/** One registered component, found by the generator. */
export interface RegistryComponent {
  /** The component kind, e.g. `"service"`. */
  readonly kind: string;
  /** `"<app>.<ExportName>"`. */
  readonly key: string;
  /** The module node that declares it, e.g. `"users.services"`. */
  readonly module: string;
  readonly exportName: string;
  readonly file: string;
  readonly line: number;
}

/** A plugin reference (`"framework/plugins:requestTiming"`) and how to load its export. */
export interface RegistryPlugin {
  readonly ref: string;
  readonly load: () => Promise<unknown>;
}

export interface Registry {
  /**
   * `import.meta.url` of the registry module itself, so a worker thread or process can
   * import the same registry and find its worker class by module and export name.
   */
  readonly url?: string;
  /** Fingerprint of the schema's modules and dependencies; see `schemaFingerprint`. */
  readonly fingerprint: string;
  /**
   * The run of `spoc gen` that wrote `registry.data.js`: a hash of the types in `registry.ts`.
   * Absent from registries written by hand.
   */
  readonly generation?: string;
  /**
   * The same hash as written into `registry.ts`: when it differs from `generation`, the two
   * files come from two runs (one was replaced, the other not) and `Framework.start` refuses them.
   */
  readonly typesGeneration?: string;
  readonly apps: readonly RegistryApp[];
  /** Keyed by `"<app>.<module>"`. */
  readonly modules: Readonly<Record<string, RegistryModule>>;
  readonly components: readonly RegistryComponent[];
  /** Every module node, in the baked topological order. */
  readonly loadOrder: readonly string[];
  /** Loads `config/settings.ts`, so a bundle carries its settings. */
  readonly settings?: () => Promise<{ readonly default: unknown }>;
  /** Plugin references from spoc.toml and settings, resolved at build time. */
  readonly plugins?: readonly RegistryPlugin[];
}

/**
 * Component types by module, filled in by the module augmentation in
 * `generated/registry.ts`:
 * `declare module "spoc" { interface ComponentMap { services: { "users.UserService": … } } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface ComponentMap {}

/**
 * The project's settings type, filled in by the module augmentation in
 * `generated/registry.ts`: `interface RegisteredSettings { settings: typeof import("../config/settings.ts").default }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface RegisteredSettings {}

/** `config/settings.ts`'s default export as the project wrote it, or `Settings` before a registry is generated. */
export type ProjectSettings = RegisteredSettings extends { readonly settings: infer S } ? S & Settings : Settings;

/**
 * What the registry's type map holds for a component whose export is gone: an export was
 * renamed or removed, or its file moved, since the registry was generated. A lookup of it
 * (`getComponent`) does not compile; regenerate the registry (`spoc gen`).
 */
export interface StaleComponent<Key extends string> {
  readonly "the registry is stale: this export is gone; regenerate it with spoc gen": Key;
}

/**
 * A type map entry of the generated registry: export `Name` of the module `Module`
 * (`typeof import("…")`), or `StaleComponent<Key>` when the module has no such export or
 * cannot be found. A conditional type, so tsc resolves it only where a lookup uses the key.
 */
export type ComponentExport<Module, Name extends PropertyKey, Key extends string> = 0 extends 1 & Module
  ? StaleComponent<Key>
  : Name extends keyof Module
    ? Module[Name]
    : StaleComponent<Key>;

/** Identity helper for registries written by hand (tests) or by the generator. */
export function defineRegistry(registry: Registry): Registry {
  return registry;
}
