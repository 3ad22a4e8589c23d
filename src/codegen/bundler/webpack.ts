/**
 * `spoc/webpack`: the spoc plugin for webpack. `import spoc from "spoc/webpack"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import type { SpocWebpackPlugin, SpocBuildPluginOptions } from "./options.ts";
import { spocUnplugin } from "./plugin.ts";

export type { SpocWebpackPlugin, SpocBuildPluginOptions };

/** The spoc plugin for webpack: generates the registry at build start and in watch mode. */
export const spoc: (options?: SpocBuildPluginOptions) => SpocWebpackPlugin = spocUnplugin.webpack;
export default spoc;
