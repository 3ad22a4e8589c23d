/**
 * `spoc/rollup`: the spoc plugin for Rollup. `import spoc from "spoc/rollup"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import type { SpocRollupPlugin, SpocBuildPluginOptions } from "./options.ts";
import { spocUnplugin } from "./plugin.ts";

export type { SpocRollupPlugin, SpocBuildPluginOptions };

/** The spoc plugin for Rollup: generates the registry at build start and in watch mode. */
export const spoc: (options?: SpocBuildPluginOptions) => SpocRollupPlugin = spocUnplugin.rollup;
export default spoc;
