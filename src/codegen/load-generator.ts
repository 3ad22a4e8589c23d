/**
 * The generator (`spoc/codegen`), loaded when a build has something to generate: in the
 * package, dist/codegen/index.js, one file (scripts/bundle-dist.mjs).
 *
 * A module of its own so that the esbuild plugin's file holds no `import()`: tsx rewrites every
 * JavaScript file that does, with a source map, which costs a build run by tsx (as the
 * esbuild set-up `spoc init` writes is) about 25 ms for a file the size of the plugin.
 */
import type * as Generator from "./index.ts";

/** `spoc/codegen`'s exports. */
export function loadGenerator(): Promise<typeof Generator> {
  return import("./index.ts");
}
