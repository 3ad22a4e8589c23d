/**
 * Which module a worker thread or process starts from, and whether it needs tsx to load
 * TypeScript. Internal: `index.ts` does not export this file. Three cases:
 *
 * - **Sources** — this file runs as `.ts` (under tsx, or transformed by vitest): the child
 *   starts from `./child.ts` beside it, with tsx's ESM loader registered.
 * - **The compiled package** — this file is `dist/workers/_entry.js` of an installed spoc
 *   (also when an app is bundled with spoc left external): the child is `./child.js` beside it.
 * - **A bundle** — this code sits in a chunk of an app's bundle: the child is
 *   `./spoc-worker.js` beside the chunk, which `spocPlugin()` adds as an entry point (with
 *   `generated/registry.ts` as an entry of its own and splitting, so that importing the
 *   registry in a child never runs the app's entry file).
 *
 * In every case the child also registers tsx when the module it imports for the worker
 * class (the registry or the class's own module) is TypeScript.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ErrorCode, WorkerError } from "../errors.ts";
import { entryModuleUrl, type WorkerLocation } from "./location.ts";

export interface ChildEntry {
  /** URL of the module the child starts from. */
  readonly url: string;
  /** When TypeScript must load: tsx's `register()` API module, for threads. */
  readonly tsxApiUrl?: string;
  /** When TypeScript must load: tsx's loader, for `node --import` in processes. */
  readonly tsxLoaderUrl?: string;
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

export function childEntry(location: WorkerLocation): ChildEntry {
  const sourceMode = TYPESCRIPT.test(new URL(import.meta.url).pathname);
  const url = childUrl(sourceMode);
  const moduleUrl = entryModuleUrl(location);
  const mainScript = process.argv[1];
  if (mainScript !== undefined && moduleUrl === pathToFileURL(mainScript).href) {
    throw new WorkerError(
      ErrorCode.WorkerNotLocatable,
      `a worker thread or process would import ${moduleUrl}, the program's entry point, and run the whole program again`,
      {
        hint: "keep worker classes and the registry out of the entry file; when bundling, make generated/registry.ts an entry point of its own (with splitting)",
      },
    );
  }
  if (!sourceMode && !TYPESCRIPT.test(new URL(moduleUrl).pathname)) return { url };
  const tsx = resolveTsx(moduleUrl);
  return { url, tsxApiUrl: tsx.api, tsxLoaderUrl: tsx.loader };
}

/** The module a thread or process starts from, for the three cases above. */
function childUrl(sourceMode: boolean): string {
  // Not `new URL("./x.js", import.meta.url)`: webpack and rspack would bundle that file as an asset.
  const here = import.meta.url;
  if (sourceMode) return new URL("./child.ts", here).href;
  if (new URL(here).pathname.endsWith("/workers/_entry.js")) return new URL("./child.js", here).href;
  const bundled = new URL("./spoc-worker.js", here);
  if (!existsSync(bundled)) {
    throw new WorkerError(
      ErrorCode.WorkerChildMissing,
      `this bundle has no spoc-worker.js in ${fileURLToPath(new URL(".", bundled))}, the entry point worker threads and processes start from`,
      {
        hint: 'add spocPlugin() from "spoc/codegen" to the esbuild build, which adds it; or bundle "spoc/workers/child" yourself as the entry point "spoc-worker" in the same output folder as the chunks',
      },
    );
  }
  return bundled.href;
}

/** tsx's register API and loader, resolved at each worker start (cheap beside starting a thread or process). */
function resolveTsx(forModule: string): { readonly api: string; readonly loader: string } {
  try {
    // `import.meta.resolve` applies the "import" condition; vitest does not provide it.
    if (typeof import.meta.resolve === "function") {
      return { api: import.meta.resolve("tsx/esm/api"), loader: import.meta.resolve("tsx") };
    }
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve("tsx/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      exports?: { "."?: string; "./esm/api"?: { import?: { default?: string } } };
    };
    const api = manifest.exports?.["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
    const loader = manifest.exports?.["."] ?? "./dist/loader.mjs";
    const base = pathToFileURL(manifestPath);
    return { api: new URL(api, base).href, loader: new URL(loader, base).href };
  } catch (error) {
    throw new WorkerError(
      ErrorCode.WorkerNotLocatable,
      `a worker thread or process must load TypeScript (${forModule}) but tsx cannot be found`,
      { hint: "install it with `npm install --save-dev tsx`, or run the app from its bundle", cause: error },
    );
  }
}
