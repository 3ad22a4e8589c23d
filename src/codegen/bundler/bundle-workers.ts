/**
 * What a bundle of a spoc app needs for its worker threads and processes, as esbuild's
 * `spocPlugin()` provides it (bundle-entries.ts), for the other tools:
 *
 * - the registry as an entry of its own, so its `import.meta.url` (which a worker child
 *   imports to find its class) is `registry.js`, never the app's entry file;
 * - the worker child (`spoc/workers/child`) as the entry `spoc-worker`, and a
 *   `spoc-worker.js` beside every chunk holding spoc's runtime, where the runtime looks
 *   for it (`src/workers/_entry.ts`).
 *
 * Rollup and Vite: emitted chunks, and a one-line `spoc-worker.js` that imports the real one
 * where a chunk lands in another folder (Vite puts chunks under `assets/`). webpack and rspack:
 * entries added to the compiler's options, the app's entries depending on the registry's (so
 * there is one registry and one runtime), and `import.meta` left to run time in an ESM output
 * (they replace `import.meta.url` with the source file's URL otherwise).
 */
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import { REGISTRY_ENTRY, WORKER_CHILD_ENTRY, workerChildPath } from "../bundle-entries.ts";

/** The package subpath of the worker child. */
const WORKER_CHILD_MODULE = "spoc/workers/child";

/** The module of spoc's runtime that looks for `spoc-worker.js` beside itself. */
const RUNTIME_ENTRY_MODULE = /[\\/]workers[\\/]_entry\.[cm]?[jt]s$/;

/** The parts of Rollup's plugin context used here. */
export interface ChunkEmitter {
  emitFile(file: { type: "chunk"; id: string; name: string }): string;
  resolve(
    source: string,
    importer: string,
  ): Promise<{ readonly id: string; readonly external: boolean | string } | null>;
}

/** What Rollup's `generateBundle` gives, in the parts used here. */
export type OutputBundle = Record<
  string,
  | {
      readonly type: "chunk";
      readonly fileName: string;
      readonly name: string;
      readonly moduleIds: readonly string[];
      readonly isEntry: boolean;
    }
  | { readonly type: "asset"; readonly fileName: string }
>;

/**
 * Rollup and Vite, at build start: the registry and the worker child as chunks of their own.
 * The child is `spoc/workers/child` as the build resolves it; when spoc stays external the
 * installed package's own child is used at run time, and none is bundled.
 */
export async function emitWorkerEntries(context: ChunkEmitter, registryFile: string): Promise<void> {
  context.emitFile({ type: "chunk", id: entryId(registryFile), name: REGISTRY_ENTRY });
  const child = await context.resolve(WORKER_CHILD_MODULE, registryFile);
  if (child !== null && child.external === false) {
    context.emitFile({ type: "chunk", id: entryId(child.id), name: WORKER_CHILD_ENTRY });
  }
}

/**
 * An emitted chunk's id as a path relative to the current folder, as entries are written:
 * @rollup/plugin-node-resolve with `resolveOnly` makes an absolute id external.
 */
function entryId(path: string): string {
  if (!isAbsolute(path)) return path;
  const fromCwd = relative(process.cwd(), path).split(sep).join("/");
  return fromCwd.startsWith(".") ? fromCwd : `./${fromCwd}`;
}

/**
 * Rollup and Vite, once the bundle is written to `dir`: a `spoc-worker.js` beside every chunk
 * that holds spoc's runtime, importing the worker child's chunk (which the tool may have named
 * `assets/spoc-worker-<hash>.js`), unless the child's chunk is that file. Written directly:
 * Vite's SSR builds drop emitted assets.
 */
export async function placeWorkerChild(dir: string, bundle: OutputBundle): Promise<void> {
  const chunks = Object.values(bundle).flatMap((file) => (file.type === "chunk" ? [file] : []));
  const child = chunks.find((chunk) => chunk.name === WORKER_CHILD_ENTRY);
  if (child === undefined) return;
  const folders = new Set<string>();
  for (const chunk of chunks) {
    if (chunk.moduleIds.some((id) => RUNTIME_ENTRY_MODULE.test(id))) folders.add(posix.dirname(chunk.fileName));
  }
  for (const folder of [...folders].sort()) {
    const fileName = posix.join(folder, `${WORKER_CHILD_ENTRY}.js`);
    if (bundle[fileName] !== undefined) continue;
    const target = posix.relative(folder, child.fileName);
    const source = `import ${JSON.stringify(target.startsWith(".") ? target : `./${target}`)};\n`;
    await writeFile(join(dir, fileName), source);
  }
}

/** The parts of webpack's and rspack's normalized options used here. */
export interface WebpackLikeOptions {
  entry: unknown;
  output: { module?: boolean | undefined };
  module: { parser?: Record<string, Record<string, unknown> | undefined> | undefined };
}

interface EntryDescription {
  import?: string[];
  dependOn?: string[];
  [option: string]: unknown;
}

/**
 * webpack and rspack, when the plugin is applied (before their options get their defaults and
 * the entries are read): the registry and the worker child as entries, the others depending
 * on the registry's. Does nothing for an entry given as a function (it cannot be extended).
 */
export function addWorkerEntries(options: WebpackLikeOptions, registryFile: string): void {
  if (typeof options.entry !== "object" || options.entry === null) return;
  const entries = options.entry as Record<string, EntryDescription>;
  const names = Object.keys(entries);
  const registryName = names.find((name) => entries[name]?.import?.includes(registryFile)) ?? REGISTRY_ENTRY;
  entries[registryName] ??= { import: [registryFile] };
  // A worker child imports registry.js for the registry object: it must export it.
  if (options.output.module === true) entries[registryName].library ??= { type: "module" };
  entries[WORKER_CHILD_ENTRY] ??= { import: [workerChildPath()] };
  for (const [name, entry] of Object.entries(entries)) {
    if (name === registryName || entry.dependOn?.includes(registryName) || entry["runtime"] !== undefined) continue;
    entry.dependOn = [...(entry.dependOn ?? []), registryName];
  }
  if (options.output.module === true) {
    const parser = (options.module.parser ??= {});
    parser["javascript"] = { importMeta: false, ...parser["javascript"] };
  }
}
