/**
 * `spoc/esbuild`: the spoc plugin for esbuild, the same as `spocPlugin()` from `spoc/codegen`.
 * `import spoc from "spoc/esbuild"`, then `spoc()` in the plugins.
 */
import type { Plugin } from "esbuild";
import type { SpocBuildPluginOptions } from "./options.ts";
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions };

/** The spoc plugin for esbuild: generates the registry at the start of every build and rebuild. */
export const spoc = spocUnplugin.esbuild as (options?: SpocBuildPluginOptions) => Plugin;
export default spoc;
