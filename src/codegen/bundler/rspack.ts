/**
 * `spoc/rspack`: the spoc plugin for Rspack. `import spoc from "spoc/rspack"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions } from "./plugin.ts";

/** The spoc plugin for Rspack: generates the registry at build start and in watch mode. */
export const spoc = spocUnplugin.rspack;
export default spoc;
