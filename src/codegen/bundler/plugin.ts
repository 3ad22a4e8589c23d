/**
 * The spoc build plugin, written once on unplugin and exported per tool (`spoc/vite`,
 * `spoc/rollup`, `spoc/webpack`, `spoc/rspack`, `spoc/esbuild`). Each runs the pipeline at
 * the start of a build and in watch or dev mode through one `RegistrySession`, writes the
 * registry as `spoc gen` does, and fails the build with the tool's own located errors.
 */
import type { PluginBuild } from "esbuild";
import { createUnplugin, type UnpluginOptions } from "unplugin";
import type { Generation } from "../generate.ts";
import { spocPlugin as spocEsbuildPlugin } from "../esbuild-plugin.ts";
import {
  addWorkerEntries,
  type ChunkEmitter,
  emitWorkerEntries,
  type OutputBundle,
  placeWorkerChild,
} from "./bundle-workers.ts";
import { SpocError } from "../../errors.ts";
import { lowerDecorators, mayHaveDecorators } from "./decorators.ts";
import { generationFailure, toRollupDiagnostic } from "./messages.ts";
import { RegistrySession } from "./session.ts";
import { configureDevServer, type DevServer } from "./vite-dev.ts";
import { applyToWebpackLike, type WebpackLikeCompiler } from "./webpack-like.ts";
import type { SpocBuildPluginOptions } from "./options.ts";

/** What the build bundles in place of the registry when the generator reported errors (the build fails anyway). */
const FAILED_REGISTRY =
  "// spoc reported errors: no registry was generated.\nexport const registry = undefined;\nexport default registry;\n";

const NAME = "spoc";

/** The plugin for every tool unplugin supports; use the per-tool exports. */
export const spocUnplugin = createUnplugin<SpocBuildPluginOptions | undefined, false>((options = {}, meta) => {
  if (meta.framework === "esbuild") {
    // esbuild keeps its own plugin (watch files and folders, located messages with line text).
    const esbuildPlugin = spocEsbuildPlugin(options.root === undefined ? {} : { root: options.root });
    return { name: NAME, esbuild: { setup: (build: PluginBuild) => esbuildPlugin.setup(build) } };
  }

  let session: RegistrySession | undefined;
  const start = (root: string): RegistrySession => (session ??= new RegistrySession(options.root ?? root));
  const current = (): RegistrySession => start(process.cwd());
  let serving = false;
  /** A Vite build for the browser, where spoc's runtime (and so its workers) has no place. */
  let clientBuild = false;
  /** Under Vitest (mode "test"), whose startup prints a thrown error but not Vite's located ones. */
  let testing = false;
  /** In `vite dev`: shows a generation's diagnostics in the terminal and the overlay. */
  let reportToDevServer: ((generation: Generation) => void) | undefined;

  /** webpack and rspack: the worker entries, then the generator before each compilation. */
  const applyWebpackLike = (compiler: object): void => {
    const webpackLike = compiler as WebpackLikeCompiler;
    addWorkerEntries(webpackLike.options, start(webpackLike.context).registryFile);
    applyToWebpackLike(webpackLike, () => start(webpackLike.context), NAME);
  };

  const plugin: UnpluginOptions = {
    name: NAME,
    enforce: "pre",

    async buildStart() {
      const generation = await current().generate();
      // `this` is Rollup's plugin context under Rollup and Vite, where errors carry `loc`.
      const context = this as unknown as RollupLikeContext;
      if (typeof context.error !== "function") return; // webpack and rspack report in webpack-like.ts
      if (!serving && !clientBuild) await emitWorkerEntries(context, current().registryFile);
      if (context.meta?.watchMode === true) for (const file of current().watchFiles()) this.addWatchFile(file);
      if (serving && !testing) {
        reportToDevServer?.(generation);
        return;
      }
      const root = current().root;
      const errors = generation.result.diagnostics.filter((d) => d.severity === "error");
      for (const warning of generation.result.diagnostics.filter((d) => d.severity !== "error")) {
        context.warn(toRollupDiagnostic(warning, root));
      }
      const [first, ...rest] = errors;
      if (first === undefined) return;
      if (testing) throw generationFailure(generation.result, root);
      for (const error of rest) context.warn(toRollupDiagnostic(error, root));
      const more = rest.length === 0 ? "" : `\n(${rest.length} more spoc error${rest.length === 1 ? "" : "s"} above)`;
      const diagnostic = toRollupDiagnostic(first, root);
      context.error({ ...diagnostic, message: `${diagnostic.message}${more}` });
    },

    watchChange(id) {
      session?.noteChange(id);
    },

    load: {
      filter: { id: /[\\/]generated[\\/]registry\.ts$/ },
      handler(id) {
        // With errors the registry on disk is stale: bundling it would add the tool's own errors
        // (modules it can no longer resolve) to spoc's.
        if (serving || session === undefined || !session.failed || id !== session.registryFile) return undefined;
        return FAILED_REGISTRY;
      },
    },

    vite: {
      /** For other plugins and tests (Vite's convention): the session, once the config is resolved. */
      api: {
        get session(): RegistrySession | undefined {
          return session;
        },
      },
      configResolved(config) {
        start(config.root);
        testing = config.mode === "test";
        serving = config.command === "serve";
        clientBuild = config.command === "build" && !config.build.ssr;
      },
      configureServer(server: DevServer) {
        if (serving) reportToDevServer = configureDevServer(server, current());
      },
      async writeBundle(output, bundle) {
        if (!clientBuild && output.dir !== undefined) await placeWorkerChild(output.dir, bundle as OutputBundle);
      },
    },
    rollup: {
      async writeBundle(output, bundle) {
        if (output.dir !== undefined) await placeWorkerChild(output.dir, bundle as OutputBundle);
      },
    },

    webpack: applyWebpackLike,
    rspack: applyWebpackLike,
  };

  if (options.decorators !== false) {
    plugin.transform = {
      filter: { id: { include: /\.[cm]?tsx?$/, exclude: /[\\/]node_modules[\\/]/ }, code: /@/ },
      async handler(code, id) {
        // Vite 8 (Rolldown and oxc) is the tool whose own transform leaves decorators in place.
        const rolldown = (this as unknown as RollupLikeContext).meta?.rolldownVersion !== undefined;
        if (!(options.decorators === true || rolldown) || !mayHaveDecorators(code)) return undefined;
        try {
          return await lowerDecorators(code, id);
        } catch (error) {
          // esbuild missing: the tool's error, led by the SPOC code and with the hint, not a stack.
          if (!(error instanceof SpocError)) throw error;
          const hint = error.hint === undefined ? "" : `\nhint: ${error.hint}`;
          return (this as unknown as RollupLikeContext).error({
            code: error.code,
            message: `${error.code}: ${error.message}${hint}`,
            id,
          });
        }
      },
    };
  }
  return plugin;
});

/** What the plugin uses of Rollup's (and Vite's, and Rolldown's) plugin context. */
interface RollupLikeContext extends ChunkEmitter {
  readonly meta?: { readonly watchMode?: boolean; readonly rolldownVersion?: string };
  error(error: ReturnType<typeof toRollupDiagnostic>): never;
  warn(warning: ReturnType<typeof toRollupDiagnostic>): void;
}
