/**
 * `spoc/vite`: the spoc plugin for Vite. `import spoc from "spoc/vite"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions } from "./plugin.ts";

/** The spoc plugin for Vite: generates the registry at build start and in watch mode. */
export const spoc = spocUnplugin.vite;
export default spoc;
