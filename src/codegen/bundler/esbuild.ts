/**
 * `spoc/esbuild`: the spoc plugin for esbuild, the same as `spocPlugin()` from `spoc/codegen`.
 * `import spoc from "spoc/esbuild"`, then `spoc()` in the plugins.
 *
 * It does not go through unplugin (as the other tools' plugins do): esbuild keeps its own
 * plugin, and a build should not pay for loading what other tools need.
 */
import type { Plugin } from "esbuild";
// From the entry, which the package ships as one file (scripts/bundle-dist.mjs).
import { spocPlugin } from "../index.ts";
import type { SpocBuildPluginOptions } from "./options.ts";

export type { SpocBuildPluginOptions };

/** The spoc plugin for esbuild: generates the registry at the start of every build and rebuild. */
export function spoc(options: SpocBuildPluginOptions = {}): Plugin {
  return spocPlugin(options.root === undefined ? {} : { root: options.root });
}
export default spoc;
