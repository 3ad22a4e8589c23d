/**
 * `spoc/esbuild`: the spoc plugin for esbuild. `import spoc from "spoc/esbuild"`, then `spoc()` in the
 * plugins; see `SpocBuildPluginOptions`.
 */
import { spocUnplugin } from "./plugin.ts";

export type { SpocBuildPluginOptions } from "./plugin.ts";

/** The spoc plugin for esbuild: generates the registry at build start and in watch mode. */
export const spoc = spocUnplugin.esbuild;
export default spoc;
