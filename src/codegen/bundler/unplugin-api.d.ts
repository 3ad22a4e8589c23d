/**
 * The part of unplugin's API the plugin uses. unplugin's own declarations import the types
 * of every tool it supports (farm, bun, rolldown, rsbuild…), which neither this repository
 * nor a user's project installs, so they do not compile without `skipLibCheck`. tsconfig's
 * `paths` map "unplugin" to this file for type-checking; at run time it is the package.
 */
export type Thenable<T> = T | Promise<T>;
export type TransformResult = string | { code: string; map?: string | object | null } | null | undefined;

export interface BuildContext {
  addWatchFile(id: string): void;
}

export interface ObjectHook<Handler, Filter> {
  filter?: Filter;
  handler: Handler;
}

export interface IdFilter {
  id?: RegExp | { include?: RegExp; exclude?: RegExp };
}

/** Rollup's `writeBundle(options, bundle)`. */
export type WriteBundle = (this: unknown, options: { readonly dir?: string }, bundle: object) => Thenable<void>;

/** A hook's `this`: unplugin's context, and the tool's own (Rollup's plugin context) under Rollup and Vite. */
export type HookContext = BuildContext & { readonly meta?: unknown };

export interface UnpluginOptions {
  name: string;
  enforce?: "pre" | "post";
  buildStart?: (this: HookContext) => Thenable<void>;
  watchChange?: (this: HookContext, id: string, change: { event: "create" | "update" | "delete" }) => void;
  load?: ObjectHook<(this: HookContext, id: string) => Thenable<TransformResult>, IdFilter>;
  transform?: ObjectHook<
    (this: HookContext, code: string, id: string) => Thenable<TransformResult>,
    IdFilter & { code?: RegExp }
  >;
  /** Vite-only hooks, merged over the others under Vite. */
  vite?: {
    api?: object;
    configResolved?: (config: {
      readonly root: string;
      readonly command: "build" | "serve";
      readonly mode: string;
      readonly build: { readonly ssr?: unknown };
    }) => void;
    configureServer?: (server: never) => void;
    writeBundle?: WriteBundle;
  };
  /** Rollup-only hooks, merged over the others under Rollup. */
  rollup?: { writeBundle?: WriteBundle };
  webpack?: (compiler: object) => void;
  rspack?: (compiler: object) => void;
  esbuild?: { setup?: (build: never) => void | Promise<void> };
}

export interface UnpluginContextMeta {
  readonly framework: "rollup" | "vite" | "rolldown" | "webpack" | "rspack" | "esbuild" | (string & {});
}

export interface UnpluginInstance<Options> {
  vite(options?: Options): { name: string };
  rollup(options?: Options): { name: string };
  webpack(options?: Options): { apply(compiler: object): void };
  rspack(options?: Options): { apply(compiler: object): void };
  /** esbuild's `Plugin`. */
  esbuild(options?: Options): object;
}

export declare function createUnplugin<Options, _Nested extends boolean = boolean>(
  factory: (options: Options, meta: UnpluginContextMeta) => UnpluginOptions,
): UnpluginInstance<Options>;
