/**
 * webpack and rspack: the registry is generated before each compilation (`run`, `watchRun`),
 * so every module is read after it is written; diagnostics go to the compilation's errors
 * and warnings lists, and the registry's inputs and source folders to its dependencies, so
 * watch mode rebuilds when one changes. A rebuild that only the registry's own files caused
 * does not run the generator.
 */
import type { Diagnostic } from "../model.ts";
import { toWebpackDiagnostic } from "./messages.ts";
import type { WebpackLikeOptions } from "./bundle-workers.ts";
import type { RegistrySession } from "./session.ts";

/** The parts of a webpack or rspack `Compiler` the plugin uses (both have them). */
export interface WebpackLikeCompiler {
  readonly context: string;
  readonly options: WebpackLikeOptions;
  readonly modifiedFiles?: ReadonlySet<string> | undefined;
  readonly removedFiles?: ReadonlySet<string> | undefined;
  readonly hooks: {
    readonly run: AsyncHook;
    readonly watchRun: AsyncHook;
    readonly thisCompilation: {
      tap(name: string, callback: (compilation: WebpackLikeCompilation) => void): void;
    };
  };
}

interface AsyncHook {
  tapPromise(name: string, callback: (compiler: WebpackLikeCompiler) => Promise<void>): void;
}

interface WebpackLikeCompilation {
  readonly errors: Error[];
  readonly warnings: Error[];
  readonly fileDependencies: { add(path: string): void };
  readonly contextDependencies: { add(path: string): void };
}

/** One SPOC diagnostic in webpack's and rspack's errors or warnings list. */
class SpocBuildError extends Error {
  override readonly name = "SpocError";
  /** The SPOC code. */
  readonly code: string;
  /** Root-relative path of the file, when there is one. */
  readonly file?: string;
  /** 1-based line, 0-based column, as webpack prints them. */
  readonly loc?: { readonly start: { readonly line: number; readonly column: number } };
  /** Tells webpack to print the message only. */
  readonly hideStack = true;

  constructor(diagnostic: Diagnostic) {
    const shape = toWebpackDiagnostic(diagnostic);
    super(shape.message);
    this.code = diagnostic.code;
    if (shape.file !== undefined) this.file = shape.file;
    if (shape.loc !== undefined) this.loc = shape.loc;
  }
}

/** Wires `session` into `compiler` (webpack 5 or rspack). */
export function applyToWebpackLike(compiler: WebpackLikeCompiler, session: () => RegistrySession, name: string): void {
  compiler.hooks.run.tapPromise(name, async () => {
    session().noteUnknownChange();
    await session().generate();
  });
  compiler.hooks.watchRun.tapPromise(name, async () => {
    const current = session();
    if (current.last !== undefined) {
      const { modifiedFiles, removedFiles } = compiler;
      if (modifiedFiles === undefined && removedFiles === undefined) {
        current.noteUnknownChange();
      } else {
        let matters = false;
        for (const path of [...(modifiedFiles ?? []), ...(removedFiles ?? [])]) {
          if (current.noteChange(path)) matters = true;
        }
        if (!matters) return; // only the registry's own writes, or files it does not read
      }
    }
    await current.generate();
  });
  compiler.hooks.thisCompilation.tap(name, (compilation) => {
    const current = session();
    const result = current.last;
    if (result === undefined) return;
    for (const diagnostic of result.diagnostics) {
      (diagnostic.severity === "error" ? compilation.errors : compilation.warnings).push(
        new SpocBuildError(diagnostic),
      );
    }
    for (const file of current.watchFiles()) compilation.fileDependencies.add(file);
    for (const folder of current.watchFolders()) compilation.contextDependencies.add(folder);
  });
}
