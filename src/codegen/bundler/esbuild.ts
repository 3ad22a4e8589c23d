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

/** The spoc plugin for esbuild: generates the registry at the start of every build and rebuild. */
export function spoc(options: SpocBuildPluginOptions = {}): Plugin {
  return spocPlugin(options.root === undefined ? {} : { root: options.root });
}
export default spoc;
