/**
 * Which module a worker thread or process starts from, and whether it needs tsx to load
 * TypeScript. Internal: `index.ts` does not export this file.
 *
 * The contract with `build.ts`:
 *
 * - **Source mode** — this file runs as `.ts` (under tsx, or transformed by vitest). The
 *   child starts from `./child.ts` beside this file, with tsx's ESM loader registered.
 * - **Bundle mode** — this file runs from `.js` (its code is inside a bundle). The child
 *   starts from `new URL("./spoc-worker.js", import.meta.url)`, so `build.ts` must emit
 *   `src/workers/child.ts` as the entry point `spoc-worker` (→ `dist/spoc-worker.js`) in
 *   the same esbuild build as the app (`format: "esm"`, `splitting: true`), with every
 *   chunk at the root of `dist/` (no sub-folder in `chunkNames`), so that any chunk holding
 *   this code sits beside `spoc-worker.js`. The registry module must not be the app's
 *   entry file itself (importing it in a child would run the app): with splitting and
 *   `generated/registry.ts` as an extra entry point, its code lands in a shared chunk.
 *
 * In either mode the child also registers tsx when the module it imports for the worker
 * class (the registry or the class's own module) is TypeScript.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
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
  const url = new URL(sourceMode ? "./child.ts" : "./spoc-worker.js", import.meta.url).href;
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

let resolved: { readonly api: string; readonly loader: string } | undefined;

function resolveTsx(forModule: string): { readonly api: string; readonly loader: string } {
  if (resolved !== undefined) return resolved;
  try {
    // `import.meta.resolve` applies the "import" condition; vitest does not provide it.
    if (typeof import.meta.resolve === "function") {
      resolved = { api: import.meta.resolve("tsx/esm/api"), loader: import.meta.resolve("tsx") };
    } else {
      const require = createRequire(import.meta.url);
      const manifestPath = require.resolve("tsx/package.json");
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
        exports?: { "."?: string; "./esm/api"?: { import?: { default?: string } } };
      };
      const api = manifest.exports?.["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
      const loader = manifest.exports?.["."] ?? "./dist/loader.mjs";
      const base = pathToFileURL(manifestPath);
      resolved = { api: new URL(api, base).href, loader: new URL(loader, base).href };
    }
    return resolved;
  } catch (error) {
    throw new WorkerError(
      ErrorCode.WorkerNotLocatable,
      `a worker thread or process must load TypeScript (${forModule}) but tsx cannot be found`,
      { hint: "install it with `npm install tsx`, or run the bundle built by `npm run build`", cause: error },
    );
  }
}
