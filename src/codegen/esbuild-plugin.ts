/**
 * The esbuild plugin: runs the pipeline at the start of every build and rebuild, writes
 * the registry when it changed, fails the build with located errors on diagnostics, and
 * tells esbuild's watch mode which files and folders the registry depends on. When it
 * bundles, it also adds what the registry and workers need (see bundle-entries.ts).
 */
import { existsSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Message, PartialMessage, Plugin } from "esbuild";
import { prepareBundle } from "./bundle-entries.ts";
import { generateRegistry } from "./generate.ts";
import type { Diagnostic, PipelineResult } from "./model.ts";
import { createScanCache } from "./pipeline.ts";
import { REGISTRY_FILE } from "./render/registry.ts";

export interface SpocPluginOptions {
  /** Project root. @default esbuild's `absWorkingDir`, else the current directory */
  readonly root?: string;
  /**
   * When bundling: add the entries `registry` and `spoc-worker` (the worker child), turn on
   * code splitting, and give bundled CommonJS packages a `require`. Needs `format: "esm"`,
   * `outdir` and chunks at the top of `outdir`; the build fails with SPOC131 otherwise.
   * @default true
   */
  readonly prepareBundle?: boolean;
}

/** What the build bundles in place of the registry when the generator reported errors (the build fails anyway). */
const FAILED_REGISTRY =
  "// spoc reported errors: no registry was generated.\nexport const registry = undefined as never;\n";

/** `esbuild.build({ plugins: [spocPlugin()] })`. */
export function spocPlugin(options: SpocPluginOptions = {}): Plugin {
  return {
    name: "spoc",
    setup(build) {
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      const root = resolve(cwd, options.root ?? ".");
      const registryPath = join(root, REGISTRY_FILE);
      const cache = createScanCache();
      let last: PipelineResult | undefined;
      let builds = 0;
      const bundleProblems = options.prepareBundle === false ? [] : prepareBundle(build.initialOptions, root);
      // When the registry is an entry of the bundle (prepareBundle added it) and exists, esbuild
      // loads it in every build: the generator then runs while esbuild reads the rest of the
      // app, and the registry's load waits for it and reports its diagnostics (a failed load
      // writes no output, as with an error from onStart). Otherwise onStart waits for it.
      const overlap = options.prepareBundle !== false && build.initialOptions.bundle === true;
      /** Whether esbuild's path is the registry's (esbuild resolves symlinks: the root may be one). */
      const isRegistry = (path: string): boolean => {
        if (resolve(path) === registryPath) return true;
        try {
          return resolve(path) === realpathSync(registryPath);
        } catch {
          return false;
        }
      };
      /** This build's generation, and whether its diagnostics were handed to esbuild. */
      let current: { readonly report: Promise<Report>; reported: boolean } | undefined;

      const generate = async (): Promise<Report> => {
        // The first build reads (and fills) the disk cache `spoc gen` uses, so it parses only
        // files changed since; rebuilds in watch mode have this session's cache in memory.
        const diskCache = builds++ === 0;
        const { result } = await generateRegistry({ root, cache, diskCache });
        last = result;
        const messages = await Promise.all(result.diagnostics.map((d) => toMessage(d, root, cwd)));
        return {
          errors: messages.filter((_, i) => result.diagnostics[i]?.severity === "error"),
          warnings: messages.filter((_, i) => result.diagnostics[i]?.severity !== "error"),
        };
      };
      /** The build's diagnostics, the first time they are asked for; nothing after. */
      const once = async (): Promise<Report> => {
        const generation = current;
        if (generation === undefined || generation.reported) return { errors: [], warnings: [] };
        generation.reported = true;
        return generation.report;
      };

      build.onStart(() => {
        if (bundleProblems.length > 0) {
          current = undefined;
          return { errors: bundleProblems.map((text) => ({ text, pluginName: "spoc" })) };
        }
        const report = generate();
        report.catch(() => {}); // awaited by the registry's load or by onEnd, which report it
        current = { report, reported: false };
        // A registry not yet on disk must be written before esbuild resolves its entry.
        return overlap && existsSync(registryPath) ? undefined : once();
      });

      build.onLoad({ filter: /[\\/]generated[\\/]registry\.ts$/ }, async (args) => {
        if (!isRegistry(args.path)) return undefined;
        const report = await once();
        // With errors the registry on disk is stale (or missing): bundling it would add
        // esbuild's own errors (modules it can no longer resolve) to spoc's.
        const failed = last?.diagnostics.some((diagnostic) => diagnostic.severity === "error") ?? false;
        return {
          contents: failed ? FAILED_REGISTRY : await readFile(registryPath, "utf8"),
          loader: "ts",
          resolveDir: dirname(registryPath),
          ...watched(root, last),
          ...report,
        };
      });

      // A build that did not load the registry (it failed first) still reports spoc's diagnostics.
      build.onEnd(() => once());
    },
  };
}

/** A generation's diagnostics as esbuild messages. */
interface Report {
  readonly errors: PartialMessage[];
  readonly warnings: PartialMessage[];
}

/** What the registry depends on: every input file, and the folders where apps and modules appear. */
function watched(root: string, result: PipelineResult | undefined): { watchFiles: string[]; watchDirs: string[] } {
  const model = result?.model;
  const watchFiles = (model?.inputs ?? []).map((file) => join(root, file));
  const dirs = new Set([join(root, "apps"), join(root, "config")]);
  for (const app of model?.apps ?? []) dirs.add(join(root, "apps", app.name));
  for (const file of model?.inputs ?? []) if (file.includes("/")) dirs.add(dirname(join(root, file)));
  return { watchFiles: watchFiles.sort(), watchDirs: [...dirs].sort() };
}

async function toMessage(diagnostic: Diagnostic, root: string, cwd: string): Promise<PartialMessage> {
  const notes: PartialMessage["notes"] & object = [];
  if (diagnostic.cycle !== undefined) notes.push({ text: `cycle: ${diagnostic.cycle.join(" -> ")}` });
  for (const related of diagnostic.related ?? []) {
    notes.push({
      text: related.message,
      location:
        related.file === "" ? null : await location(related.file, related.line ?? 1, related.column ?? 1, root, cwd),
    });
  }
  if (diagnostic.hint !== undefined) notes.push({ text: `hint: ${diagnostic.hint}` });
  return {
    id: diagnostic.code,
    pluginName: "spoc",
    text: `${diagnostic.code}: ${diagnostic.message}`,
    location:
      diagnostic.file === "" ? null : await location(diagnostic.file, diagnostic.line, diagnostic.column, root, cwd),
    notes,
  };
}

async function location(
  file: string,
  line: number,
  column: number,
  root: string,
  cwd: string,
): Promise<Message["location"]> {
  const absolute = isAbsolute(file) ? file : join(root, file);
  let lineText = "";
  try {
    lineText = (await readFile(absolute, "utf8")).split(/\r?\n/)[line - 1] ?? "";
  } catch {
    // no source line to show
  }
  return {
    file: relative(cwd, absolute).split(sep).join("/"),
    namespace: "file",
    line: Math.max(1, line),
    // esbuild's columns are 0-based, in UTF-8 bytes
    column: lineText === "" ? Math.max(0, column - 1) : Buffer.byteLength(lineText.slice(0, Math.max(0, column - 1))),
    length: 0,
    lineText,
    suggestion: "",
  };
}
