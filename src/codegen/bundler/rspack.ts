/**
 * `spoc/rspack`: the spoc plugin for Rspack. `import spoc from "spoc/rspack"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import type { SpocWebpackPlugin, SpocBuildPluginOptions } from "./options.ts";
import { spocUnplugin } from "./plugin.ts";

export type { SpocWebpackPlugin, SpocBuildPluginOptions };

/** The spoc plugin for Rspack: generates the registry at build start and in watch mode. */
export const spoc: (options?: SpocBuildPluginOptions) => SpocWebpackPlugin = spocUnplugin.rspack;
export default spoc;
