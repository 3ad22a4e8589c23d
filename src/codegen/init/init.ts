/**
 * `spoc init [dir]`: writes a working project (package.json, tsconfig, config/, one app,
 * main.ts, the bundler's build file, one test), then its registry. Refuses to replace any
 * file, naming those in the way.
 */
import { basename, resolve } from "node:path";
import { generateRegistry, hasErrors } from "../generate.ts";
import type { PipelineResult } from "../model.ts";
import { packageVersion } from "../package-manifest.ts";
import { writeNewFiles } from "./files.ts";
import { exampleAppFiles } from "./templates/app.ts";
import { BUNDLERS, DEFAULT_BUNDLER, type BundlerName } from "./templates/bundlers.ts";
import { projectFiles } from "./templates/project.ts";
import type { TemplateContext, TemplateFile } from "./templates/types.ts";

export interface InitOptions {
  /** The folder to create the project in; created when missing. */
  readonly dir: string;
  /** @default "esbuild" */
  readonly bundler?: BundlerName;
  /** The first app's name. @default "hello" */
  readonly app?: string;
}

export interface InitResult {
  /** The project's absolute folder. */
  readonly root: string;
  /** The files written, relative to `root`, in the order written (the registry's last). */
  readonly files: readonly string[];
  /** The registry's generation (its diagnostics, if any). */
  readonly result: PipelineResult;
}

/** The files `spoc init` writes for a project in `dir` (pure: nothing is read or written). */
function initFiles(dir: string, options: Omit<InitOptions, "dir"> = {}): TemplateFile[] {
  const context: TemplateContext = {
    name: packageName(basename(resolve(dir))),
    app: options.app ?? "hello",
    spocVersion: `^${packageVersion() ?? "0.1.0"}`,
  };
  const bundler = BUNDLERS[options.bundler ?? DEFAULT_BUNDLER];
  return [...projectFiles(context, bundler), ...bundler.files(context), ...exampleAppFiles(context.app)];
}

/**
 * Writes a new project into `options.dir` and generates its registry.
 * @throws ExistingFilesError naming the files that are already there; nothing is written then.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const root = resolve(options.dir);
  const files = initFiles(root, options);
  await writeNewFiles(root, files, "choose an empty folder: `npx spoc init <dir>`");
  const { result } = await generateRegistry({ root });
  const generated = hasErrors(result)
    ? []
    : ["generated/registry.ts", "generated/registry.data.js", "generated/registry.data.d.ts"];
  return { root, files: [...files.map((file) => file.path), ...generated], result };
}

/** A valid npm package name from a folder's name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "");
  return name === "" ? "spoc-app" : name;
}
