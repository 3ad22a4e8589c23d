/**
 * `spoc/rollup`: the spoc plugin for Rollup. `import spoc from "spoc/rollup"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions } from "./plugin.ts";

/** The spoc plugin for Rollup: generates the registry at build start and in watch mode. */
export const spoc = spocUnplugin.rollup;
export default spoc;
