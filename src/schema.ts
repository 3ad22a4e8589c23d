import type { ModuleExports } from "./registry.ts";

/** A module as hooks see it once it is imported. */
export interface LoadedModule {
  /** `"<app>.<module>"`, e.g. `"users.models"`. */
  readonly name: string;
  readonly app: string;
  readonly module: string;
  readonly exports: ModuleExports;
  /** The module's components by key (`"users.User"`). */
  readonly components: Readonly<Record<string, unknown>>;
}

export type ModuleHook = (module: LoadedModule) => void | Promise<void>;

/** Lifecycle hooks of one module kind; either side may be left out. */
export interface ModuleHooks {
  readonly startup?: ModuleHook;
  readonly shutdown?: ModuleHook;
}

export interface SchemaDefinition<M extends string = string> {
  /** The modules every app has, in order (this order breaks ties in the load order). */
  readonly modules: readonly M[];
  /** Which modules each module depends on, inside one app. */
  readonly dependencies?: { readonly [K in M]?: readonly NoInfer<M>[] };
  readonly hooks?: { readonly [K in M]?: ModuleHooks };
  /**
   * Strict: an installed app missing a module file is an error. Loose: the module is skipped.
   * @default true
   */
  readonly strict?: boolean;
}

export type Schema<M extends string = string> = SchemaDefinition<M>;

/**
 * Identity helper that types `dependencies` and `hooks` against the declared `modules`.
 * `modules`, `dependencies` and `strict` must be literals: the generator reads them statically.
 */
export function defineSchema<const M extends string>(schema: SchemaDefinition<M>): Schema<M> {
  return schema;
}

/**
 * A short stable hash of a schema's modules and dependencies. The generator bakes it into
 * the registry and the runtime recomputes it, so a registry generated for another schema
 * is refused. Order of dependency lists does not matter; order of modules does.
 */
export function schemaFingerprint(schema: Pick<SchemaDefinition, "modules" | "dependencies">): string {
  const dependencies = Object.entries(schema.dependencies ?? {})
    .map(([module, deps]) => [module, [...((deps as readonly string[] | undefined) ?? [])].sort()] as const)
    .filter(([, deps]) => deps.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a(JSON.stringify({ modules: schema.modules, dependencies }));
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
