/**
 * One build tool's generator session: the scan cache kept across its builds and rebuilds,
 * the changes the tool reported since the last run, and the last result. Every adapter
 * (Vite, Rollup, webpack, rspack) drives the pipeline through this one owner, so a rebuild
 * re-parses only what changed, and the registry's own files never cause a run.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { generateRegistry, hasErrors, type Generation } from "../generate.ts";
import type { PipelineResult } from "../model.ts";
import { createScanCache } from "../pipeline.ts";
import { REGISTRY_DATA_FILE, REGISTRY_DATA_TYPES_FILE, REGISTRY_FILE } from "../render/registry.ts";

/** Folders under which a new file can change the registry (a new app, a new module file). */
const SOURCE_FOLDERS = ["apps", "config"];

export class RegistrySession {
  /** Absolute project root. */
  readonly root: string;
  /** Absolute paths of the files the generator writes. */
  readonly outputs: ReadonlySet<string>;
  readonly #cache = createScanCache();
  /** Root-relative paths reported changed since the last run; `undefined`: unknown, so check everything. */
  #changed: Set<string> | undefined;
  #last: Generation | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(root: string) {
    this.root = resolve(root);
    this.outputs = new Set(
      [REGISTRY_FILE, REGISTRY_DATA_FILE, REGISTRY_DATA_TYPES_FILE].map((f) => join(this.root, f)),
    );
  }

  /** The last run's result, once there was one. */
  get last(): PipelineResult | undefined {
    return this.#last?.result;
  }

  /** How many files the session has parsed with TypeScript, over all its runs. */
  get parses(): number {
    return this.#cache.parses;
  }

  /** Whether the last run reported an error (the registry on disk was not brought up to date). */
  get failed(): boolean {
    return this.#last !== undefined && hasErrors(this.#last.result);
  }

  /** The absolute path of `generated/registry.ts`. */
  get registryFile(): string {
    return join(this.root, REGISTRY_FILE);
  }

  /**
   * Records that the build tool saw `path` (absolute) created, changed or deleted. Returns
   * whether it can change the registry: the generator's own outputs and files outside the
   * project's inputs and source folders cannot.
   */
  noteChange(path: string): boolean {
    const file = this.#relative(path);
    if (file === undefined || !this.affects(file)) return false;
    this.#changed?.add(file);
    return true;
  }

  /** Forget what is known of changes: the next run checks every input (a change the tool could not name). */
  noteUnknownChange(): void {
    this.#changed = undefined;
  }

  /** Whether the root-relative `file` is an input of the last run, or lies where a new input can appear. */
  affects(file: string): boolean {
    if (this.outputs.has(join(this.root, file))) return false;
    if (this.#last?.result.model?.inputs.includes(file) ?? true) return true;
    return SOURCE_FOLDERS.some((folder) => file === folder || file.startsWith(`${folder}/`));
  }

  /**
   * Runs the pipeline and writes the registry's files that changed. Runs one at a time; the
   * first run reads everything, later ones only what the tool reported changed when every
   * reported change is an edit of a file the last run read.
   */
  generate(): Promise<Generation> {
    const run = this.#queue.then(() => this.#run());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Every input file of the last run (absolute), for the tool's watcher. */
  watchFiles(): string[] {
    return (this.last?.model?.inputs ?? []).map((file) => join(this.root, file)).sort();
  }

  /** The folders where apps, modules and config files appear (absolute), for the tool's watcher. */
  watchFolders(): string[] {
    const folders = new Set(SOURCE_FOLDERS.map((folder) => join(this.root, folder)));
    for (const app of this.last?.model?.apps ?? []) folders.add(join(this.root, "apps", app.name));
    for (const file of this.last?.model?.inputs ?? [])
      if (file.includes("/")) folders.add(dirname(join(this.root, file)));
    return [...folders].filter((folder) => existsSync(folder)).sort();
  }

  async #run(): Promise<Generation> {
    const changed = this.#changed;
    const inputs = new Set(this.#last?.result.model?.inputs);
    const edits =
      this.#last !== undefined &&
      changed !== undefined &&
      [...changed].every((file) => inputs.has(file) && isFile(join(this.root, file)));
    this.#changed = new Set();
    try {
      this.#last = await generateRegistry({
        root: this.root,
        cache: this.#cache,
        // A build is often a process of its own: start from what `spoc gen` or the last build parsed.
        ...(this.#last === undefined && { diskCache: true }),
        ...(edits && { changed: [...(changed ?? [])] }),
      });
      return this.#last;
    } catch (error) {
      this.#changed = undefined; // the next run must not trust what this one may have half read
      throw error;
    }
  }

  #relative(path: string): string | undefined {
    const file = relative(this.root, isAbsolute(path) ? path : resolve(this.root, path));
    if (file === "" || file.startsWith(`..${sep}`) || file === ".." || isAbsolute(file)) return undefined;
    const posix = file.split(sep).join("/");
    return posix.startsWith("node_modules/") ? undefined : posix;
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
