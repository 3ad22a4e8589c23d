/**
 * What an esbuild bundle of a spoc app needs so that its registry and workers work with no
 * recipe: the worker child as the entry `spoc-worker` beside the chunks, the registry as an
 * entry of its own (so a child importing it never runs the app's entry file), code
 * splitting (one registry and one runtime shared by all entries), `require` for the
 * CommonJS packages spoc uses (dotenv) when they are bundled into ESM, and spoc's optional
 * peers (pg-boss, tsx, …: imported only by a feature that needs them) left external.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";
import { ErrorCode } from "../errors.ts";
import { optionalPeers } from "./package-manifest.ts";
import { REGISTRY_FILE } from "./render/registry.ts";

/** The entry name of the worker child; the runtime looks for `spoc-worker.js` beside its chunks. */
export const WORKER_CHILD_ENTRY = "spoc-worker";
/** The entry name of the registry module. */
export const REGISTRY_ENTRY = "registry";

/** `require` for bundled CommonJS packages: esbuild's ESM output has none on Node. */
const REQUIRE_BANNER =
  'import { createRequire as __spocCreateRequire } from "node:module"; const require = __spocCreateRequire(import.meta.url);';

type EntryList = { in: string; out: string }[];

/**
 * The worker child's module for the spoc this plugin belongs to: `src/workers/child.ts`
 * in spoc's repository, `dist/workers/child.js` in the installed package.
 */
export function workerChildPath(): string {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`../workers/child${extension}`, import.meta.url));
}

/**
 * Adjusts `options` (esbuild's initial options, before the build starts) for spoc; returns
 * the problems that make the bundle unable to run spoc's workers, as messages.
 */
export function prepareBundle(options: BuildOptions, root: string): string[] {
  if (options.bundle !== true) return [];
  const problems: string[] = [];
  const fix =
    "; spoc's esbuild plugin needs an ESM bundle written to a folder (or prepareBundle: false, leaving the registry and workers to you)";
  if (options.format !== "esm")
    problems.push(
      `${ErrorCode.BundleOptions}: set format: "esm" (got ${JSON.stringify(options.format ?? "iife/cjs")})${fix}`,
    );
  if (options.outdir === undefined) problems.push(`${ErrorCode.BundleOptions}: set outdir instead of outfile${fix}`);
  if (options.splitting === false)
    problems.push(
      `${ErrorCode.BundleOptions}: remove splitting: false; the app and the worker child must share one registry and one runtime`,
    );
  if (options.chunkNames?.includes("/") === true) {
    problems.push(
      `${ErrorCode.BundleOptions}: chunkNames "${options.chunkNames}" puts chunks in a sub-folder; keep them beside spoc-worker.js (e.g. "[name]-[hash]")`,
    );
  }
  if (problems.length > 0) return problems;

  const cwd = options.absWorkingDir ?? process.cwd();
  const entries = entryList(options, cwd);
  const add = (out: string, path: string): void => {
    const absolute = resolve(cwd, path);
    if (!entries.some((entry) => entry.out === out || resolve(cwd, entry.in) === absolute))
      entries.push({ in: absolute, out });
  };
  add(REGISTRY_ENTRY, join(root, REGISTRY_FILE));
  add(WORKER_CHILD_ENTRY, workerChildPath());
  options.entryPoints = entries;
  options.splitting = true;
  if (options.packages !== "external") {
    // A lazy import of a peer the app does not use must not fail the build.
    options.external = [...new Set([...(options.external ?? []), ...optionalPeers()])];
  }
  if (
    options.platform === "node" &&
    options.packages !== "external" &&
    !(options.banner?.["js"] ?? "").includes("createRequire")
  ) {
    options.banner = { ...options.banner, js: [REQUIRE_BANNER, options.banner?.["js"]].filter(Boolean).join("\n") };
  }
  return [];
}

/**
 * The entry points as `{ in, out }` pairs with the output names esbuild would have given
 * them, so adding spoc's entries (elsewhere in the tree) does not move the app's outputs.
 */
function entryList(options: BuildOptions, cwd: string): EntryList {
  const given = options.entryPoints ?? [];
  if (!Array.isArray(given)) return Object.entries(given).map(([out, path]) => ({ in: path, out }));
  const paths = given.filter((entry): entry is string => typeof entry === "string");
  const outbase = options.outbase ?? commonDirectory(paths.map((path) => resolve(cwd, path)));
  return given.map((entry) => {
    if (typeof entry !== "string") return { ...entry };
    const path = resolve(cwd, entry);
    const out = relative(resolve(cwd, outbase), path).replace(/\.[^./\\]+$/, "");
    return { in: entry, out: isAbsolute(out) ? out : out.split(sep).join("/") };
  });
}

/** The deepest folder holding every path (esbuild's default `outbase`). */
function commonDirectory(paths: readonly string[]): string {
  const [first, ...rest] = paths.map((path) => dirname(path));
  if (first === undefined) return ".";
  let common = first;
  for (const dir of rest) {
    while (common !== dir && !dir.startsWith(common.endsWith(sep) ? common : `${common}${sep}`))
      common = dirname(common);
  }
  return common;
}
