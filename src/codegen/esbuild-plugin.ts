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
import { type FreshGeneration, freshGeneration } from "./fresh-generation.ts";
import { loadGenerator } from "./load-generator.ts";
import type { Diagnostic } from "./model.ts";
import type { ScanCache } from "./pipeline.ts";
import { REGISTRY_DATA_FILE, REGISTRY_FILE } from "./render/registry.ts";

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
      let cache: ScanCache | undefined;
      let last: LastGeneration | undefined;
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
        // The first build of a project unchanged since its last generation has nothing to do,
        // and finds it out without loading the generator.
        const fresh = builds++ === 0 ? freshGeneration(root) : undefined;
        if (fresh !== undefined) {
          last = { ...fresh, failed: false };
          return { errors: [], warnings: [] };
        }
        const generator = await loadGenerator();
        // The session's first generation reads (and fills) the disk cache `spoc gen` uses, so
        // it parses only files changed since; later ones have this session's cache in memory.
        const diskCache = cache === undefined;
        cache ??= generator.createScanCache();
        const { result } = await generator.generateRegistry({ root, cache, diskCache });
        last = {
          inputs: result.model?.inputs ?? [],
          apps: result.model?.apps.map((app) => app.name) ?? [],
          failed: result.diagnostics.some((diagnostic) => diagnostic.severity === "error"),
        };
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
        // A registry not yet on disk must be written before esbuild resolves its entry, and its
        // data before esbuild lists the folder (which it does once per build).
        const onDisk = existsSync(registryPath) && existsSync(join(root, REGISTRY_DATA_FILE));
        return overlap && onDisk ? undefined : once();
      });

      build.onLoad({ filter: /[\\/]generated[\\/]registry\.ts$/ }, async (args) => {
        if (!isRegistry(args.path)) return undefined;
        const report = await once();
        // With errors the registry on disk is stale (or missing): bundling it would add
        // esbuild's own errors (modules it can no longer resolve) to spoc's.
        return {
          contents: last?.failed === true ? FAILED_REGISTRY : await readFile(registryPath, "utf8"),
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

/** What the registry's load needs of the build's generation. */
interface LastGeneration extends Pick<FreshGeneration, "inputs" | "apps"> {
  /** It reported errors: the registry on disk is stale or missing. */
  readonly failed: boolean;
}

/** A generation's diagnostics as esbuild messages. */
interface Report {
  readonly errors: PartialMessage[];
  readonly warnings: PartialMessage[];
}

/** What the registry depends on: every input file, and the folders where apps and modules appear. */
function watched(root: string, last: LastGeneration | undefined): { watchFiles: string[]; watchDirs: string[] } {
  const inputs = last?.inputs ?? [];
  const watchFiles = inputs.map((file) => join(root, file));
  const dirs = new Set([join(root, "apps"), join(root, "config")]);
  for (const app of last?.apps ?? []) dirs.add(join(root, "apps", app));
  for (const file of inputs) if (file.includes("/")) dirs.add(dirname(join(root, file)));
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
