/**
 * `spoc/esbuild`: the spoc plugin for esbuild, the same as `spocPlugin()` from `spoc/codegen`.
 * `import spoc from "spoc/esbuild"`, then `spoc()` in the plugins.
 *
 * It does not go through unplugin (as the other tools' plugins do): esbuild keeps its own
 * plugin, and a build should not pay for loading what other tools need. Nor does it load the
 * generator until a build needs it: a build of a project unchanged since its last generation
 * finds that out from a record on disk (fresh-generation.ts). The package ships it as one small
 * file (scripts/bundle-dist.mjs).
 */
import type { Plugin } from "esbuild";
import { spocPlugin } from "../esbuild-plugin.ts";
import type { SpocBuildPluginOptions } from "./options.ts";

export type { SpocBuildPluginOptions };

/** `spoc()`'s options: those of every tool's plugin, and esbuild's own `prepareBundle`. */
export interface SpocEsbuildPluginOptions extends SpocBuildPluginOptions {
  /**
   * When bundling: add the entries `registry` and `spoc-worker` (the worker child), turn on
   * code splitting, and give bundled CommonJS packages a `require`. Needs `format: "esm"`,
   * `outdir` and chunks at the top of `outdir`; the build fails with SPOC131 otherwise.
   * `false` leaves the bundle's options as they are (a CommonJS or one-file bundle, whose
   * workers then need their own setup).
   * @default true
   */
  readonly prepareBundle?: boolean;
}

/** The spoc plugin for esbuild: generates the registry at the start of every build and rebuild. */
export function spoc(options: SpocEsbuildPluginOptions = {}): Plugin {
  return spocPlugin({
    ...(options.root !== undefined && { root: options.root }),
    ...(options.prepareBundle !== undefined && { prepareBundle: options.prepareBundle }),
  });
}
export default spoc;
