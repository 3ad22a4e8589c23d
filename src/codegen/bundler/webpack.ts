/**
 * `spoc/webpack`: the spoc plugin for webpack. `import spoc from "spoc/webpack"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions } from "./plugin.ts";

/** The spoc plugin for webpack: generates the registry at build start and in watch mode. */
export const spoc = spocUnplugin.webpack;
export default spoc;
