/**
 * The bundlers `spoc init --bundler <name>` can set a project up with, by name; the first
 * is the default. Each brings its build file, scripts and packages.
 */
import type { BundlerTemplate } from "./types.ts";
import { esbuild } from "./esbuild.ts";
import { rollup } from "./rollup.ts";
import { vite } from "./vite.ts";
import { rspack, webpack } from "./webpack.ts";

export const BUNDLERS = { esbuild, vite, rollup, webpack, rspack } as const satisfies Record<string, BundlerTemplate>;

export type BundlerName = keyof typeof BUNDLERS;

export const DEFAULT_BUNDLER: BundlerName = "esbuild";
