/**
 * `spoc/vite`: the spoc plugin for Vite. `import spoc from "spoc/vite"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import type { SpocRollupPlugin, SpocBuildPluginOptions } from "./options.ts";
import { spocUnplugin } from "./plugin.ts";

export type { SpocRollupPlugin, SpocBuildPluginOptions };

/** The spoc plugin for Vite: generates the registry at build start and in watch mode. */
export const spoc: (options?: SpocBuildPluginOptions) => SpocRollupPlugin = spocUnplugin.vite;
export default spoc;
